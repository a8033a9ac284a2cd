"""A valid component manifest to vary, and reading what a use case recorded."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import User
from models.outbox import OutboxEvent
from models.scope import TenantScope
from services import tenants
from services.errors import ServiceError
from subscriptions.topics import Topic


def manifest(key: str, version: str = "1.0.0", **changes: Any) -> dict[str, Any]:
    document = {
        "key": key,
        "name": "值班表 Duty roster",
        "version": version,
        "description": "Who is on duty this week.",
        "category": "public_affairs",
        "operation": "query DutyRoster { viewer { user { displayName } } }",
        "settingsSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "days": {"type": "integer", "minimum": 1, "maximum": 14},
                "showPhone": {"type": "boolean"},
            },
            "required": ["days"],
            "additionalProperties": False,
        },
        "requiredPermission": None,
        "help": "Shows the duty roster for the next days.",
        "example": {"settings": {"days": 7, "showPhone": True}},
    }
    document.update(changes)
    return document


async def trail(tenant_id: uuid.UUID, action: str) -> list[tuple[str, str, str | None, Any]]:
    """The tenant's audit entries of one action, oldest first: (target type, target id, actor
    id, data)."""
    entries = await AuditEntry.filter(tenant_id=tenant_id, action=action).order_by("seq")
    return [
        (e.target_type, e.target_id, str(e.actor_id) if e.actor_id else None, e.data)
        for e in entries
    ]


async def events(tenant_id: uuid.UUID, topic: Topic) -> list[dict[str, Any]]:
    """The payloads of the tenant's events on one topic, oldest first."""
    rows = await OutboxEvent.filter(tenant_id=tenant_id, topic=topic.value).order_by("id")
    return [row.payload for row in rows]


def refusal(error: pytest.ExceptionInfo[ServiceError]) -> list[tuple[str, str, Any]]:
    """A ServiceError's problems as (code, message, field)."""
    return [(p.code.value, p.message, p.field) for p in error.value.problems]


async def platform_actor(user: User) -> Actor:
    platform = await tenants.ensure_platform()
    return await actor_for(TenantScope(platform.id), user, platform)
