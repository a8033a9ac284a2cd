"""Content-addressed blob storage: bytes are kept once under their SHA-256, which the server
computes while it spools an upload (`spool`).

`LocalBlobStore` keeps them on the local disk (`<data dir>/blobs`: one host only);
`S3BlobStore` in any S3-compatible store every host shares (`object_store.py`). A store that
cannot be reached raises `services.errors.Unavailable`; a blob that should be there and is not
raises `BlobMissing`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class BlobMissing(Exception):
    """The store has no blob under this hash (lost, or a host that does not share it)."""


@dataclass
class Blob:
    """A blob to send: a local file, or a stream of chunks."""

    size: int
    path: Path | None = None
    chunks: AsyncIterator[bytes] | None = None


class BlobStore(Protocol):
    def staging(self) -> Path:
        """A local directory for uploads in progress."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def put(self, source: Path, sha256: str) -> bool:
        """Move `source` into the store; False (and `source` removed) if it was there."""
        ...

    async def open(self, sha256: str) -> Blob: ...

    async def exists(self, sha256: str) -> bool: ...

    async def delete(self, sha256: str) -> None: ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def staging(self) -> Path:
        return self.root / "tmp"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def put(self, source: Path, sha256: str) -> bool:
        target = self.path(sha256)
        if target.exists():
            await asyncio.to_thread(source.unlink, missing_ok=True)
            return False
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        os.replace(source, target)
        return True

    async def open(self, sha256: str) -> Blob:
        path = self.path(sha256)
        try:
            return Blob(path.stat().st_size, path=path)
        except FileNotFoundError as exc:
            raise BlobMissing(sha256) from exc

    async def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    async def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


@dataclass
class Incoming:
    """An uploaded file spooled to a staging file while its hash and size were taken; bytes
    past `limit` were not kept (`too_large`)."""

    name: str
    content_type: str
    path: Path
    size: int
    sha256: str
    too_large: bool

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def spool(
    chunks: AsyncIterator[bytes], *, name: str, content_type: str, staging: Path, limit: int
) -> Incoming:
    """Write an async iterator of byte chunks to a staging file, hashing as it goes."""
    digest, size, too_large = hashlib.sha256(), 0, False
    handle, raw = tempfile.mkstemp(dir=staging, prefix="upload-")
    path = Path(raw)
    with os.fdopen(handle, "wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                too_large = True
                continue
            digest.update(chunk)
            await asyncio.to_thread(out.write, chunk)
    if too_large:
        await asyncio.to_thread(path.unlink, missing_ok=True)
    return Incoming(name, content_type, path, size, digest.hexdigest(), too_large)
