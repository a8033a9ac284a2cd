"""The portal end to end: apply for a standard component, approval, placing it, a personal
layout, role defaults, versioned tenant layouts with rollback. Refused changes leave everything
as it was."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from models.audit import AuditEntry
from models.directory import User
from models.outbox import OutboxEvent
from models.portal_components import (
    PortalLayoutVersion,
)
from server.settings import Settings
from services import audit
from tests.conftest import Department, GraphQL, new_department
from tests.portal.support import (
    GOOD,
    LAYOUT,
    PERSONAL,
    PORTAL,
    component_id,
    manifest,
    member,
    snapshot,
)


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
