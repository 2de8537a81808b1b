"""The S3 media store against a real S3-compatible server over HTTP (moto's, in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from community.settings import Settings, SettingsError, load_settings
from tests.api import images

BUCKET = "fediverse-media"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str) -> Settings:
    return Settings(
        **{
            **settings.model_dump(),
            "media_storage": "s3",
            "media_s3_bucket": BUCKET,
            "media_s3_endpoint": s3_endpoint,
            "media_s3_region": "us-east-1",
            "media_s3_access_key_id": "test",
            "media_s3_secret_access_key": "test",
            "_env_file": None,
        }
    )


async def test_an_upload_is_kept_in_the_bucket_and_served_from_it(
    client: httpx.AsyncClient, town: SimpleNamespace, settings: Settings, s3_endpoint: str
) -> None:
    answer = await client.post(
        "/api/v2/media",
        headers=town.alice,
        files={"file": ("a.jpg", images.jpeg_with_gps(), "image/jpeg")},
    )
    assert answer.status_code == 200, answer.text
    url = answer.json()["url"]
    assert url.startswith("https://social.test/media/")
    key = url.removeprefix("https://social.test/media/")
    bucket = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/jpeg"
    assert b"SecretCam" not in stored["Body"].read()
    served = await client.get(url.removeprefix("https://social.test"))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert not (settings.data_dir / "media").exists()


def test_s3_storage_needs_a_bucket() -> None:
    with pytest.raises(SettingsError, match="FEDIVERSE_MEDIA_S3_BUCKET"):
        load_settings(_env_file=None, media_storage="s3")
