"""Global ids (Relay) in, database ids out."""

from __future__ import annotations

import uuid
from typing import Any

from strawberry import UNSET, relay

from services.inputs import KEEP


def node_uuid(gid: relay.GlobalID | None, *type_names: str) -> uuid.UUID | str | None:
    """The UUID inside a global id of one of `type_names`; '' (never found) for another type."""
    if gid is None:
        return None
    if gid.type_name not in type_names:
        return ""
    try:
        return uuid.UUID(gid.node_id)
    except ValueError:
        return ""


def node_key(gid: relay.GlobalID, *type_names: str) -> uuid.UUID | str:
    """`node_uuid` of a required id."""
    return node_uuid(gid, *type_names) or ""


def node_uuids(gids: list[relay.GlobalID], type_name: str) -> list[uuid.UUID | str]:
    return [node_key(g, type_name) for g in gids]


def decoded(global_id: Any, type_name: str) -> uuid.UUID | None:
    """The UUID inside a global id string (as events carry them) of `type_name`, else None."""
    try:
        key = node_uuid(relay.GlobalID.from_id(global_id), type_name)
    except ValueError:
        return None
    return key if isinstance(key, uuid.UUID) else None


def keep(value: Any) -> Any:
    """strawberry's UNSET (argument not sent) becomes the services' KEEP."""
    return KEEP if value is UNSET else value


def keep_id(gid: Any, type_name: str) -> Any:
    return KEEP if gid is UNSET else node_uuid(gid, type_name)
