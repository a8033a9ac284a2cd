"""Every standard component runs: a tenant applies for each, the platform approves, the
components are placed on the tenant's page, and each placement's operation runs against
seeded data (a document in review, an event, a note, a booked room, colleagues, a notice,
an issue of a bulletin) with the
variables a front end derives from its settings. Their manifests name real queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import NonNullTypeNode, OperationDefinitionNode, parse

from models.directory import User
from services.portal import STANDARD_MANIFESTS
from tests.bookings.support import BOOKING, resource, slot, weekday_at
from tests.calendar.support import Office as Desk
from tests.conftest import GraphQL
from tests.documents.support import Office

PORTAL = "{ portal { placements { settings component { key } componentVersion { operation } } } }"
#: what each placed component must show of the seeded data (a path into its answer).
SHOWS = {
    "doc-todo": ("myTasks", "totalCount"),
    "calendar": ("myCalendarEvents",),
    "notes": ("myNotes", "edges"),
    "contacts": ("users", "edges"),
    "public-affairs": ("publicAffairs",),
    "public-notices": ("notices", "edges"),
    "publications": ("publications", "edges"),
}


def variables(operation: str, settings: dict[str, Any]) -> dict[str, Any]:
    """What a front end sends: `first` is the page size, `from`/`to` the coming week, the
    rest are settings of the same name; a required variable without a value fails."""
    now = datetime.now(UTC)
    runtime = {
        "first": settings.get("pageSize", 10),
        "from": now.isoformat(),
        "to": (now + timedelta(days=14)).isoformat(),
    }
    found: dict[str, Any] = {}
    (definition,) = parse(operation).definitions
    assert isinstance(definition, OperationDefinitionNode)
    for variable in definition.variable_definitions:
        name = variable.variable.name.value
        if name in settings:
            found[name] = settings[name]
        elif name in runtime:
            found[name] = runtime[name]
        else:
            assert not isinstance(variable.type, NonNullTypeNode), f"nothing gives ${name}"
    return found


async def seed(office: Office, gql: GraphQL) -> str:
    """Data for the director's page; returns her token."""
    writer = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于报送材料的通知",
            "formData": {"subject": "材料", "body": "请报送"},
        },
        "document { id } ",
    )
    await office.ok(
        "writer", "submitDocument", {"id": writer["document"]["id"]}, "document { id } "
    )
    director: User = office.users["director"]
    token = office.token("director")
    desk = Desk(
        gql,
        office.department,
        director,
        director,
        director,
        {"admin": office.token("admin"), "d": token},
    )
    start = weekday_at(9)
    await desk.mutate(
        "d",
        "createCalendarEvent",
        {
            "title": "周例会",
            "startsAt": (start - timedelta(days=7)).isoformat(),
            "endsAt": (start - timedelta(days=7, hours=-1)).isoformat(),
            "rrule": "FREQ=WEEKLY;COUNT=3",
        },
        "event { id }",
    )
    await desk.mutate("d", "createNote", {"text": "报送材料"}, "note { id }")
    room = await resource(desk)
    booked = await desk.mutate("d", "bookResource", slot(room, start), BOOKING)
    assert booked["errors"] == []
    await publish(office)
    return token


async def publish(office: Office) -> None:
    """A notice to everyone and one issue of a bulletin (简报), published by the admin."""
    notice = await office.ok(
        "admin",
        "createNotice",
        {"title": "放假通知", "category": "通知公告", "toEveryone": True},
        "notice { id }",
    )
    await office.ok("admin", "publishNotice", {"id": notice["notice"]["id"]}, "notice { id }")
    created = await office.ok(
        "admin",
        "createPublication",
        {"title": "工作简报", "kind": "bulletin"},
        "publication { id }",
    )
    publication = created["publication"]["id"]
    article = await office.ok(
        "admin",
        "contributeArticle",
        {"publicationId": publication, "title": "一季度工作", "body": "正文"},
        "article { id }",
    )
    issue = await office.ok(
        "admin",
        "createIssue",
        {"publicationId": publication, "articleIds": [article["article"]["id"]]},
        "issue { id }",
    )
    await office.ok("admin", "publishIssue", {"id": issue["issue"]["id"]}, "issue { id }")


async def test_every_standard_component_runs_its_operation(
    gql: GraphQL, dispatch_office: Office, platform_admin: User
) -> None:
    office = dispatch_office
    admin, operator = office.token("admin"), gql.token(platform_admin, "platform")
    placements = []
    for manifest in STANDARD_MANIFESTS:
        found = await gql(
            "query($k: String!) { portalComponent(key: $k) { id } }",
            {"k": manifest["key"]},
            token=admin,
        )
        component = found.data["portalComponent"]["id"]
        applied = await gql.mutate(
            "applyForPortalService", {"componentId": component}, "application { id }", token=admin
        )
        approved = await gql.mutate(
            "reviewPortalServiceApplication",
            {"id": applied["application"]["id"], "approve": True},
            "application { status }",
            token=operator,
        )
        assert approved["errors"] == [], manifest["key"]
        placements.append({"componentId": component, "settings": manifest["example"]["settings"]})
    published = await gql.mutate(
        "publishPortalLayout",
        {"template": "ONE_COLUMN", "placements": placements},
        "layoutVersion { id }",
        token=admin,
    )
    assert published["errors"] == []

    token = await seed(office, gql)
    page = (await gql(PORTAL, token=token)).data["portal"]["placements"]
    assert {p["component"]["key"] for p in page} == {m["key"] for m in STANDARD_MANIFESTS}
    for placed in page:
        key, operation = placed["component"]["key"], placed["componentVersion"]["operation"]
        answer = await gql(operation, variables(operation, placed["settings"]), token=token)
        assert answer.errors == [], (key, answer.errors)
        shown: Any = answer.data
        for step in SHOWS.get(key, ()):
            shown = shown[step]
        assert shown, f"{key} shows nothing of the seeded data"
