"""Where uploaded files live: under the data directory, or in an S3-compatible bucket.

Files are kept by keys we make (``<32 random hex>/original.jpg``, ``…/small.jpg``), never by a
name the uploader chose, so no path is ever built from what a member sent. Which store a
server uses is a setting (``FEDIVERSE_MEDIA_STORAGE``); both answer the same four calls.

* :class:`LocalStore` writes each file to a temporary name and renames it into place (a
  reader never sees half a file); reads are served by ``fediverse.web.media``.
* :class:`S3Store` puts objects through boto3 (the AWS SDK, which speaks to any
  S3-compatible server: MinIO, Garage, Ceph, Backblaze, Scaleway…), in a thread since boto3
  blocks. Files are served from ``FEDIVERSE_MEDIA_PUBLIC_URL`` (the bucket's public address or
  a CDN) when it is set, else read from the bucket and served here.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from community.errors import FediverseError
from community.settings import Settings
from community.urls import Urls

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

#: A key we made: random folder, the file's role, its extension.
KEY_RE = re.compile(r"^[0-9a-f]{32}/(?:original|small)\.(?:jpg|png|gif|webp)$")
CACHE_CONTROL = "public, max-age=31536000, immutable"


class MediaStoreError(FediverseError):
    """The store could not keep or give back a file (disk full, bucket unreachable…)."""


def new_folder() -> str:
    return secrets.token_hex(16)


def is_key(key: str) -> bool:
    return KEY_RE.match(key) is not None


class MediaStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    def url_of(self, key: str) -> str: ...


class LocalStore:
    """Files under ``root`` (``DATA_DIR/media``), served at ``base_url/KEY``."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url

    def path_of(self, key: str) -> Path:
        if not is_key(key):
            raise MediaStoreError(f"not a media key: {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            partial.write_bytes(data)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise MediaStoreError(f"cannot write {path}: {exc.strerror}") from None

    async def get(self, key: str) -> bytes | None:
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        path = self.path_of(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    def url_of(self, key: str) -> str:
        return f"{self.base_url}/{key}"


class S3Store:
    """Objects in one bucket of an S3-compatible server."""

    def __init__(self, client: S3Client, bucket: str, base_url: str) -> None:
        self.client = client
        self.bucket = bucket
        self.base_url = base_url

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            await asyncio.to_thread(
                self.client.put_object,
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
                ContentDisposition="inline",
            )
        except (BotoCoreError, ClientError) as exc:
            raise MediaStoreError(f"cannot store {key} in {self.bucket}: {exc}") from None

    async def get(self, key: str) -> bytes | None:
        try:
            found = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key)
            return await asyncio.to_thread(found["Body"].read)
        except self.client.exceptions.NoSuchKey:
            return None
        except (BotoCoreError, ClientError) as exc:
            raise MediaStoreError(f"cannot read {key} from {self.bucket}: {exc}") from None

    async def delete(self, key: str) -> None:
        try:
            await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise MediaStoreError(f"cannot delete {key} from {self.bucket}: {exc}") from None

    def url_of(self, key: str) -> str:
        return f"{self.base_url}/{key}"


def open_media_store(settings: Settings, urls: Urls) -> MediaStore:
    """The store the settings name; files are served from the public URL, else ``/media/``."""
    base_url = settings.media_public_url or f"{urls.base_url}/media"
    if settings.media_storage == "local":
        return LocalStore(settings.data_dir / "media", base_url)
    assert settings.media_s3_bucket is not None  # the settings require it for s3
    secret = settings.media_s3_secret_access_key
    client = boto3.client(
        "s3",
        endpoint_url=settings.media_s3_endpoint,
        region_name=settings.media_s3_region,
        aws_access_key_id=settings.media_s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        # path-style addressing: S3-compatible servers rarely have a wildcard DNS name
        config=Config(
            s3={"addressing_style": "path" if settings.media_s3_endpoint else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )
    return S3Store(client, settings.media_s3_bucket, base_url)
