"""Placements called directly: every refusal's words and field, columns and titles at their
edges, what a placement stores, and stored placements whose component or approval is gone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models.access import DataScope
from models.directory import User
from models.portal_components import (
    LayoutTemplate,
    PortalComponent,
    PortalLayoutVersion,
    ResourceKind,
    ServiceApplication,
)
from models.scope import TenantScope
from models.tenants import ApplicationStatus
from services import directory, portal, tenants
from services.errors import ServiceError
from services.portal import PlacementSpec
from tests.conftest import Department
from tests.portal.support import manifest, platform_actor, refusal

ONE, THREE = LayoutTemplate.ONE_COLUMN, LayoutTemplate.THREE_COLUMNS


async def own(department: Department, **changes: Any) -> PortalComponent:
    key = f"duty-{uuid.uuid4().hex[:6]}"
    await portal.register_component(
        department.actor, manifest=manifest(key, **changes), operation_schema=None
    )
    return await department.scope.query(PortalComponent).get(key=key)


async def publish(
    department: Department, *placements: PlacementSpec, template: LayoutTemplate = ONE
) -> list[tuple[str, str, Any]]:
    with pytest.raises(ServiceError) as error:
        await portal.publish_layout(department.actor, template=template, placements=placements)
    assert not await department.scope.query(PortalLayoutVersion).exists()
    return refusal(error)


def at(index: int, *field: str) -> tuple[str, ...]:
    return ("placements", str(index), *field)


async def test_each_placement_is_checked_where_it_stands(make_department) -> None:
    department: Department = await make_department()
    duty = await own(department)
    good = PlacementSpec(component_id=duty.id, settings={"days": 1})
    assert await publish(department, *[good] * 61) == [
        ("TOO_LONG", "A page holds at most 60 placements", ("placements",))
    ]
    either = "Place either a component or a resource"
    assert await publish(
        department,
        PlacementSpec(),
        PlacementSpec(component_id=duty.id, resource_id=uuid.uuid4()),
        PlacementSpec(component_id=duty.id, column=-1, settings={"days": 1}),
        PlacementSpec(component_id=duty.id, column=1, settings={"days": 1}),
        PlacementSpec(component_id=duty.id, title="标" * 101, settings={"days": 1}),
        PlacementSpec(component_id=uuid.uuid4()),
        PlacementSpec(component_id="not an id"),
        PlacementSpec(resource_id=uuid.uuid4()),
        PlacementSpec(component_id=duty.id, version="9.9.9"),
    ) == [
        ("INVALID", either, at(0, "componentId")),
        ("INVALID", either, at(1, "componentId")),
        ("INVALID", "column must be 0 to 0 in one_column", at(2, "column")),
        ("INVALID", "column must be 0 to 0 in one_column", at(3, "column")),
        ("TOO_LONG", "title is longer than 100 characters", at(4)),
        ("NOT_FOUND", "Component not found", at(5, "componentId")),
        ("NOT_FOUND", "Component not found", at(6, "componentId")),
        ("NOT_FOUND", "Resource not found", at(7, "resourceId")),
        ("NOT_FOUND", f"'{duty.key}' has no version 9.9.9", at(8, "version")),
    ]
    assert await publish(
        department,
        PlacementSpec(component_id=duty.id, column=3, settings={"days": 1}),
        template=THREE,
    ) == [("INVALID", "column must be 0 to 2 in three_columns", at(0, "column"))]

    published = await portal.publish_layout(
        department.actor,
        template=THREE,
        placements=[
            *[PlacementSpec(component_id=duty.id, column=2, settings={"days": 2})] * 58,
            PlacementSpec(component_id=str(duty.id), title=f" {'标' * 100} ", settings={"days": 3}),
            PlacementSpec(component_id=duty.id, version="1.0.0", title="  ", settings={"days": 4}),
        ],
    )
    stored = published.placements
    assert len(stored) == 60
    assert len({p["id"] for p in stored}) == 60
    version = await duty.versions.all().get()
    assert {k: v for k, v in stored[58].items() if k != "id"} == {
        "column": 0,
        "title": "标" * 100,
        "componentId": str(duty.id),
        "componentVersionId": str(version.id),
        "version": "1.0.0",
        "settings": {"days": 3},
    }
    assert uuid.UUID(hex=stored[58]["id"])
    assert (stored[59]["title"], stored[0]["column"]) == (None, 2)


async def test_only_what_the_tenant_may_use_is_placed_and_seen(
    make_department, platform_admin: User
) -> None:
    department: Department = await make_department()
    admin = department.actor
    operator = await platform_actor(platform_admin)
    await portal.ensure_standard_components()
    platform = await tenants.ensure_platform()
    calendar = await TenantScope(platform.id).query(PortalComponent).get(key="calendar")
    shared = await portal.register_resource(
        operator,
        key=f"r{uuid.uuid4().hex[:8]}",
        name="共享",
        kind=ResourceKind.PAGE,
        endpoint_url="https://data.example.gov.cn/",
        standard=True,
        allow_loopback=False,
    )
    assert await publish(
        department,
        PlacementSpec(component_id=calendar.id, settings={"view": "day"}),
        PlacementSpec(resource_id=shared.id),
    ) == [
        (
            "FORBIDDEN",
            "The component 'calendar' is not approved for your tenant; apply for it first",
            at(0, "componentId"),
        ),
        (
            "FORBIDDEN",
            f"The resource '{shared.key}' is not approved for your tenant; apply for it first",
            at(1, "resourceId"),
        ),
    ]
    for target in ({"component_id": calendar.id}, {"resource_id": shared.id}):
        applied = await portal.apply_for_service(admin, **target)
        await portal.review_service_application(
            operator, application_id=applied.id, approve=True, reason=None
        )
    assert await publish(
        department, PlacementSpec(resource_id=shared.id, settings={"a": 1}, version="1.0.0")
    ) == [
        ("INVALID", "A resource takes no settings", at(0, "settings")),
        ("INVALID", "A resource has no versions", at(0, "version")),
    ]
    published = await portal.publish_layout(
        admin,
        template=ONE,
        placements=[
            PlacementSpec(resource_id=shared.id, settings={}),
            PlacementSpec(component_id=calendar.id, settings={"view": "day"}),
            PlacementSpec(resource_id=str(shared.id)),
        ],
    )
    assert [(p.get("resourceId"), p["settings"]) for p in published.placements] == [
        (str(shared.id), {}),
        (None, {"view": "day", "showWeekends": False}),
        (str(shared.id), {}),
    ]
    seen = await portal.resolve_portal(admin)
    assert [(p.position, p.resource is not None) for p in seen.placements] == [
        (0, True),
        (1, False),
        (2, True),
    ]
    assert seen.placements[1].component is not None
    assert seen.placements[1].component.key == "calendar"
    assert seen.hidden == 0

    await (
        department.scope.query(ServiceApplication)
        .filter(component_id=calendar.id)
        .update(status=ApplicationStatus.REJECTED)
    )
    withdrawn = await portal.resolve_portal(admin)
    assert [p.resource is not None for p in withdrawn.placements] == [True, True]
    assert [p.position for p in withdrawn.placements] == [0, 1]
    assert withdrawn.hidden == 1


async def test_stored_placements_load_what_still_exists(make_department) -> None:
    department: Department = await make_department()
    duty = await own(department)
    version = await duty.versions.all().get()
    loaded = await portal.load_placements(
        department.scope,
        [
            {"id": "a", "column": 1, "componentVersionId": str(version.id), "settings": None},
            {"id": "b", "column": 1, "componentVersionId": str(uuid.uuid4()), "title": "旧"},
            {"id": "c", "column": 0, "resourceId": str(uuid.uuid4()), "settings": {"x": 1}},
            {"id": "d", "column": 1},
        ],
    )
    assert [(p.id, p.column, p.position, p.title) for p in loaded] == [
        ("a", 1, 0, None),
        ("b", 1, 1, "旧"),
        ("c", 0, 0, None),
        ("d", 1, 2, None),
    ]
    assert loaded[0].component is not None
    assert (loaded[0].component.id, loaded[0].component_version) == (duty.id, version)
    assert [(p.component, p.component_version, p.resource) for p in loaded[1:]] == [
        (None, None, None)
    ] * 3
    assert [p.settings for p in loaded] == [{}, {}, {"x": 1}, {}]
    assert await portal.load_placements(department.scope, []) == []


async def test_only_a_personal_layout_is_checked_against_the_viewer(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    operators_only = await own(department, requiredPermission="platform.admin")
    placed = [PlacementSpec(component_id=operators_only.id, settings={"days": 1})]
    published = await portal.publish_layout(admin, template=ONE, placements=placed)
    assert len(published.placements) == 1
    clerks = await directory.create_role(
        admin, code="clerks", name="科员", permissions=[], data_scope=DataScope.SELF
    )
    role_layout = await portal.set_role_layout(
        admin, role_id=clerks.id, template=ONE, placements=placed
    )
    assert len(role_layout.placements) == 1
    with pytest.raises(ServiceError) as mine:
        await portal.set_my_layout(admin, template=ONE, placements=placed)
    assert refusal(mine) == [
        (
            "FORBIDDEN",
            f"The component '{operators_only.key}' needs the permission platform.admin",
            at(0, "componentId"),
        )
    ]
    seen = await portal.resolve_portal(admin)
    assert (seen.placements, seen.hidden) == ([], 1)
