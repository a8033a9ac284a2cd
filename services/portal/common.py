"""Helpers shared by the portal use cases."""

from __future__ import annotations

import uuid
from typing import Any

from models.access import Actor
from models.scope import TenantScope
from services.uow import Work
from subscriptions.topics import Topic, global_id


def record(
    work: Work,
    tenant_id: uuid.UUID,
    topic: Topic,
    row: Any,
    data: dict[str, Any],
    *,
    also: uuid.UUID | None = None,
) -> None:
    """Audit entry and event `portal.<action>` in the tenant (and in `also`, when given)."""
    kind = type(row).__name__
    clean = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}
    for tenant in dict.fromkeys(t for t in (tenant_id, also) if t is not None):
        work.audit(tenant, topic.value, kind, row.id, clean)
        work.emit(tenant, topic, {"id": global_id(kind, row.id), "type": kind})


def scope_of(actor: Actor) -> TenantScope:
    return TenantScope(actor.tenant_id)
