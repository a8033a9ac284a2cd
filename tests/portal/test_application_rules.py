"""On-demand service applications called directly: one target per application, the exact
refusals, what approval and rejection store, audit in both tenants, publish and notify, and
service packages (approving one assigns it; one that names components limits applications)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from models.directory import User
from models.notifications import Notification, NotificationKind
from models.portal_components import PortalComponent, ServiceApplication, ServiceKind
from models.scope import TenantScope
from models.tenants import ApplicationStatus
from models.usage import ServicePackage
from services import portal, tenants, usage
from services.errors import ServiceError
from subscriptions.topics import Topic
from tests.conftest import Department, gid
from tests.portal.support import events, manifest, platform_actor, refusal, trail


async def standard(key: str) -> PortalComponent:
    await portal.ensure_standard_components()
    platform = await tenants.ensure_platform()
    return await TenantScope(platform.id).query(PortalComponent).get(key=key, standard=True)


async def test_an_application_names_one_target_that_exists(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    calendar = await standard("calendar")
    for targets in ({}, {"component_id": calendar.id, "resource_id": uuid.uuid4()}):
        with pytest.raises(ServiceError) as refused:
            await portal.apply_for_service(admin, **targets)
        assert refusal(refused) == [
            ("INVALID", "Apply for one component, resource or package", ("componentId",))
        ]
    with pytest.raises(ServiceError) as long_note:
        await portal.apply_for_service(admin, component_id=calendar.id, note="注" * 2001)
    assert refusal(long_note) == [("TOO_LONG", "note is longer than 2000 characters", ("note",))]
    for targets, message, field in (
        ({"component_id": uuid.uuid4()}, "Component not found", "componentId"),
        ({"component_id": "not an id"}, "Component not found", "componentId"),
        ({"resource_id": uuid.uuid4()}, "Resource not found", "resourceId"),
        ({"package_id": uuid.uuid4()}, "Package not found", "packageId"),
    ):
        with pytest.raises(ServiceError) as missing:
            await portal.apply_for_service(admin, **targets)
        assert refusal(missing) == [("NOT_FOUND", message, (field,))]
    code = f"old{uuid.uuid4().hex[:8]}"
    retired = await ServicePackage.create(code=code, name="旧", active=False)
    with pytest.raises(ServiceError) as inactive:
        await portal.apply_for_service(admin, package_id=retired.id)
    assert refusal(inactive) == [("NOT_FOUND", "Package not found", ("packageId",))]

    key = f"own-{uuid.uuid4().hex[:6]}"
    await portal.register_component(admin, manifest=manifest(key), operation_schema=None)
    own = await department.scope.query(PortalComponent).get(key=key)
    with pytest.raises(ServiceError) as owned:
        await portal.apply_for_service(admin, component_id=own.id)
    assert refusal(owned) == [
        (
            "INVALID_STATE",
            f"Your tenant owns the component '{key}'; it needs no application",
            ("componentId",),
        )
    ]
    assert not await department.scope.query(ServiceApplication).exists()
    assert await trail(department.tenant.id, "portal.service_applied") == []


async def test_applying_records_in_both_tenants_and_once_only(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    calendar = await standard("calendar")
    note = "注" * 2000
    applied = await portal.apply_for_service(admin, component_id=calendar.id, note=f"  {note} ")
    row = await department.scope.query(ServiceApplication).get(id=applied.id)
    assert (row.kind, row.component_id, row.resource_id, row.package_id) == (
        ServiceKind.COMPONENT,
        calendar.id,
        None,
        None,
    )
    assert (row.status, row.slot, row.note) == (
        ApplicationStatus.PENDING,
        f"component:{calendar.id}",
        note,
    )
    assert (row.applicant_id, row.applicant_name) == (admin.user_id, admin.name)
    entry = (
        "ServiceApplication",
        str(row.id),
        str(admin.user_id),
        {"kind": "component", "key": "calendar", "targetId": str(calendar.id)},
    )
    event = {"id": gid("ServiceApplication", row.id), "type": "ServiceApplication"}
    for tenant_id in (department.tenant.id, calendar.tenant_id):
        assert entry in await trail(tenant_id, "portal.service_applied")
        assert event in await events(tenant_id, Topic.PORTAL_SERVICE_APPLIED)

    with pytest.raises(ServiceError) as twice:
        await portal.apply_for_service(admin, component_id=str(calendar.id))
    assert refusal(twice) == [
        (
            "DUPLICATE",
            "The component 'calendar' is already pending for your tenant",
            ("componentId",),
        )
    ]
    assert await portal.approved_ids(department.scope) == set()


async def test_review_decides_once_stores_audits_and_notifies(
    make_department, platform_admin: User
) -> None:
    department: Department = await make_department()
    operator = await platform_actor(platform_admin)
    calendar, notes = await standard("calendar"), await standard("notes")
    first = await portal.apply_for_service(department.actor, component_id=calendar.id)
    second = await portal.apply_for_service(department.actor, component_id=notes.id)

    with pytest.raises(ServiceError) as not_platform:
        await portal.review_service_application(
            department.actor, application_id=first.id, approve=True, reason=None
        )
    assert refusal(not_platform) == [("FORBIDDEN", "You lack the permission platform.admin", None)]
    for reason in (None, "   "):
        with pytest.raises(ServiceError) as no_reason:
            await portal.review_service_application(
                operator, application_id=first.id, approve=False, reason=reason
            )
        assert refusal(no_reason) == [("REQUIRED", "A rejection needs a reason", ("reason",))]
    with pytest.raises(ServiceError) as long_reason:
        await portal.review_service_application(
            operator, application_id=first.id, approve=False, reason="理" * 2001
        )
    assert [(code, field) for code, _, field in refusal(long_reason)] == [("TOO_LONG", ("reason",))]
    for nothing in (uuid.uuid4(), "nonsense"):
        with pytest.raises(ServiceError) as missing:
            await portal.review_service_application(
                operator, application_id=nothing, approve=True, reason=None
            )
        assert refusal(missing) == [("NOT_FOUND", "Application not found", ("id",))]

    approved = await portal.review_service_application(
        operator, application_id=str(first.id), approve=True, reason="  "
    )
    rejected = await portal.review_service_application(
        operator, application_id=second.id, approve=False, reason=" 暂不开放 "
    )
    rows = {r.id: r for r in await department.scope.query(ServiceApplication)}
    one, two = rows[approved.id], rows[rejected.id]
    assert (one.status, one.slot, one.reason) == (
        ApplicationStatus.APPROVED,
        f"component:{calendar.id}",
        None,
    )
    assert (two.status, two.slot, two.reason) == (ApplicationStatus.REJECTED, None, "暂不开放")
    for row in (one, two):
        assert (row.reviewer_id, row.reviewer_name) == (platform_admin.id, operator.name)
        assert row.decided_at is not None
    assert await portal.approved_ids(department.scope) == {calendar.id}

    by = str(platform_admin.id)
    for tenant_id in (department.tenant.id, operator.tenant_id):
        assert (
            "ServiceApplication",
            str(one.id),
            by,
            {"kind": "component", "reason": None},
        ) in await trail(tenant_id, "portal.service_approved")
        assert (
            "ServiceApplication",
            str(two.id),
            by,
            {"kind": "component", "reason": "暂不开放"},
        ) in await trail(tenant_id, "portal.service_rejected")
        assert {"id": gid("ServiceApplication", one.id), "type": "ServiceApplication"} in (
            await events(tenant_id, Topic.PORTAL_SERVICE_APPROVED)
        )
        assert {"id": gid("ServiceApplication", two.id), "type": "ServiceApplication"} in (
            await events(tenant_id, Topic.PORTAL_SERVICE_REJECTED)
        )
    notices = await Notification.filter(
        tenant_id=department.tenant.id, kind=NotificationKind.SERVICE_APPLICATION_DECIDED
    ).order_by("id")
    assert [(n.user_id, n.text, n.link) for n in notices] == [
        (department.admin.id, "您的服务组件申请已通过", gid("ServiceApplication", one.id)),
        (
            department.admin.id,
            "您的服务组件申请未通过，理由：暂不开放",
            gid("ServiceApplication", two.id),
        ),
    ]

    for decided, status in ((one, "approved"), (two, "rejected")):
        with pytest.raises(ServiceError) as again:
            await portal.review_service_application(
                operator, application_id=decided.id, approve=True, reason=None
            )
        assert refusal(again) == [
            ("INVALID_STATE", f"The application is already {status}", ("id",))
        ]


async def test_the_system_reviews_without_a_reviewer_id(make_department) -> None:
    department: Department = await make_department()
    notes = await standard("notes")
    applied = await portal.apply_for_service(department.actor, component_id=notes.id)
    system = await tenants.system_actor()
    decided = await portal.review_service_application(
        system, application_id=applied.id, approve=True, reason=None
    )
    stored = await department.scope.query(ServiceApplication).get(id=decided.id)
    assert (stored.reviewer_id, stored.reviewer_name) == (None, "system")


async def test_a_package_is_assigned_on_approval_and_limits_components(
    make_department, platform_admin: User
) -> None:
    department: Department = await make_department()
    operator = await platform_actor(platform_admin)
    code = f"p{uuid.uuid4().hex[:8]}"
    package = await ServicePackage.create(code=code, name="基础", components=["notes"])
    applied = await portal.apply_for_service(department.actor, package_id=str(package.id))
    assert (applied.kind, applied.package_id, applied.slot) == (
        ServiceKind.PACKAGE,
        package.id,
        f"package:{package.id}",
    )
    assert (
        "ServiceApplication",
        str(applied.id),
        str(department.admin.id),
        {"kind": "package", "key": code, "targetId": str(package.id)},
    ) in await trail(department.tenant.id, "portal.service_applied")
    with pytest.raises(ServiceError) as twice:
        await portal.apply_for_service(department.actor, package_id=package.id)
    assert refusal(twice) == [
        ("DUPLICATE", f"The package '{code}' is already pending for your tenant", ("packageId",))
    ]
    assert (await usage.limits_of(department.tenant.id)).package is None
    await portal.review_service_application(
        operator, application_id=applied.id, approve=True, reason=None
    )
    limits = await usage.limits_of(department.tenant.id)
    assert limits.package is not None
    assert limits.package.code == code
    assert await portal.approved_ids(department.scope) == set()

    calendar, notes = await standard("calendar"), await standard("notes")
    with pytest.raises(ServiceError) as outside:
        await portal.apply_for_service(department.actor, component_id=calendar.id)
    assert refusal(outside) == [
        (
            "QUOTA_EXCEEDED",
            f"The component 'calendar' is not in your package '{code}'",
            ("componentId",),
        )
    ]
    inside = await portal.apply_for_service(department.actor, component_id=notes.id)
    assert inside.status is ApplicationStatus.PENDING

    package.components = []
    await package.save()
    anything = await portal.apply_for_service(department.actor, component_id=calendar.id)
    assert anything.component_id == calendar.id


async def test_concurrent_applications_leave_one_and_say_why(make_department) -> None:
    department: Department = await make_department()
    calendar = await standard("calendar")
    results = await asyncio.gather(
        *(portal.apply_for_service(department.actor, component_id=calendar.id) for _ in range(4)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, ServiceApplication)]
    assert len(made) == 1
    reasons = {
        (p.code.value, p.message, p.field)
        for r in results
        if isinstance(r, ServiceError)
        for p in r.problems
    }
    assert reasons <= {
        (
            "DUPLICATE",
            "The component 'calendar' is already pending for your tenant",
            ("componentId",),
        ),
        ("DUPLICATE", "An application for 'calendar' was made meanwhile", ("componentId",)),
    }
    assert len(made) + sum(isinstance(r, ServiceError) for r in results) == 4
    assert await department.scope.query(ServiceApplication).count() == 1
