"""The standard set of service components the platform ships, seeded idempotently at start.

Each manifest's operation names a real query of our schema (`tests/portal/test_standard.py`
places every component and runs it; `notices` and `publications` included). Shipped manifests
are only parsed at start; the `portal_check_shipped_operations` setting validates them against
our schema too. `public-affairs` 1.0.0 named a query that never existed; 1.1.0 names
`publicAffairs` as built (registered versions are never changed).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema
from tortoise.exceptions import IntegrityError

from models.portal_components import PortalComponentVersion
from models.scope import TenantScope
from services.errors import Code, ServiceError
from services.portal.catalogue import add_version
from services.portal.manifests import DRAFT_2020_12, Manifest, validate_manifest
from services.tenants import ensure_platform
from services.uow import transaction

PAGE_SIZE = {
    "type": "integer",
    "minimum": 1,
    "maximum": 50,
    "default": 10,
    "description": "Items shown",
}


def _settings(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "$schema": DRAFT_2020_12,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(required),
    }


def _document_box(key: str, name: str, kind: str, help: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "version": "1.0.0",
        "description": f"{name}: the signed-in user's documents, newest first.",
        "category": "document_flow",
        "operation": (
            f"query PortalDocuments{kind.title()}($first: Int!) {{\n"
            f"  myTasks(kind: {kind}, first: $first) {{\n"
            "    totalCount\n"
            "    edges { node { id nodeName dueAt document { id title number urgency } } }\n"
            "  }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "pageSize": PAGE_SIZE,
                "showUrgency": {"type": "boolean", "default": True},
                "refreshSeconds": {"type": "integer", "minimum": 0, "maximum": 3600, "default": 60},
            },
            ("pageSize",),
        ),
        "requiredPermission": None,
        "help": help,
        "example": {"settings": {"pageSize": 8, "showUrgency": True, "refreshSeconds": 120}},
    }


STANDARD_MANIFESTS: list[dict[str, Any]] = [
    _document_box(
        "doc-todo",
        "我的待办 My to-do",
        "OPEN",
        "Documents waiting for the user's action (待办), most urgent first.",
    ),
    _document_box(
        "doc-done", "我的已办 Done", "DONE", "Documents the user has acted on (已办), newest first."
    ),
    {
        **_document_box(
            "doc-started",
            "我的发起 Started by me",
            "STARTED",
            "Documents the user drafted (我的发起) and where each one is now.",
        ),
        "operation": (
            "query PortalDocumentsStarted($first: Int!) {\n"
            "  documents(kind: STARTED, first: $first) {\n"
            "    totalCount\n"
            "    edges { node { id title number status createdAt } }\n"
            "  }\n"
            "}"
        ),
    },
    {
        "key": "public-notices",
        "name": "公共信息 Public notices",
        "version": "1.0.0",
        "description": "Notices and announcements published to the whole department.",
        "category": "public_information",
        "operation": (
            "query PortalNotices($first: Int!, $category: String) {\n"
            "  notices(first: $first, filter: { category: $category }) {\n"
            "    edges { node { id title publishedAt publisher pinned } }\n"
            "  }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "pageSize": PAGE_SIZE,
                "category": {"type": "string", "maxLength": 64},
                "pinnedFirst": {"type": "boolean", "default": True},
            },
            ("pageSize",),
        ),
        "requiredPermission": None,
        "help": "Shows the newest notices (通知公告); choose a category to narrow it.",
        "example": {"settings": {"pageSize": 5, "category": "通知公告", "pinnedFirst": True}},
    },
    {
        "key": "publications",
        "name": "信息刊物 Publications",
        "version": "1.0.0",
        "description": "Journals, bulletins and briefings (信息刊物) issued by the department.",
        "category": "publications",
        "operation": (
            "query PortalPublications($first: Int!, $kinds: [String!]) {\n"
            "  publications(first: $first, filter: { kinds: $kinds }) {\n"
            "    edges { node { id title issue kind coverUrl publishedAt } }\n"
            "  }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "pageSize": PAGE_SIZE,
                "kinds": {
                    "type": "array",
                    "items": {"enum": ["journal", "bulletin", "briefing", "newsletter"]},
                    "uniqueItems": True,
                    "minItems": 1,
                },
                "showCover": {"type": "boolean", "default": True},
            },
            ("pageSize",),
        ),
        "requiredPermission": None,
        "help": "Lists the latest issues; `kinds` limits it to journals, bulletins (简报) …",
        "example": {"settings": {"pageSize": 6, "kinds": ["bulletin"], "showCover": False}},
    },
    {
        "key": "calendar",
        "name": "日程安排 Calendar",
        "version": "1.0.0",
        "description": "The signed-in user's schedule (个人辅助办公).",
        "category": "personal_assistance",
        "operation": (
            "query PortalCalendar($from: DateTime!, $to: DateTime!) {\n"
            "  myCalendarEvents(from: $from, to: $to) { id title startsAt endsAt location }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "view": {"enum": ["day", "week", "month"], "default": "week"},
                "showWeekends": {"type": "boolean", "default": False},
            },
            ("view",),
        ),
        "requiredPermission": None,
        "help": "Day, week or month view of the user's own appointments.",
        "example": {"settings": {"view": "week", "showWeekends": False}},
    },
    {
        "key": "notes",
        "name": "便签 Notes",
        "version": "1.0.0",
        "description": "Personal sticky notes (个人辅助办公).",
        "category": "personal_assistance",
        "operation": (
            "query PortalNotes($first: Int!) {\n"
            "  myNotes(first: $first) { edges { node { id text colour updatedAt } } }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "pageSize": PAGE_SIZE,
                "colour": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
            },
            ("pageSize",),
        ),
        "requiredPermission": None,
        "help": "The user's notes, newest first, on a background colour of choice.",
        "example": {"settings": {"pageSize": 10, "colour": "#FFF4B8"}},
    },
    {
        "key": "contacts",
        "name": "通讯录 Contacts",
        "version": "1.0.0",
        "description": "The department's address book, from the directory.",
        "category": "personal_assistance",
        "operation": (
            "query PortalContacts($first: Int!, $search: String) {\n"
            "  users(first: $first, filter: { search: $search }) {\n"
            "    edges { node { id displayName title email phone primaryOrgUnit { name } } }\n"
            "  }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {"pageSize": PAGE_SIZE, "showPhone": {"type": "boolean", "default": True}},
            ("pageSize",),
        ),
        "requiredPermission": None,
        "help": "Search colleagues by name, username or email; phone numbers can be hidden.",
        "example": {"settings": {"pageSize": 20, "showPhone": False}},
    },
    {
        "key": "public-affairs",
        "name": "公共事务 Public affairs",
        "version": "1.1.0",
        "description": "Bookable meeting rooms, vehicles and equipment (公共事务): what is free "
        "now, the user's bookings, and what waits for approval.",
        "category": "public_affairs",
        "operation": (
            "query PortalPublicAffairs($kinds: [ResourceKind!]) {\n"
            "  publicAffairs(kinds: $kinds) {\n"
            "    kind title resourceCount availableNowCount myUpcomingCount pendingApprovalCount\n"
            "  }\n"
            "}"
        ),
        "settingsSchema": _settings(
            {
                "kinds": {
                    "type": "array",
                    "items": {"enum": ["MEETING_ROOM", "VEHICLE", "EQUIPMENT"]},
                    "uniqueItems": True,
                    "minItems": 1,
                    "description": "Kinds of resource shown; all when left out",
                }
            },
        ),
        "requiredPermission": None,
        "help": "Entry points to booking (会议室、车辆、设备) with what is free and what waits.",
        "example": {"settings": {"kinds": ["MEETING_ROOM", "VEHICLE"]}},
    },
]


def checked_standard_manifests(operation_schema: GraphQLSchema | None) -> list[Manifest]:
    return [validate_manifest(m, operation_schema=operation_schema) for m in STANDARD_MANIFESTS]


async def ensure_standard_components(operation_schema: GraphQLSchema | None = None) -> int:
    """Register the shipped versions not registered yet; safe from every process at start.
    Returns how many were added here. A shipped manifest that fails its checks stops start."""
    checked = checked_standard_manifests(operation_schema)
    platform = await ensure_platform()
    known = set(
        await TenantScope(platform.id)
        .query(PortalComponentVersion)
        .filter(component__standard=True)
        .values_list("component__key", "version")
    )
    missing = [m for m in checked if (m.key, m.version) not in known]
    if not missing:
        return 0
    try:
        async with transaction(None) as work:
            for manifest in missing:
                row = await add_version(platform.id, manifest, standard=True)
                work.audit(
                    platform.id,
                    "portal.component_registered",
                    "PortalComponentVersion",
                    row.id,
                    {"key": manifest.key, "version": manifest.version, "standard": True},
                )
    except IntegrityError:
        return 0
    except ServiceError as error:
        if any(p.code is Code.DUPLICATE for p in error.problems):
            return 0
        raise
    return len(missing)
