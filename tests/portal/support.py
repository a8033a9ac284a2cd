"""A valid component manifest to vary, and reading what a use case recorded."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import OrgUnit, User
from models.outbox import OutboxEvent
from models.portal_components import (
    PortalLayout,
    PortalLayoutVersion,
    PortalTheme,
    ServiceApplication,
)
from models.scope import TenantScope
from services import directory, tenants
from services.errors import ServiceError
from subscriptions.topics import Topic
from tests.conftest import Department, GraphQL


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


# The portal seen over GraphQL -------------------------------------------------------------------

LAYOUT = "layoutVersion { id number restoredFrom template placements { column position "
LAYOUT += "settings component { key } componentVersion { version } } } "
PERSONAL = "layout { template version placements { settings component { key } } } "
PORTAL = """{ portal { source template columns layoutVersion hiddenCount role { code }
  theme { primaryColor logoUrl version }
  placements { column position title settings component { key }
               componentVersion { version } } } }"""


async def snapshot(department: Department) -> dict[str, Any]:
    scope = department.scope
    return {
        "versions": [
            (v.number, v.template, v.placements)
            for v in await scope.query(PortalLayoutVersion).order_by("number")
        ],
        "layouts": sorted(
            (str(x.role_id), str(x.user_id), x.version, str(x.placements))
            for x in await scope.query(PortalLayout)
        ),
        "applications": sorted((a.status, a.slot) for a in await scope.query(ServiceApplication)),
        "themes": [(t.primary_color, t.version) for t in await scope.query(PortalTheme)],
        "audit": await scope.query(AuditEntry).count(),
        "events": await OutboxEvent.filter(tenant_id=department.tenant.id).count(),
    }


async def member(department: Department, username: str) -> User:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    user: User = await directory.create_user(
        department.actor, username=username, display_name=username, org_unit_ids=[root.id]
    )
    return user


async def component_id(gql: GraphQL, token: str, key: str) -> str:
    result = await gql(
        "query($key: String!) { portalComponent(key: $key) { id } }", {"key": key}, token=token
    )
    found: str = result.data["portalComponent"]["id"]
    return found


GOOD = {"pageSize": 6, "kinds": ["bulletin"], "showCover": False}
