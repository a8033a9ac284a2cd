"""Online registration (在线注册) and its review, called as services: what an application keeps,
what each decision stores, records and tells, and every refusal's words and field."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from auth.viewer import actor_for
from models.directory import User
from models.notifications import Notification, NotificationKind
from models.scope import TenantScope
from models.tenants import ApplicationStatus, Tenant, TenantApplication, TenantKind, TenantStatus
from services import tenants
from tests.conftest import gid
from tests.tenants.support import audited, events, refused


def application(code: str, **extra: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "code": code,
        "name": "海淀区信息中心",
        "parent_code": None,
        "applicant_name": "赵敏",
        "applicant_email": "zhao.min@example.gov.cn",
        "applicant_phone": None,
        "admin_username": "zhao.min",
        "details": None,
    }
    return {**given, **extra}


def fresh_code() -> str:
    return f"r{uuid.uuid4().hex[:8]}"


async def operator(platform_admin: User):
    platform = await tenants.ensure_platform()
    return await actor_for(TenantScope(platform.id), platform_admin, platform)


async def test_an_application_reserves_its_code_and_is_recorded(make_department) -> None:
    parent = await make_department()
    code = fresh_code()
    made, secret = await tenants.apply_for_tenant(
        None,
        **application(
            f" {code} ",
            name=" 信息中心 ",
            parent_code=f" {parent.tenant.code} ",
            applicant_name=" 赵敏 ",
            applicant_email=" zhao@example.gov.cn ",
            applicant_phone=" 139 ",
            admin_username=" zhao ",
            details={"reason": "新设"},
        ),
    )
    row = await TenantApplication.get(id=made.id)
    assert (row.code, row.name, row.parent_id, row.status) == (
        code,
        "信息中心",
        parent.tenant.id,
        ApplicationStatus.PENDING,
    )
    assert (row.applicant_name, row.applicant_email, row.applicant_phone, row.admin_username) == (
        "赵敏",
        "zhao@example.gov.cn",
        "139",
        "zhao",
    )
    assert (row.applicant_user_id, row.details) == (None, {"reason": "新设"})
    assert row.status_secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert tenants.secret_hash(secret) == row.status_secret_hash
    assert len(secret) == 43, "32 random bytes, URL-safe base64"
    tenant = await Tenant.get(id=row.tenant_id)
    assert (tenant.code, tenant.name, tenant.status, tenant.kind, tenant.parent_id) == (
        code,
        "信息中心",
        TenantStatus.PENDING,
        TenantKind.DEPARTMENT,
        parent.tenant.id,
    )
    assert tenant.path == f"{parent.tenant.path}{tenant.id.hex}/"
    platform = await tenants.ensure_platform()
    assert await audited(platform.id, "tenant.applied", made.id) == [
        ("TenantApplication", None, "", {"code": code})
    ]
    assert {"applicationId": gid("TenantApplication", made.id)} in await events(
        platform.id, "tenant.applied"
    )

    signed, other = await tenants.apply_for_tenant(parent.actor, **application(fresh_code()))
    row = await TenantApplication.get(id=signed.id)
    assert (row.applicant_user_id, row.details, row.applicant_phone) == (
        parent.admin.id,
        {},
        None,
    )
    assert other != secret
    assert (await Tenant.get(id=row.tenant_id)).parent_id is None


async def test_a_bad_application_is_refused_with_the_reason(make_department) -> None:
    department = await make_department()
    before = (await Tenant.all().count(), await TenantApplication.all().count())
    apply = tenants.apply_for_tenant
    assert await refused(
        apply(
            None,
            **application(
                fresh_code(),
                applicant_name="n" * 101,
                applicant_email=" ",
                applicant_phone="1" * 33,
                admin_username="",
                details=["x"],
            ),
        )
    ) == [
        ("TOO_LONG", "applicantName is longer than 100 characters", ("applicantName",)),
        ("REQUIRED", "email must not be empty", ("applicantEmail",)),
        ("TOO_LONG", "applicantPhone is longer than 32 characters", ("applicantPhone",)),
        ("REQUIRED", "adminUsername must not be empty", ("adminUsername",)),
        ("INVALID", "details must be a JSON object", ("details",)),
    ]
    big = {"k": "x" * 9992}
    assert len(str(big)) == 10_001
    assert await refused(apply(None, **application(fresh_code(), details=big))) == [
        ("TOO_LONG", "details are too large", ("details",))
    ]
    await tenants.set_tenant_status(
        await tenants.system_actor(), tenant_id=department.tenant.id, status=TenantStatus.SUSPENDED
    )
    for parent_code in (department.tenant.code, "platform", "no-such"):
        assert await refused(apply(None, **application(fresh_code(), parent_code=parent_code))) == [
            (
                "NOT_FOUND",
                f"No active tenant has the code '{parent_code}'",
                ("parentCode",),
            )
        ]
    assert (await Tenant.all().count(), await TenantApplication.all().count()) == before
    edge = {"k": "x" * 9991}
    made, _ = await apply(
        None,
        **application(
            fresh_code(), applicant_name="n" * 100, applicant_phone="1" * 32, details=edge
        ),
    )
    assert (made.details, made.applicant_name) == (edge, "n" * 100)


async def test_an_approval_provisions_the_tenant_and_tells_its_admin(
    make_department, platform_admin: User
) -> None:
    made, _ = await tenants.apply_for_tenant(None, **application(fresh_code()))
    actor = await operator(platform_admin)
    decided, tenant = await tenants.review_application(
        actor, application_id=str(made.id), approve=True, reason=" 材料齐全 "
    )
    assert tenant is not None
    row = await TenantApplication.get(id=made.id)
    assert (row.status, row.reviewer_id, row.reason, row.tenant_id) == (
        ApplicationStatus.APPROVED,
        platform_admin.id,
        "材料齐全",
        tenant.id,
    )
    assert row.decided_at is not None
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.ACTIVE
    admin = await TenantScope(tenant.id).query(User).get(username="zhao.min")
    assert (admin.display_name, admin.email) == ("赵敏", "zhao.min@example.gov.cn")
    (notice,) = await TenantScope(tenant.id).query(Notification).filter(user_id=admin.id)
    assert (notice.kind, notice.text, notice.link) == (
        NotificationKind.TENANT_APPLICATION_DECIDED,
        "「海淀区信息中心」的入驻申请已通过，您是该单位的管理员",
        gid("Tenant", tenant.id),
    )
    assert await audited(actor.tenant_id, "tenant.application_approved", made.id) == [
        (
            "TenantApplication",
            platform_admin.id,
            actor.name,
            {"code": made.code, "reason": "材料齐全"},
        )
    ]
    assert {
        "applicationId": gid("TenantApplication", made.id),
        "status": "approved",
    } in await events(actor.tenant_id, "tenant.application_decided")
    assert await refused(
        tenants.review_application(actor, application_id=made.id, approve=False, reason="late")
    ) == [("INVALID_STATE", "The application is already approved", None)]
    assert decided.status == ApplicationStatus.APPROVED


async def test_a_rejection_frees_the_code_and_is_recorded(make_department) -> None:
    made, _ = await tenants.apply_for_tenant(None, **application(fresh_code()))
    system = await tenants.system_actor()
    review = tenants.review_application
    assert await refused(review(system, application_id=made.id, approve=False, reason=" ")) == [
        ("REQUIRED", "A rejection needs a reason", ("reason",))
    ]
    assert await refused(
        review(system, application_id=made.id, approve=False, reason="r" * 2001)
    ) == [("TOO_LONG", "reason is longer than 2000 characters", ("reason",))]
    decided, tenant = await review(system, application_id=made.id, approve=False, reason="r" * 2000)
    assert tenant is None
    row = await TenantApplication.get(id=made.id)
    assert (row.status, row.reviewer_id, row.reason, row.tenant_id) == (
        ApplicationStatus.REJECTED,
        None,
        "r" * 2000,
        None,
    )
    assert row.decided_at is not None
    assert not await Tenant.exists(code=made.code)
    assert await audited(system.tenant_id, "tenant.application_rejected", made.id) == [
        (
            "TenantApplication",
            tenants.SYSTEM_USER_ID,
            "system",
            {"code": made.code, "reason": "r" * 2000},
        )
    ]
    assert {
        "applicationId": gid("TenantApplication", made.id),
        "status": "rejected",
    } in await events(system.tenant_id, "tenant.application_decided")
    assert await refused(review(system, application_id=made.id, approve=True, reason=None)) == [
        ("INVALID_STATE", "The application is already rejected", None)
    ]
    for missing in (uuid.uuid4(), "nope"):
        assert await refused(review(system, application_id=missing, approve=True, reason=None)) == [
            ("NOT_FOUND", "Application not found", ("id",))
        ]
    orphan, _ = await tenants.apply_for_tenant(None, **application(fresh_code()))
    await TenantApplication.filter(id=orphan.id).update(tenant_id=None)
    assert await refused(review(system, application_id=orphan.id, approve=True, reason=None)) == [
        ("INVALID_STATE", "The reserved tenant no longer exists", None)
    ]
    department = await make_department()
    assert await refused(
        review(department.actor, application_id=orphan.id, approve=True, reason=None)
    ) == [("FORBIDDEN", "You lack the permission platform.admin", None)]
    assert decided.id == made.id
