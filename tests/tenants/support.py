"""A valid tenant application to vary; the audit entries, events and refusals of a call."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import pytest

from models.audit import AuditEntry
from models.outbox import OutboxEvent
from services.errors import ServiceError


def application_input(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "海淀区信息中心",
        "applicantName": "赵敏",
        "applicantEmail": "zhao.min@example.gov.cn",
        "adminUsername": "zhao.min",
        **extra,
    }


async def audited(tenant_id: uuid.UUID, action: str, target_id: uuid.UUID) -> list[Any]:
    """(target type, actor id, actor name, data) of each audit entry `action` on the target."""
    entries = await AuditEntry.filter(
        tenant_id=tenant_id, action=action, target_id=str(target_id)
    ).order_by("seq")
    return [(e.target_type, e.actor_id, e.actor_name, e.data) for e in entries]


async def events(tenant_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
    rows = await OutboxEvent.filter(tenant_id=tenant_id, topic=topic).order_by("id")
    return [e.payload for e in rows]


async def refused(call: Awaitable[Any]) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """The problems (code, message, field) of a call that must fail with a ServiceError."""
    with pytest.raises(ServiceError) as raised:
        await call
    return [(p.code.value, p.message, p.field) for p in raised.value.problems]
