"""The portal end to end: apply for a standard component, approval, placing it, a personal
layout, role defaults, versioned tenant layouts with rollback, themes and the setup checklist.
Refused changes leave everything as it was."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from models.access import DataScope, Permission
from models.audit import AuditEntry
from models.directory import OrgUnit, User
from models.outbox import OutboxEvent
from models.portal_components import (
    PortalLayout,
    PortalLayoutVersion,
    PortalTheme,
    ServiceApplication,
)
from server.settings import Settings
from services import audit, directory
from tests.conftest import Department, GraphQL, gid, new_department
from tests.portal.support import manifest

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


@dataclass
class Portal:
    """A department applying for `publications`; the steps fill in the rest."""

    gql: GraphQL
    department: Department
    admin: str
    operator: str
    publications: str
    application: str = ""
    duty: str = ""
    first: dict[str, Any] = field(default_factory=dict)
    clerk: str = ""

    async def publish(self, placements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return await self.gql.mutate(
            "publishPortalLayout",
            {"template": "TWO_COLUMNS", "placements": placements, **extra},
            LAYOUT,
            token=self.admin,
        )


@pytest.fixture(scope="class")
async def portal(database: Settings, gql: GraphQL, platform_admin: User) -> Portal:
    department = await new_department()
    admin = gql.token(department.admin, department.tenant)
    operator = gql.token(platform_admin, "platform")
    publications = await component_id(gql, admin, "publications")
    return Portal(gql, department, admin, operator, publications)


@pytest.mark.steps
class TestApplyApprovePlacePersonaliseAndRollBack:
    async def test_a_component_not_applied_for_cannot_be_placed(self, portal: Portal) -> None:
        before = await snapshot(portal.department)
        refused = await portal.publish(
            [{"componentId": portal.publications, "column": 1, "settings": GOOD}]
        )
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("FORBIDDEN", ["input", "placements", "0", "componentId"])
        ]
        assert "apply for it first" in refused["errors"][0]["message"]
        assert await snapshot(portal.department) == before

    async def test_the_tenant_applies_once_and_waits(self, portal: Portal, gql: GraphQL) -> None:
        applied = await gql.mutate(
            "applyForPortalService",
            {"componentId": portal.publications, "note": "内部简报 for our bulletins"},
            "application { id status kind component { key } }",
            token=portal.admin,
        )
        assert applied["errors"] == []
        assert applied["application"]["status"] == "PENDING"
        portal.application = applied["application"]["id"]
        twice = await gql.mutate(
            "applyForPortalService",
            {"componentId": portal.publications},
            "application { id }",
            token=portal.admin,
        )
        assert [(e["code"], e["field"]) for e in twice["errors"]] == [
            ("DUPLICATE", ["input", "componentId"])
        ]
        pending = await portal.publish([{"componentId": portal.publications, "settings": GOOD}])
        assert [e["code"] for e in pending["errors"]] == ["FORBIDDEN"]

    async def test_the_platform_reviews_the_application(self, portal: Portal, gql: GraphQL) -> None:
        queue = await gql(
            "{ portalServiceApplications(status: PENDING, last: 100) { edges { node { id note"
            " tenant { code } component { key } } } } }",
            token=portal.operator,
        )
        mine = [
            e["node"]
            for e in queue.data["portalServiceApplications"]["edges"]
            if e["node"]["id"] == portal.application
        ]
        assert mine[0]["tenant"] == {"code": portal.department.tenant.code}
        assert mine[0]["component"] == {"key": "publications"}
        review = "application { status reason }"
        no_reason = await gql.mutate(
            "reviewPortalServiceApplication",
            {"id": portal.application, "approve": False},
            review,
            token=portal.operator,
        )
        assert [(e["code"], e["field"]) for e in no_reason["errors"]] == [
            ("REQUIRED", ["input", "reason"])
        ]
        not_platform = await gql.mutate(
            "reviewPortalServiceApplication",
            {"id": portal.application, "approve": True},
            review,
            token=portal.admin,
        )
        assert [e["code"] for e in not_platform["errors"]] == ["FORBIDDEN"]
        approved = await gql.mutate(
            "reviewPortalServiceApplication",
            {"id": portal.application, "approve": True},
            review,
            token=portal.operator,
        )
        assert approved["application"] == {"status": "APPROVED", "reason": None}

    async def test_bad_placements_are_refused_one_by_one(self, portal: Portal) -> None:
        before = await snapshot(portal.department)
        publications = portal.publications
        bad = await portal.publish(
            [
                {"componentId": publications, "column": 1, "settings": GOOD},
                {
                    "componentId": publications,
                    "column": 5,
                    "settings": {"pageSize": "ten", "kinds": ["poems"], "colour": "red"},
                },
                {"componentId": publications, "version": "7.0.0", "settings": GOOD},
            ]
        )
        assert sorted((e["code"], tuple(e["field"])) for e in bad["errors"]) == [
            ("INVALID", ("input", "placements", "1", "column")),
            ("INVALID", ("input", "placements", "1", "settings")),
            ("INVALID", ("input", "placements", "1", "settings", "kinds", "0")),
            ("INVALID", ("input", "placements", "1", "settings", "pageSize")),
            ("NOT_FOUND", ("input", "placements", "2", "version")),
        ]
        assert any("'colour' was unexpected" in e["message"] for e in bad["errors"])
        assert await snapshot(portal.department) == before

    async def test_an_own_component_needs_its_required_settings(
        self, portal: Portal, gql: GraphQL
    ) -> None:
        own = await gql.mutate(
            "registerPortalComponent",
            {"manifest": manifest(f"duty-{uuid.uuid4().hex[:6]}")},
            "component { id key }",
            token=portal.admin,
        )
        portal.duty = own["component"]["id"]
        before = await snapshot(portal.department)
        missing = await portal.publish([{"componentId": portal.duty, "settings": {}}])
        assert [(e["code"], e["field"]) for e in missing["errors"]] == [
            ("REQUIRED", ["input", "placements", "0", "settings", "days"])
        ], "a required setting without a default"
        assert await snapshot(portal.department) == before

    async def test_tenant_layouts_are_numbered_versions(self, portal: Portal, gql: GraphQL) -> None:
        publications, duty = portal.publications, portal.duty
        first = await portal.publish(
            [
                {"componentId": publications, "column": 1, "settings": GOOD},
                {"componentId": duty, "column": 0, "title": "本周值班", "settings": {"days": 7}},
                {"componentId": duty, "column": 1, "settings": {"days": 3}},
            ],
            expectedVersion=0,
        )
        assert first["errors"] == []
        assert first["layoutVersion"]["number"] == 1
        assert [(p["column"], p["position"]) for p in first["layoutVersion"]["placements"]] == [
            (1, 0),
            (0, 0),
            (1, 1),
        ]
        portal.first = first
        stale = await portal.publish([], expectedVersion=0)
        assert [(e["code"], e["field"]) for e in stale["errors"]] == [
            ("CONFLICT", ["input", "expectedVersion"])
        ]
        second = await gql.mutate(
            "publishPortalLayout",
            {
                "template": "ONE_COLUMN",
                "placements": [{"componentId": publications, "settings": {"pageSize": 3}}],
                "expectedVersion": 1,
            },
            LAYOUT,
            token=portal.admin,
        )
        assert second["layoutVersion"]["number"] == 2

    async def test_a_member_sees_the_latest_tenant_layout(
        self, portal: Portal, gql: GraphQL
    ) -> None:
        clerk = await member(portal.department, "clerk")
        portal.clerk = gql.token(clerk, portal.department.tenant)
        seen = (await gql(PORTAL, token=portal.clerk)).data["portal"]
        assert (seen["source"], seen["layoutVersion"], seen["template"]) == (
            "TENANT",
            2,
            "ONE_COLUMN",
        )
        assert [(p["component"]["key"], p["settings"]) for p in seen["placements"]] == [
            ("publications", {"pageSize": 3, "showCover": True})
        ]
        assert seen["theme"]["version"] == 0

    async def test_a_member_sets_a_personal_layout_but_may_not_publish(
        self, portal: Portal, gql: GraphQL
    ) -> None:
        personal = await gql.mutate(
            "setMyPortalLayout",
            {
                "template": "THREE_COLUMNS",
                "placements": [
                    {"componentId": portal.duty, "column": 2, "settings": {"days": 1}},
                    {
                        "componentId": portal.publications,
                        "column": 0,
                        "settings": {"pageSize": 12},
                    },
                ],
            },
            PERSONAL,
            token=portal.clerk,
        )
        assert personal["errors"] == []
        assert personal["layout"]["version"] == 1
        not_admin = await gql.mutate(
            "publishPortalLayout",
            {"template": "ONE_COLUMN", "placements": []},
            LAYOUT,
            token=portal.clerk,
        )
        assert [e["code"] for e in not_admin["errors"]] == ["FORBIDDEN"]

    async def test_a_rollback_is_a_new_version_with_the_old_placements(
        self, portal: Portal, gql: GraphQL
    ) -> None:
        rolled = await gql.mutate(
            "rollbackPortalLayout",
            {"toVersion": 1, "expectedVersion": 2},
            LAYOUT,
            token=portal.admin,
        )
        assert rolled["errors"] == []
        version = rolled["layoutVersion"]
        assert (version["number"], version["restoredFrom"]) == (3, 1)
        assert version["placements"] == portal.first["layoutVersion"]["placements"]
        current = await gql.mutate(
            "rollbackPortalLayout", {"toVersion": 3}, LAYOUT, token=portal.admin
        )
        assert [e["code"] for e in current["errors"]] == ["INVALID_STATE"]
        nowhere = await gql.mutate(
            "rollbackPortalLayout", {"toVersion": 42}, LAYOUT, token=portal.admin
        )
        assert [(e["code"], e["field"]) for e in nowhere["errors"]] == [
            ("NOT_FOUND", ["input", "toVersion"])
        ]

    async def test_the_history_pages_newest_first(self, portal: Portal, gql: GraphQL) -> None:
        history = await gql(
            "{ portalLayoutHistory(first: 2) { pageInfo { hasNextPage endCursor }"
            " edges { node { number restoredFrom } } } }",
            token=portal.admin,
        )
        page = history.data["portalLayoutHistory"]
        assert [e["node"]["number"] for e in page["edges"]] == [3, 2]
        assert page["pageInfo"]["hasNextPage"] is True
        rest = await gql(
            "query($after: String) { portalLayoutHistory(first: 2, after: $after) {"
            " pageInfo { hasNextPage } edges { node { number } } } }",
            {"after": page["pageInfo"]["endCursor"]},
            token=portal.admin,
        )
        assert [e["node"]["number"] for e in rest.data["portalLayoutHistory"]["edges"]] == [1]
        stored = await portal.department.scope.query(PortalLayoutVersion).order_by("number")
        assert [v.placements == stored[0].placements for v in stored] == [True, False, True]

    async def test_the_personal_layout_wins_until_the_member_resets_it(
        self, portal: Portal, gql: GraphQL
    ) -> None:
        mine = (await gql(PORTAL, token=portal.clerk)).data["portal"]
        assert (mine["source"], mine["template"]) == ("USER", "THREE_COLUMNS")
        assert [p["settings"] for p in mine["placements"]] == [
            {"days": 1},
            {"pageSize": 12, "showCover": True},
        ]
        reset = await gql.mutate(
            "resetMyPortalLayout", {"expectedVersion": 1}, "layout { version }", token=portal.clerk
        )
        assert reset["errors"] == []
        back = (await gql(PORTAL, token=portal.clerk)).data["portal"]
        assert (back["source"], back["layoutVersion"], back["template"]) == (
            "TENANT",
            3,
            "TWO_COLUMNS",
        )
        assert [(p["column"], p["position"], p["title"]) for p in back["placements"]] == [
            (1, 0, None),
            (0, 0, "本周值班"),
            (1, 1, None),
        ]

    async def test_every_change_is_audited_and_the_chain_holds(self, portal: Portal) -> None:
        department = portal.department
        actions = set(
            await department.scope.query(AuditEntry)
            .filter(action__startswith="portal.")
            .values_list("action", flat=True)
        )
        assert {
            "portal.service_applied",
            "portal.service_approved",
            "portal.layout_published",
            "portal.layout_rolled_back",
            "portal.personal_layout_set",
            "portal.personal_layout_reset",
        } <= actions
        topics = set(
            await OutboxEvent.filter(tenant_id=department.tenant.id).values_list("topic", flat=True)
        )
        assert {"portal.layout_published", "portal.service_approved"} <= topics
        assert await audit.verify(department.tenant.id) is None


async def test_a_component_placed_without_settings_gets_its_defaults(
    gql: GraphQL, make_department, platform_admin: User
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    contacts = await component_id(gql, admin, "contacts")
    applied = await gql.mutate(
        "applyForPortalService", {"componentId": contacts}, "application { id }", token=admin
    )
    approved = await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": applied["application"]["id"], "approve": True},
        "application { status }",
        token=gql.token(platform_admin, "platform"),
    )
    assert approved["errors"] == []
    defaults = {"pageSize": 10, "showPhone": True}
    placed = await gql.mutate(
        "publishPortalLayout",
        {"template": "ONE_COLUMN", "placements": [{"componentId": contacts}]},
        LAYOUT,
        token=admin,
    )
    assert placed["errors"] == []
    assert [p["settings"] for p in placed["layoutVersion"]["placements"]] == [defaults]
    chosen = await gql.mutate(
        "publishPortalLayout",
        {
            "template": "ONE_COLUMN",
            "placements": [{"componentId": contacts, "settings": {"showPhone": False}}],
            "expectedVersion": 1,
        },
        LAYOUT,
        token=admin,
    )
    assert [p["settings"] for p in chosen["layoutVersion"]["placements"]] == [
        {"pageSize": 10, "showPhone": False}
    ]

    stored = await department.scope.query(PortalLayoutVersion).get(number=2)
    stored.placements = [{**p, "settings": {}} for p in stored.placements]
    await stored.save()
    portal = (await gql(PORTAL, token=admin)).data["portal"]
    assert [p["settings"] for p in portal["placements"]] == [defaults], "filled when resolving"


async def test_concurrent_publishes_get_distinct_numbers_or_a_conflict(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    results = await asyncio.gather(
        *(
            gql.mutate(
                "publishPortalLayout",
                {"template": "ONE_COLUMN", "placements": []},
                "layoutVersion { number }",
                token=admin,
            )
            for _ in range(4)
        )
    )
    numbers = sorted(r["layoutVersion"]["number"] for r in results if r["layoutVersion"])
    assert numbers == list(range(1, len(numbers) + 1))
    assert {e["code"] for r in results for e in r["errors"]} <= {"CONFLICT"}
    stored = await department.scope.query(PortalLayoutVersion).values_list("number", flat=True)
    assert sorted(stored) == numbers


async def test_a_rejected_application_can_be_made_again(
    gql: GraphQL, make_department, platform_admin: User
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    operator = gql.token(platform_admin, "platform")
    calendar = await component_id(gql, admin, "calendar")
    apply = {"componentId": calendar}
    first = await gql.mutate("applyForPortalService", apply, "application { id }", token=admin)
    rejected = await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": first["application"]["id"], "approve": False, "reason": "暂不开放"},
        "application { status reason }",
        token=operator,
    )
    assert rejected["application"] == {"status": "REJECTED", "reason": "暂不开放"}
    state = await gql(
        "query($key: String!) { portalComponent(key: $key) { availability"
        " application { status reason } } }",
        {"key": "calendar"},
        token=admin,
    )
    assert state.data["portalComponent"] == {
        "availability": "REJECTED",
        "application": {"status": "REJECTED", "reason": "暂不开放"},
    }
    again = await gql.mutate("applyForPortalService", apply, "application { status }", token=admin)
    assert again["errors"] == []
    assert again["application"]["status"] == "PENDING"
    reviewed_twice = await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": first["application"]["id"], "approve": True},
        "application { status }",
        token=operator,
    )
    assert [e["code"] for e in reviewed_twice["errors"]] == ["INVALID_STATE"]


async def test_layouts_resolve_user_then_first_role_then_tenant(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    key = f"duty-{uuid.uuid4().hex[:6]}"
    duty = (
        await gql.mutate(
            "registerPortalComponent", {"manifest": manifest(key)}, "component { id }", token=admin
        )
    )["component"]["id"]
    roles = {}
    for code in ("clerks", "leaders"):
        role = await directory.create_role(
            department.actor, code=code, name=code, permissions=[], data_scope=DataScope.SELF
        )
        roles[code] = role
    both = await member(department, "both")
    clerk = await member(department, "clerk")
    nobody = await member(department, "nobody")
    for user, codes in ((both, ("clerks", "leaders")), (clerk, ("clerks",))):
        for code in codes:
            await directory.assign_role(department.actor, user_id=user.id, role_id=roles[code].id)

    async def role_layout(code: str, days: int, priority: int) -> None:
        result = await gql.mutate(
            "setRolePortalLayout",
            {
                "roleId": gid("Role", roles[code].id),
                "template": "ONE_COLUMN",
                "placements": [{"componentId": duty, "settings": {"days": days}}],
                "priority": priority,
            },
            "layout { role { code } priority }",
            token=admin,
        )
        assert result["errors"] == [], result

    await role_layout("clerks", 2, 50)
    await role_layout("leaders", 9, 10)
    published = await gql.mutate(
        "publishPortalLayout",
        {"template": "ONE_COLUMN", "placements": [{"componentId": duty, "settings": {"days": 5}}]},
        "layoutVersion { number }",
        token=admin,
    )
    assert published["errors"] == []

    async def seen(user: User) -> tuple[str, str | None, list[Any]]:
        portal = (await gql(PORTAL, token=gql.token(user, department.tenant))).data["portal"]
        return (
            portal["source"],
            (portal["role"] or {}).get("code"),
            [p["settings"]["days"] for p in portal["placements"]],
        )

    assert await seen(both) == ("ROLE", "leaders", [9])
    assert await seen(clerk) == ("ROLE", "clerks", [2])
    assert await seen(nobody) == ("TENANT", None, [5])
    listed = await gql("{ portalRoleLayouts { role { code } priority } }", token=admin)
    assert [x["role"]["code"] for x in listed.data["portalRoleLayouts"]] == ["leaders", "clerks"]

    cleared = await gql.mutate(
        "clearRolePortalLayout",
        {"roleId": gid("Role", roles["leaders"].id)},
        "layout { priority }",
        token=admin,
    )
    assert cleared["errors"] == []
    assert await seen(both) == ("ROLE", "clerks", [2])
    mine = await gql.mutate(
        "setMyPortalLayout",
        {"template": "ONE_COLUMN", "placements": [{"componentId": duty, "settings": {"days": 1}}]},
        "layout { version }",
        token=gql.token(both, department.tenant),
    )
    assert mine["errors"] == []
    assert await seen(both) == ("USER", None, [1])


async def test_components_needing_a_permission_are_hidden_from_users_without_it(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    key = f"stats-{uuid.uuid4().hex[:6]}"
    document = manifest(key, requiredPermission=Permission.TENANT_ADMIN.value)
    stats = (
        await gql.mutate(
            "registerPortalComponent",
            {"manifest": document},
            "componentVersion { requiredPermission }",
            token=admin,
        )
    )["componentVersion"]
    assert stats["requiredPermission"] == "TENANT_ADMIN"
    stats_id = await component_id(gql, admin, key)
    await gql.mutate(
        "publishPortalLayout",
        {
            "template": "ONE_COLUMN",
            "placements": [{"componentId": stats_id, "settings": {"days": 2}}],
        },
        "layoutVersion { number }",
        token=admin,
    )
    clerk = await member(department, "clerk")
    clerk_token = gql.token(clerk, department.tenant)
    hidden = (await gql(PORTAL, token=clerk_token)).data["portal"]
    assert (hidden["placements"], hidden["hiddenCount"]) == ([], 1)
    shown = (await gql(PORTAL, token=admin)).data["portal"]
    assert (len(shown["placements"]), shown["hiddenCount"]) == (1, 0)

    before = await snapshot(department)
    refused = await gql.mutate(
        "setMyPortalLayout",
        {
            "template": "ONE_COLUMN",
            "placements": [{"componentId": stats_id, "settings": {"days": 2}}],
        },
        PERSONAL,
        token=clerk_token,
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("FORBIDDEN", ["input", "placements", "0", "componentId"])
    ]
    assert await snapshot(department) == before
    assert (await gql(PORTAL, token=None)).data["portal"] is None


async def test_theme_colours_are_css_hex_and_versioned(gql: GraphQL, make_department) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    theme = "theme { primaryColor accentColor backgroundColor textColor logoUrl version }"
    before = await snapshot(department)
    bad = await gql.mutate(
        "setPortalTheme",
        {"primaryColor": "red", "accentColor": "#12345", "textColor": "", "logoUrl": "java:x"},
        theme,
        token=admin,
    )
    assert sorted((e["code"], e["field"][-1]) for e in bad["errors"]) == [
        ("INVALID", "accentColor"),
        ("INVALID", "logoUrl"),
        ("INVALID", "primaryColor"),
        ("REQUIRED", "textColor"),
    ]
    assert await snapshot(department) == before

    first = await gql.mutate("setPortalTheme", {"primaryColor": "#B22222"}, theme, token=admin)
    assert (first["errors"], first["theme"]["version"]) == ([], 1)
    made = await gql.mutate(
        "setPortalTheme",
        {"logoUrl": "https://cdn.example.gov.cn/logo.svg", "expectedVersion": 1},
        theme,
        token=admin,
    )
    assert made["theme"] == {
        "primaryColor": "#B22222",
        "accentColor": "#C8102E",
        "backgroundColor": "#F5F7FA",
        "textColor": "#1F2329",
        "logoUrl": "https://cdn.example.gov.cn/logo.svg",
        "version": 2,
    }
    changed = await gql.mutate(
        "setPortalTheme",
        {"accentColor": "#0a0", "logoUrl": None, "expectedVersion": 2},
        theme,
        token=admin,
    )
    assert (changed["theme"]["accentColor"], changed["theme"]["logoUrl"]) == ("#0a0", None)
    assert changed["theme"]["version"] == 3
    stale = await gql.mutate(
        "setPortalTheme", {"textColor": "#000000", "expectedVersion": 2}, theme, token=admin
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    clerk = await member(department, "clerk")
    portal = (await gql(PORTAL, token=gql.token(clerk, department.tenant))).data["portal"]
    assert portal["theme"] == {"primaryColor": "#B22222", "logoUrl": None, "version": 3}
    refused = await gql.mutate(
        "setPortalTheme",
        {"primaryColor": "#000"},
        theme,
        token=gql.token(clerk, department.tenant),
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]


async def test_the_setup_checklist_follows_what_the_tenant_has_done(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    query = "{ portalSetupChecklist { doneCount total next { key } steps { key state hint } } }"

    async def states() -> tuple[dict[str, str], str | None, int]:
        checklist = (await gql(query, token=admin)).data["portalSetupChecklist"]
        return (
            {s["key"]: s["state"] for s in checklist["steps"]},
            (checklist["next"] or {}).get("key"),
            checklist["doneCount"],
        )

    assert await states() == (
        {
            "org_units": "TODO",
            "users": "TODO",
            "roles": "TODO",
            "forms": "TODO",
            "flows": "TODO",
            "portal": "TODO",
        },
        "org_units",
        0,
    )
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    await directory.create_org_unit(department.actor, name="办公室", parent_id=root.id)
    await member(department, "clerk")
    assert (await states())[1:] == ("roles", 2)
    await directory.create_role(
        department.actor, code="clerks", name="科员", permissions=[], data_scope=DataScope.SELF
    )
    await gql.mutate(
        "publishPortalLayout",
        {"template": "ONE_COLUMN", "placements": []},
        "layoutVersion { number }",
        token=admin,
    )
    steps, upcoming, done = await states()
    assert (upcoming, done) == ("forms", 4)
    assert steps["flows"] == steps["forms"] == "TODO"
    installed = await gql.mutate(
        "installTemplate", {"key": "receipt"}, "flow { publishedVersion { number } }", token=admin
    )
    assert installed["errors"] == []
    steps, upcoming, done = await states()
    assert steps["forms"] == "DONE"
    assert installed["flow"]["publishedVersion"] is None, "its roles have no holders yet"
    assert (steps["flows"], upcoming) == ("TODO", "flows")

    clerk = await department.scope.query(User).get(username="clerk")
    member_view = await gql(query, token=gql.token(clerk, department.tenant))
    assert member_view.data["portalSetupChecklist"] is None


async def test_portal_rows_never_cross_tenants(gql: GraphQL, make_department) -> None:
    owner, other = await make_department(), await make_department()
    owner_token = gql.token(owner.admin, owner.tenant)
    other_token = gql.token(other.admin, other.tenant)
    clerk_token = gql.token(await member(owner, "clerk"), owner.tenant)
    published = await gql.mutate(
        "publishPortalLayout",
        {"template": "ONE_COLUMN", "placements": []},
        "layoutVersion { id }",
        token=owner_token,
    )
    applied = await gql.mutate(
        "applyForPortalService",
        {"componentId": await component_id(gql, owner_token, "notes")},
        "application { id }",
        token=owner_token,
    )
    node = "query($id: ID!) { node(id: $id) { id } }"
    for row_id in (published["layoutVersion"]["id"], applied["application"]["id"]):
        assert (await gql(node, {"id": row_id}, token=owner_token)).data["node"] == {"id": row_id}
        assert (await gql(node, {"id": row_id}, token=other_token)).data["node"] is None
        assert (await gql(node, {"id": row_id}, token=clerk_token)).data["node"] is None

    listed = "{ portalServiceApplications(first: 50) { edges { node { id } } } }"
    for token, expected in ((owner_token, 1), (other_token, 0), (clerk_token, 0)):
        result = await gql(listed, token=token)
        assert len(result.data["portalServiceApplications"]["edges"]) == expected
    history = "{ portalLayoutHistory { edges { node { number } } } portalTenantLayout { number } }"
    assert (await gql(history, token=other_token)).data == {
        "portalLayoutHistory": {"edges": []},
        "portalTenantLayout": None,
    }
