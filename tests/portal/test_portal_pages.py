"""The portal over GraphQL beyond the main scenario: defaults filled in, concurrent publishes,
applying again after a rejection, the order of resolution, hidden components, the setup
checklist and tenant isolation. Refused changes leave everything as it was."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from models.access import DataScope, Permission
from models.directory import OrgUnit, User
from models.portal_components import (
    PortalLayoutVersion,
)
from services import directory
from tests.conftest import GraphQL, gid
from tests.portal.support import (
    LAYOUT,
    PERSONAL,
    PORTAL,
    component_id,
    manifest,
    member,
    snapshot,
)


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
