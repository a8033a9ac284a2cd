"""The layout use cases called directly: what each stores, audits and publishes, the exact
refusals, and which layout a user sees (personal, then the lowest-priority role, then the
tenant's, then the empty default)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor, DataScope, Permission
from models.directory import OrgUnit, Role, User
from models.portal_components import (
    LayoutTemplate,
    PortalComponent,
    PortalLayout,
    PortalLayoutVersion,
)
from services import directory, portal
from services.errors import ServiceError
from services.portal import LayoutSource, PlacementSpec
from subscriptions.topics import Topic
from tests.conftest import Department, gid
from tests.portal.support import events, manifest, refusal, trail

ONE = LayoutTemplate.ONE_COLUMN


async def duty(department: Department, **changes: Any) -> uuid.UUID:
    """A component the tenant owns, so it needs no application."""
    key = f"duty-{uuid.uuid4().hex[:6]}"
    await portal.register_component(
        department.actor, manifest=manifest(key, **changes), operation_schema=None
    )
    component = await department.scope.query(PortalComponent).get(key=key)
    return component.id


def days(component: uuid.UUID, n: int, column: int = 0) -> PlacementSpec:
    return PlacementSpec(component_id=component, column=column, settings={"days": n})


async def member(department: Department, username: str, *roles: Role) -> User:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    user: User = await directory.create_user(
        department.actor, username=username, display_name=username, org_unit_ids=[root.id]
    )
    for role in roles:
        await directory.assign_role(department.actor, user_id=user.id, role_id=role.id)
    return user


async def role(department: Department, code: str) -> Role:
    made: Role = await directory.create_role(
        department.actor, code=code, name=code, permissions=[], data_scope=DataScope.SELF
    )
    return made


async def actor(department: Department, user: User) -> Actor:
    return await actor_for(department.scope, user, department.tenant)


async def test_publishing_numbers_versions_and_records_each(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    component = await duty(department)
    first = await portal.publish_layout(
        admin, template=ONE, placements=[days(component, 2), days(component, 3)]
    )
    assert (first.number, first.template, first.restored_from) == (1, ONE, None)
    assert (first.published_by_id, first.published_by_name) == (admin.user_id, admin.name)
    assert [(p["column"], p["settings"]) for p in first.placements] == [
        (0, {"days": 2}),
        (0, {"days": 3}),
    ]
    with pytest.raises(ServiceError) as stale:
        await portal.publish_layout(admin, template=ONE, placements=[], expected_version=0)
    assert refusal(stale) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 0); reload it",
            ("expectedVersion",),
        )
    ]
    second = await portal.publish_layout(
        admin, template=LayoutTemplate.TWO_COLUMNS, placements=[], expected_version=1
    )
    assert second.number == 2
    by = str(admin.user_id)
    assert await trail(department.tenant.id, "portal.layout_published") == [
        (
            "PortalLayoutVersion",
            str(first.id),
            by,
            {"number": 1, "template": "one_column", "placements": 2},
        ),
        (
            "PortalLayoutVersion",
            str(second.id),
            by,
            {"number": 2, "template": "two_columns", "placements": 0},
        ),
    ]
    assert await events(department.tenant.id, Topic.PORTAL_LAYOUT_PUBLISHED) == [
        {"id": gid("PortalLayoutVersion", row.id), "type": "PortalLayoutVersion"}
        for row in (first, second)
    ]

    with pytest.raises(ServiceError) as missing:
        await portal.rollback_layout(admin, to_version=3)
    assert refusal(missing) == [("NOT_FOUND", "The layout has no version 3", ("toVersion",))]
    with pytest.raises(ServiceError) as current:
        await portal.rollback_layout(admin, to_version=2)
    assert refusal(current) == [
        ("INVALID_STATE", "Version 2 is the current layout", ("toVersion",))
    ]
    with pytest.raises(ServiceError) as moved_on:
        await portal.rollback_layout(admin, to_version=1, expected_version=1)
    assert [p[0] for p in refusal(moved_on)] == ["CONFLICT"]
    rolled = await portal.rollback_layout(admin, to_version=1, expected_version=2)
    assert (rolled.number, rolled.template, rolled.restored_from) == (3, ONE, 1)
    assert rolled.placements == first.placements
    assert rolled.published_by_name == admin.name != ""
    assert await trail(department.tenant.id, "portal.layout_rolled_back") == [
        ("PortalLayoutVersion", str(rolled.id), by, {"number": 3, "restoredFrom": 1})
    ]
    assert await events(department.tenant.id, Topic.PORTAL_LAYOUT_ROLLED_BACK) == [
        {"id": gid("PortalLayoutVersion", rolled.id), "type": "PortalLayoutVersion"}
    ]
    numbers = await department.scope.query(PortalLayoutVersion).values_list("number", flat=True)
    assert sorted(numbers) == [1, 2, 3]


async def test_layout_changes_need_the_right_actor(make_department) -> None:
    department: Department = await make_department()
    clerk = await actor(department, await member(department, "clerk"))
    for call in (
        portal.publish_layout(clerk, template=ONE, placements=[]),
        portal.rollback_layout(clerk, to_version=1),
        portal.set_role_layout(clerk, role_id=uuid.uuid4(), template=ONE, placements=[]),
        portal.clear_role_layout(clerk, role_id=uuid.uuid4()),
    ):
        with pytest.raises(ServiceError) as refused:
            await call
        assert refusal(refused) == [("FORBIDDEN", "You lack the permission tenant.admin", None)]
    for anonymous in (
        portal.set_my_layout(None, template=ONE, placements=[]),
        portal.reset_my_layout(None),
        portal.resolve_portal(None),
    ):
        with pytest.raises(ServiceError) as refused:
            await anonymous
        assert refusal(refused) == [("UNAUTHENTICATED", "Sign in first", None)]


async def test_role_layouts_are_saved_versioned_and_cleared(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    component = await duty(department)
    clerks = await role(department, "clerks")
    with pytest.raises(ServiceError) as unknown:
        await portal.set_role_layout(admin, role_id=uuid.uuid4(), template=ONE, placements=[])
    assert refusal(unknown) == [("NOT_FOUND", "Role not found", ("roleId",))]
    with pytest.raises(ServiceError) as new_stale:
        await portal.set_role_layout(
            admin, role_id=clerks.id, template=ONE, placements=[], expected_version=1
        )
    assert [p[0] for p in refusal(new_stale)] == ["CONFLICT"]

    made = await portal.set_role_layout(
        admin, role_id=str(clerks.id), template=ONE, placements=[days(component, 4)]
    )
    assert (made.role_id, made.user_id, made.priority, made.version) == (clerks.id, None, 100, 1)
    changed = await portal.set_role_layout(
        admin,
        role_id=clerks.id,
        template=LayoutTemplate.TWO_COLUMNS,
        placements=[days(component, 5, column=1), days(component, 6)],
        priority=7,
        expected_version=1,
    )
    assert changed.id == made.id
    stored = await department.scope.query(PortalLayout).get(id=made.id)
    assert (stored.priority, stored.version, stored.template) == (7, 2, LayoutTemplate.TWO_COLUMNS)
    assert [(p["column"], p["settings"]["days"]) for p in stored.placements] == [(1, 5), (0, 6)]
    with pytest.raises(ServiceError) as stale:
        await portal.set_role_layout(
            admin, role_id=clerks.id, template=ONE, placements=[], expected_version=1
        )
    assert refusal(stale) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 2, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    by = str(admin.user_id)
    assert await trail(department.tenant.id, "portal.role_layout_set") == [
        ("PortalLayout", str(made.id), by, {"role": "clerks", "priority": 100, "placements": 1}),
        ("PortalLayout", str(made.id), by, {"role": "clerks", "priority": 7, "placements": 2}),
    ]
    assert (
        await events(department.tenant.id, Topic.PORTAL_ROLE_LAYOUT_SET)
        == [{"id": gid("PortalLayout", made.id), "type": "PortalLayout"}] * 2
    )

    for nothing in (uuid.uuid4(), "no id at all"):
        with pytest.raises(ServiceError) as none:
            await portal.clear_role_layout(admin, role_id=nothing)
        assert refusal(none) == [("NOT_FOUND", "The role has no portal layout", ("roleId",))]
    cleared = await portal.clear_role_layout(admin, role_id=str(clerks.id))
    assert cleared.id == made.id
    assert not await department.scope.query(PortalLayout).exists()
    assert await trail(department.tenant.id, "portal.role_layout_cleared") == [
        ("PortalLayout", str(made.id), by, {"roleId": str(clerks.id)})
    ]
    assert await events(department.tenant.id, Topic.PORTAL_ROLE_LAYOUT_CLEARED) == [
        {"id": gid("PortalLayout", made.id), "type": "PortalLayout"}
    ]


async def test_a_personal_layout_is_set_versioned_and_reset(make_department) -> None:
    department: Department = await make_department()
    component = await duty(department)
    user = await member(department, "clerk")
    clerk = await actor(department, user)
    assert await portal.reset_my_layout(clerk) is None
    with pytest.raises(ServiceError) as nothing_yet:
        await portal.reset_my_layout(clerk, expected_version=1)
    assert refusal(nothing_yet) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 0, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    mine = await portal.set_my_layout(
        clerk, template=ONE, placements=[days(component, 1)], expected_version=0
    )
    assert (mine.user_id, mine.role_id, mine.version) == (user.id, None, 1)
    again = await portal.set_my_layout(clerk, template=ONE, placements=[], expected_version=1)
    assert (again.id, again.version, again.placements) == (mine.id, 2, [])
    assert (await department.scope.query(PortalLayout).get(id=mine.id)).priority == 100
    with pytest.raises(ServiceError) as stale:
        await portal.reset_my_layout(clerk, expected_version=1)
    assert [p[0] for p in refusal(stale)] == ["CONFLICT"]
    reset = await portal.reset_my_layout(clerk, expected_version=2)
    assert reset is not None
    assert reset.id == mine.id
    assert not await department.scope.query(PortalLayout).exists()
    by = str(user.id)
    assert await trail(department.tenant.id, "portal.personal_layout_set") == [
        ("PortalLayout", str(mine.id), by, {"userId": by, "placements": 1}),
        ("PortalLayout", str(mine.id), by, {"userId": by, "placements": 0}),
    ]
    assert await trail(department.tenant.id, "portal.personal_layout_reset") == [
        ("PortalLayout", str(mine.id), by, {"userId": by})
    ]
    assert await events(department.tenant.id, Topic.PORTAL_PERSONAL_LAYOUT_RESET) == [
        {"id": gid("PortalLayout", mine.id), "type": "PortalLayout"}
    ]
    assert len(await events(department.tenant.id, Topic.PORTAL_PERSONAL_LAYOUT_SET)) == 2


async def test_the_page_seen_follows_roles_by_priority_then_code(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    component = await duty(department)
    alpha, beta, gamma = [await role(department, code) for code in ("alpha", "beta", "gamma")]
    user = await member(department, "many", gamma, beta, alpha)
    viewer = await actor(department, user)

    empty = await portal.resolve_portal(viewer)
    assert (empty.source, empty.template, empty.placements, empty.hidden) == (
        LayoutSource.DEFAULT,
        ONE,
        [],
        0,
    )
    assert (empty.role, empty.layout_version, empty.theme.version) == (None, None, 0)

    await portal.publish_layout(admin, template=ONE, placements=[days(component, 1)])
    await portal.publish_layout(
        admin, template=LayoutTemplate.TWO_COLUMNS, placements=[days(component, 2, column=1)]
    )
    tenant = await portal.resolve_portal(viewer)
    assert (tenant.source, tenant.layout_version, tenant.template, tenant.role) == (
        LayoutSource.TENANT,
        2,
        LayoutTemplate.TWO_COLUMNS,
        None,
    )
    assert [(p.column, p.position, p.settings) for p in tenant.placements] == [(1, 0, {"days": 2})]

    async def role_layout(target: Role, n: int, priority: int) -> None:
        await portal.set_role_layout(
            admin,
            role_id=target.id,
            template=ONE,
            placements=[days(component, n)],
            priority=priority,
        )

    await role_layout(gamma, 13, 5)
    await role_layout(beta, 12, 6)
    await role_layout(alpha, 10, 6)

    async def seen() -> tuple[LayoutSource, str | None, list[int], int | None]:
        page = await portal.resolve_portal(viewer)
        return (
            page.source,
            page.role.code if page.role else None,
            [p.settings["days"] for p in page.placements],
            page.layout_version,
        )

    assert await seen() == (LayoutSource.ROLE, "gamma", [13], None)
    await role_layout(gamma, 13, 6)
    assert await seen() == (LayoutSource.ROLE, "alpha", [10], None), "same priority: by code"
    await role_layout(beta, 12, 5)
    assert await seen() == (LayoutSource.ROLE, "beta", [12], None)
    await portal.set_my_layout(viewer, template=ONE, placements=[days(component, 14)])
    assert await seen() == (LayoutSource.USER, None, [14], None)
    outsider = await actor(department, await member(department, "outsider"))
    assert (await portal.resolve_portal(outsider)).source is LayoutSource.TENANT


async def test_placements_the_viewer_may_not_see_are_hidden_and_the_rest_renumbered(
    make_department,
) -> None:
    department: Department = await make_department()
    admin = department.actor
    open_to_all = await duty(department)
    admins_only = await duty(department, requiredPermission=Permission.TENANT_ADMIN.value)
    await portal.publish_layout(
        admin,
        template=ONE,
        placements=[days(admins_only, 1), days(open_to_all, 2), days(admins_only, 3)],
    )
    clerk = await actor(department, await member(department, "clerk"))
    seen = await portal.resolve_portal(clerk)
    assert [(p.position, p.settings["days"]) for p in seen.placements] == [(0, 2)]
    assert seen.hidden == 2
    everything = await portal.resolve_portal(admin)
    assert [(p.position, p.settings["days"]) for p in everything.placements] == [
        (0, 1),
        (1, 2),
        (2, 3),
    ]
    assert everything.hidden == 0
    assert everything.placements[0].component_version is not None
    assert everything.placements[0].component_version.required_permission == "tenant.admin"
