"""Uploads through the client API: kept clean, served as pictures; bad ones refused, nothing
stored."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import httpx
import pytest
from PIL import Image

from community.settings import Settings
from tests.api import images

MEDIA_PATH = "https://social.test/media/"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"media_max_bytes": 300_000})


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    *,
    name: str = "photo.jpg",
    declared: str = "image/jpeg",
    version: str = "v2",
    **fields: str,
) -> httpx.Response:
    return await client.post(
        f"/api/{version}/media",
        headers=headers,
        files={"file": (name, data, declared)},
        data=fields,
    )


async def served(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    assert url.startswith(MEDIA_PATH), url
    response = await client.get(url.removeprefix("https://social.test"), headers=headers)
    assert response.status_code == 200, response.text
    return response


def stored_files(settings: Settings) -> list[Path]:
    root = settings.data_dir / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_an_upload_is_cleaned_described_and_served_as_a_picture(
    client: httpx.AsyncClient, town: SimpleNamespace, settings: Settings
) -> None:
    sent = images.jpeg_with_gps()
    answer = await upload(client, town.alice, sent, description="A fractal", focus="0.5,-0.25")
    assert answer.status_code == 200, answer.text
    media = answer.json()
    assert media["type"] == "image"
    assert media["description"] == "A fractal"
    assert media["blurhash"]
    assert len(media["blurhash"]) >= 6
    # the EXIF orientation (rotate 90°) is applied to the pixels, then dropped with the rest
    assert media["meta"]["original"] == {
        "width": 480,
        "height": 640,
        "size": "480x640",
        "aspect": 0.75,
    }
    assert media["meta"]["small"]["width"] * media["meta"]["small"]["height"] <= 230_400
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}

    original = await served(client, media["url"], Accept="application/activity+json")
    assert original.headers["content-type"] == "image/jpeg"
    assert original.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in original.headers["content-security-policy"]
    assert "sandbox" in original.headers["content-security-policy"]
    kept = Image.open(io.BytesIO(original.content))
    assert kept.size == (480, 640)
    assert not kept.getexif()
    assert b"SecretCam" not in original.content
    assert kept.getexif().get_ifd(images.GPS_IFD) == {}
    preview = await served(client, media["preview_url"])
    assert preview.headers["content-type"] == "image/jpeg"
    assert len(stored_files(settings)) == 2

    described = await client.put(
        f"/api/v1/media/{media['id']}", headers=town.alice, data={"description": "Now better"}
    )
    assert described.json()["description"] == "Now better"
    shown = await client.get(f"/api/v1/media/{media['id']}", headers=town.alice)
    assert shown.json()["description"] == "Now better"
    others = await client.get(f"/api/v1/media/{media['id']}", headers=town.bob)
    assert others.status_code == 404


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (images.png, "image/png"),
        (images.jpeg_with_second_picture, "image/jpeg"),
        (images.webp, "image/webp"),
        (lambda: images.gif(1), "image/gif"),
    ],
)
async def test_png_webp_and_gif_are_kept_in_their_format(
    client: httpx.AsyncClient, town: SimpleNamespace, make, content_type: str
) -> None:
    # the declared type and name are wrong on purpose: the content decides
    answer = await upload(client, town.alice, make(), name="x.txt", declared="text/plain")
    assert answer.status_code == 200, answer.text
    original = await served(client, answer.json()["url"])
    assert original.headers["content-type"] == content_type


async def test_an_animated_gif_keeps_its_frames_and_timing_but_not_its_comment(
    client: httpx.AsyncClient, town: SimpleNamespace
) -> None:
    answer = await upload(client, town.alice, images.gif(frames=4), name="a.gif")
    assert answer.status_code == 200, answer.text
    original = await served(client, answer.json()["url"])
    kept = Image.open(io.BytesIO(original.content))
    assert kept.n_frames == 4
    durations = []
    for frame in range(4):
        kept.seek(frame)
        durations.append(kept.info["duration"])
    assert durations == [70, 80, 90, 100]
    assert b"a private note" not in original.content


BAD_UPLOADS = [
    ("text", b"just some text, not a picture\n" * 10, 422, "not a JPEG, PNG, GIF or WebP"),
    (
        "svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        422,
        "not a JPEG",
    ),
    ("html", b"<!doctype html><html><script>alert(1)</script></html>", 422, "not a JPEG"),
    ("too large", images.jpeg_with_gps(4000, 3000), 413, "larger than 300000 bytes"),
    ("gif+html polyglot", images.gif_with_html(), 422, "also holds markup"),
    ("jpeg+zip polyglot", images.jpeg_with_zip(), 422, "also holds a ZIP archive"),
    ("png with svg text", images.png_with_svg_text(), 422, "also holds markup"),
    ("png bomb", images.png_bomb(), 422, "too many pixels"),
    ("gif bomb", images.gif_bomb(), 422, "more than 33177600 pixels"),
    ("truncated png", images.png()[:60], 422, "not a readable PNG"),
]


@pytest.mark.parametrize(
    ("kind", "data", "status", "reason"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS]
)
async def test_a_bad_upload_gets_a_clear_4xx_and_stores_nothing(
    client: httpx.AsyncClient,
    town: SimpleNamespace,
    settings: Settings,
    conn: asyncpg.Connection,
    kind: str,
    data: bytes,
    status: int,
    reason: str,
) -> None:
    answer = await upload(client, town.alice, data, name="innocent.jpg", declared="image/jpeg")
    assert answer.status_code == status, answer.text
    assert reason in answer.json()["error"]
    assert stored_files(settings) == []
    assert await conn.fetchval("SELECT count(*) FROM media_attachments") == 0


async def test_an_upload_needs_a_file_a_form_and_the_scope(
    client: httpx.AsyncClient, town: SimpleNamespace
) -> None:
    empty = await client.post("/api/v2/media", headers=town.alice, data={"description": "x"})
    assert empty.status_code == 422
    as_json = await client.post("/api/v2/media", headers=town.alice, json={"file": "x"})
    assert as_json.status_code == 422
    anonymous = await client.post("/api/v2/media", files={"file": ("a.png", images.png())})
    assert anonymous.status_code == 401
    too_long = await upload(client, town.alice, images.png(), description="x" * 1501)
    assert too_long.status_code == 422


async def test_only_stored_keys_are_served(client: httpx.AsyncClient) -> None:
    for path in (
        "/media/../../etc/passwd",
        "/media/" + "0" * 32 + "/original.jpg",
        "/media/nothing",
    ):
        assert (await client.get(path)).status_code == 404
