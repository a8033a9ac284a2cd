"""Content-addressed blob storage: bytes are kept once under their SHA-256.

`LocalBlobStore` keeps them on the local disk; an S3-compatible store implements the same
four methods (`put` from a finished temporary file, `path_or_url`, `exists`, `delete`).
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


class BlobStore(Protocol):
    def staging(self) -> Path:
        """A directory for uploads in progress, on the same volume as the blobs."""
        ...

    async def put(self, source: Path, sha256: str) -> bool:
        """Move `source` into the store; False (and `source` removed) if it was there."""
        ...

    def path(self, sha256: str) -> Path: ...

    async def exists(self, sha256: str) -> bool: ...

    async def delete(self, sha256: str) -> None: ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def staging(self) -> Path:
        return self.root / "tmp"

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
