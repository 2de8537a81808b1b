"""How long does a picture take from upload to being served, per size?

For each size (megapixels), makes a photo-like JPEG, then through the real app in-process
(httpx ASGI transport, a real PostgreSQL, the local media store on disk): uploads it
(``POST /api/v2/media``: sniff, checks, decode, re-encode without metadata, preview, blurhash,
store, row), fetches its preview and its original (``GET /media/KEY``). Prints the best of
``--repeat`` runs of each (the machine is shared: the best run is the least disturbed one),
and the ratio of the upload to the imaging work alone
(:func:`community.imaging.process` on the same bytes, the ceiling: what the upload costs
beyond it is HTTP, multipart, disk and the database).

    .venv/bin/python bench/media.py --sizes 0.5 2 8 24 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import scratch_database  # noqa: E402
from community.accounts import create_user  # noqa: E402
from community.imaging import Limits, process  # noqa: E402
from community.oauth import create_app, issue_token  # noqa: E402
from community.settings import Settings  # noqa: E402
from community.storage.database import connect  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from fediverse.app import create_app as create_web_app  # noqa: E402

BASE = "https://bench.test"
MAX_BYTES = 64 * 1024 * 1024


def photo(megapixels: float) -> bytes:
    """A JPEG (quality 90) of about that many pixels, 4:3, with detail like a photo's."""
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    shapes = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 80)
    grain = Image.effect_noise((width, height), 24).filter(ImageFilter.GaussianBlur(1))
    picture = Image.merge("RGB", (shapes, grain, Image.blend(shapes, grain, 0.5)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


async def token_for(url: str) -> str:
    async with connect(url) as conn:
        await migrate(conn)
        person = await create_user(conn, Urls(BASE), "bench", password="a long bench password")
        app, _ = await create_app(conn, "bench", ["urn:ietf:wg:oauth:2.0:oob"], ["write"], None)
        raw, _ = await issue_token(conn, app, person.id, ["write"])
    return raw


async def best_ms(repeat: int, step: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    times, last = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        last = await step()
        times.append(time.perf_counter() - started)
    return min(times) * 1000, last


async def measure_size(
    client: httpx.AsyncClient, headers: dict[str, str], megapixels: float, repeat: int
) -> dict[str, float]:
    data = photo(megapixels)
    limits = Limits(MAX_BYTES, 89_000_000)

    async def upload() -> dict[str, Any]:
        files = {"file": ("photo.jpg", data, "image/jpeg")}
        answer = await client.post("/api/v2/media", headers=headers, files=files)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def fetch(url: str) -> int:
        answer = await client.get(url.removeprefix(BASE))
        assert answer.status_code == 200, answer.text
        return len(answer.content)

    upload_ms, media = await best_ms(repeat, upload)
    ceiling, _ = await best_ms(repeat, lambda: asyncio.to_thread(process, data, limits))
    preview_ms, _ = await best_ms(repeat, lambda: fetch(media["preview_url"]))
    original_ms, size = await best_ms(repeat, lambda: fetch(media["url"]))
    return {
        "megapixels": megapixels,
        "upload_mib": len(data) / 2**20,
        "imaging_ms": ceiling,
        "upload_ms": upload_ms,
        "preview_ms": preview_ms,
        "original_ms": original_ms,
        "served_mib_s": size / 2**20 / (original_ms / 1000),
    }


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("bench_media") as url:
        token = await token_for(url)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            domain="bench.test",
            database_url=url,
            data_dir=Path(tempfile.mkdtemp()),
            media_max_bytes=MAX_BYTES,
            media_max_pixels=89_000_000,
        )
        app = create_web_app(settings)
        headers = {"Authorization": f"Bearer {token}"}
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=120) as client:
                rows = [await measure_size(client, headers, mp, args.repeat) for mp in args.sizes]
    print(
        f"{'MP':>5} {'upload':>9} {'imaging':>9} {'upload':>9} {'ratio':>6}"
        f" {'preview':>9} {'original':>9} {'served':>10}"
    )
    print(f"{'':>5} {'MiB':>9} {'ms':>9} {'ms':>9} {'':>6} {'ms':>9} {'ms':>9} {'MiB/s':>10}")
    for r in rows:
        print(
            f"{r['megapixels']:>5} {r['upload_mib']:>9.2f} {r['imaging_ms']:>9.1f}"
            f" {r['upload_ms']:>9.1f} {r['upload_ms'] / r['imaging_ms']:>6.2f}"
            f" {r['preview_ms']:>9.2f} {r['original_ms']:>9.2f} {r['served_mib_s']:>10.0f}"
        )
    print("ratio = upload / imaging alone (1.0 would be no cost beyond decoding and encoding)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 2, 8, 24])
    parser.add_argument("--repeat", type=int, default=5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
