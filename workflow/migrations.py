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

SCHEMA_VERSION = 2


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds what 撤回, 减签 and out-of-office rules need: tasks know when they were
    first opened and whom a rule took them from; tokens know the visit they left last and,
    at a countersign, which slots 加签 added (and who added them) and which 减签 removed.

    Nothing of a version-1 instance was opened, delegated by a rule, removed, or can be taken
    back (which visit a token left was not kept). The adders of a countersign's slots are
    read from the vote tasks 加签 opened (parallel countersigns); a sequential countersign
    opened no task for them, so those slots have no adder and only a manager removes them."""
    tasks = [
        {**t, "opened_at": None, "opened_by": None, "delegated_from": None}
        for t in data.get("tasks", [])
    ]
    tokens = []
    for k in data.get("tokens", []):
        added = sorted(
            {
                (t["sequence"], t["from_user"])
                for t in data.get("tasks", [])
                if t.get("visit_id") == k.get("visit_id")
                and t.get("origin") == "add_signer"
                and t.get("sequence") is not None
                and t.get("from_user")
            }
        )
        tokens.append({**k, "added_by": [list(a) for a in added], "removed": [], "came_from": None})
    return {**data, "tasks": tasks, "tokens": tokens}


#: ``MIGRATIONS[n]`` turns a version-``n`` instance dict into version ``n + 1``.
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


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
