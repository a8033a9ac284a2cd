"""Registering components called directly: what a version stores, audits and publishes, when
the component's latest version, name and category move, and the exact refusals of a taken key
or version."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models.directory import User
from models.portal_components import ComponentCategory, PortalComponent, PortalComponentVersion
from models.usage import ServicePackage
from services import portal
from services.errors import ServiceError
from subscriptions.topics import Topic
from tests.conftest import Department, gid
from tests.portal.support import events, manifest, platform_actor, refusal, trail


async def register(actor: Any, document: dict[str, Any], standard: bool = False) -> Any:
    return await portal.register_component(
        actor, manifest=document, operation_schema=None, standard=standard
    )


async def test_versions_store_audit_and_move_the_latest_forward(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    key = f"duty-{uuid.uuid4().hex[:6]}"
    first = await register(admin, manifest(key, version="1.2.0"))
    assert isinstance(first, PortalComponentVersion)
    component = await department.scope.query(PortalComponent).get(key=key)
    assert (component.standard, component.latest_version, component.name) == (
        False,
        "1.2.0",
        "值班表 Duty roster",
    )
    assert (first.version, first.name, first.required_permission) == (
        "1.2.0",
        "值班表 Duty roster",
        None,
    )
    assert first.manifest == manifest(key, version="1.2.0")

    older = await register(
        admin, manifest(key, version="1.1.9", name="旧版", category="personal_assistance")
    )
    await component.refresh_from_db()
    assert (component.latest_version, component.name, component.category) == (
        "1.2.0",
        "值班表 Duty roster",
        ComponentCategory.PUBLIC_AFFAIRS,
    )
    newer = await register(
        admin,
        manifest(
            key,
            version="1.10.0",
            name=" 新版 ",
            category="personal_assistance",
            requiredPermission="tenant.admin",
        ),
    )
    await component.refresh_from_db()
    assert (component.latest_version, component.name, component.category) == (
        "1.10.0",
        "新版",
        ComponentCategory.PERSONAL_ASSISTANCE,
    )
    assert isinstance(newer, PortalComponentVersion)
    assert (newer.name, newer.required_permission) == ("新版", "tenant.admin")

    with pytest.raises(ServiceError) as again:
        await register(admin, manifest(key, version="1.1.9"))
    assert refusal(again) == [
        (
            "DUPLICATE",
            f"Version 1.1.9 of '{key}' is already registered and never changes; "
            "register a new version",
            ("manifest", "version"),
        )
    ]
    by = str(admin.user_id)
    rows = [first, older, newer]
    assert await trail(department.tenant.id, "portal.component_registered") == [
        ("PortalComponentVersion", str(row.id), by, {"key": key, "version": v, "standard": False})
        for row, v in zip(rows, ("1.2.0", "1.1.9", "1.10.0"), strict=True)
    ]
    assert await events(department.tenant.id, Topic.PORTAL_COMPONENT_REGISTERED) == [
        {"id": gid("PortalComponentVersion", row.id), "type": "PortalComponentVersion"}
        for row in rows
    ]

    await portal.ensure_standard_components()
    with pytest.raises(ServiceError) as reserved:
        await register(admin, manifest("publications", version="9.0.0"))
    assert refusal(reserved) == [
        (
            "DUPLICATE",
            "'publications' is the key of a standard component; choose another key",
            ("manifest", "key"),
        )
    ]
    with pytest.raises(ServiceError) as not_platform:
        await register(admin, manifest(f"s{key}"), standard=True)
    assert refusal(not_platform) == [("FORBIDDEN", "You lack the permission platform.admin", None)]


async def test_a_key_is_either_standard_or_the_tenants_own(platform_admin: User) -> None:
    operator = await platform_actor(platform_admin)
    shared, own = f"std-{uuid.uuid4().hex[:6]}", f"own-{uuid.uuid4().hex[:6]}"
    await register(operator, manifest(shared), standard=True)
    await register(operator, manifest(own))
    with pytest.raises(ServiceError) as was_standard:
        await register(operator, manifest(shared, version="2.0.0"))
    assert refusal(was_standard) == [
        (
            "DUPLICATE",
            f"'{shared}' is already a standard component of your tenant",
            ("manifest", "key"),
        )
    ]
    with pytest.raises(ServiceError) as was_own:
        await register(operator, manifest(own, version="2.0.0"), standard=True)
    assert refusal(was_own) == [
        ("DUPLICATE", f"'{own}' is already a tenant component of your tenant", ("manifest", "key"))
    ]
    second = await register(operator, manifest(shared, version="2.0.0"), standard=True)
    assert isinstance(second, PortalComponentVersion)
    entries = await trail(operator.tenant_id, "portal.component_registered")
    assert entries[-1] == (
        "PortalComponentVersion",
        str(second.id),
        str(platform_admin.id),
        {"key": shared, "version": "2.0.0", "standard": True},
    )
    await PortalComponentVersion.filter(component__key__in=[shared, own]).delete()
    await PortalComponent.filter(key__in=[shared, own]).delete()


async def test_an_application_decided_in_its_own_tenant_is_recorded_once(
    platform_admin: User,
) -> None:
    operator = await platform_actor(platform_admin)
    package = await ServicePackage.create(code=f"p{uuid.uuid4().hex[:8]}", name="自用")
    applied = await portal.apply_for_service(operator, package_id=package.id)
    await portal.review_service_application(
        operator, application_id=applied.id, approve=False, reason="不需要"
    )
    for action in ("portal.service_applied", "portal.service_rejected"):
        mine = [e for e in await trail(operator.tenant_id, action) if e[1] == str(applied.id)]
        assert len(mine) == 1, action
    payload = {"id": gid("ServiceApplication", applied.id), "type": "ServiceApplication"}
    rejected = await events(operator.tenant_id, Topic.PORTAL_SERVICE_REJECTED)
    assert rejected.count(payload) == 1


async def test_a_shipped_version_missing_is_registered_at_start_and_audited(
    platform_admin: User,
) -> None:
    """As after an upgrade ships a new version: the one not registered yet is added by the
    platform, with no actor, and audited."""
    operator = await platform_actor(platform_admin)
    shipped = await PortalComponentVersion.filter(component__standard=True).first()
    assert shipped is not None
    renamed = await PortalComponentVersion.filter(id=shipped.id).update(version="0.0.0-old")
    assert renamed == 1
    try:
        assert await portal.ensure_standard_components() == 1
        added = await PortalComponentVersion.get(
            component_id=shipped.component_id, version=shipped.version
        )
        assert (await trail(operator.tenant_id, "portal.component_registered"))[-1] == (
            "PortalComponentVersion",
            str(added.id),
            None,
            {"key": (await shipped.component).key, "version": shipped.version, "standard": True},
        )
        assert await portal.ensure_standard_components() == 0
    finally:
        await PortalComponentVersion.filter(
            component_id=shipped.component_id, version=shipped.version
        ).delete()
        await PortalComponentVersion.filter(id=shipped.id).update(version=shipped.version)
