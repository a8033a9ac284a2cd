"""Attachments in an S3-compatible store (AWS S3, MinIO, Ceph, …) through aiobotocore, so every
host serves every attachment. Keys are `<prefix><sha[:2]>/<sha[2:4]>/<sha256>`: content
addressed as on disk, and S3 checks each upload against its SHA-256. Downloads are proxied by
the server (`server/files.py`), under the same signed-link rules as local files."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from services.documents.storage import Blob, BlobMissing
from services.errors import Unavailable

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

log = logging.getLogger(__name__)
CHUNK = 1 << 16
MISSING = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    def __init__(
        self,
        *,
        bucket: str,
        staging: Path,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        self.bucket, self.prefix, self._staging = bucket, prefix, staging
        self._options: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
            "config": AioConfig(
                connect_timeout=3, read_timeout=15, retries={"max_attempts": 2, "mode": "standard"}
            ),
        }
        self._stack = contextlib.AsyncExitStack()
        self._client: S3Client | None = None
        staging.mkdir(parents=True, exist_ok=True)

    def staging(self) -> Path:
        return self._staging

    async def start(self) -> None:
        session = get_session()
        self._client = await self._stack.enter_async_context(
            session.create_client("s3", **self._options)
        )

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    @property
    def client(self) -> S3Client:
        if self._client is None:
            raise Unavailable("the file store is not started")
        return self._client

    async def exists(self, sha256: str) -> bool:
        with _reachable():
            try:
                await self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
            except ClientError as exc:
                if _code(exc) in MISSING:
                    return False
                raise
        return True

    async def put(self, source: Path, sha256: str) -> bool:
        if await self.exists(sha256):
            await asyncio.to_thread(source.unlink, missing_ok=True)
            return False
        body = await asyncio.to_thread(source.read_bytes)  # at most the upload limit
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        with _reachable():
            await self.client.put_object(
                Bucket=self.bucket, Key=self.key(sha256), Body=body, ChecksumSHA256=checksum
            )
        await asyncio.to_thread(source.unlink, missing_ok=True)
        return True

    async def open(self, sha256: str) -> Blob:
        with _reachable():
            try:
                answer = await self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
            except ClientError as exc:
                if _code(exc) in MISSING:
                    raise BlobMissing(sha256) from exc
                raise
        return Blob(answer["ContentLength"], chunks=_chunks(answer["Body"]))

    async def delete(self, sha256: str) -> None:
        with _reachable():
            await self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))


async def _chunks(body: Any) -> AsyncIterator[bytes]:
    async with body as stream:
        with _reachable():
            while chunk := await stream.read(CHUNK):
                yield chunk


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Transport failures and the store's own 5xx are an outage, not a bug."""
    try:
        yield
    except (BotoCoreError, aiohttp.ClientError, OSError) as exc:
        raise Unavailable(f"the file store is unavailable: {exc}") from exc
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500:
            raise Unavailable(f"the file store is unavailable: {exc}") from exc
        raise


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
