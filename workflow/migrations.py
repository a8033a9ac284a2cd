"""Versioned migrations of stored instances: every instance JSON carries ``schema_version``,
and :func:`upgrade` brings an older one up to :data:`SCHEMA_VERSION` before it is parsed, so
documents written by an earlier engine keep running (the pattern of SpiffWorkflow's
``serializer/migration/``).

Version 1 is the format of the first engine, the one every stored document has (it always
wrote ``"schema_version": 1``; a document without the key is read as version 1). Changing the
format means: bump :data:`SCHEMA_VERSION`, register ``MIGRATIONS[n]`` turning a version-``n``
dict into version ``n + 1`` (a pure function of the dict), and keep a fixture of version ``n``
in ``tests/fixtures/instances/`` that must still load and continue. An instance from a newer
engine is refused rather than read wrongly (during a rolling deploy an older process must not
rewrite it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "upgrade"]

Migration = Callable[[dict[str, Any]], dict[str, Any]]

SCHEMA_VERSION = 1

#: ``MIGRATIONS[n]`` turns a version-``n`` instance dict into version ``n + 1``.
MIGRATIONS: dict[int, Migration] = {}


def upgrade(
    data: Mapping[str, Any],
    *,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    current: int = SCHEMA_VERSION,
) -> dict[str, Any]:
    """The instance dict at version ``current``; ValueError when it cannot get there."""
    out = dict(data)
    version = out.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"instance schema version {version!r} is not a version")
    if version > current:
        raise ValueError(
            f"instance schema version {version} is newer than this engine's ({current}): "
            "run the newer engine"
        )
    while version < current:
        if version not in migrations:
            raise ValueError(f"no migration from instance schema version {version}")
        out = {**migrations[version](out), "schema_version": version + 1}
        version += 1
    out["schema_version"] = version
    return out
