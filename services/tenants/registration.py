"""Online registration (在线注册): a department applies, the platform reviews. The code is reserved
by a pending tenant from the application on."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from i18n import _
from models.access import Actor, Permission
from models.notifications import NotificationKind
from models.tenants import ApplicationStatus, Tenant, TenantApplication, TenantKind, TenantStatus
from services.errors import Code, ServiceError, not_found, require
from services.inputs import Checks, parse_id
from services.notifications import notify
from services.tenants.provisioning import SYSTEM_USER_ID, ensure_platform, new_tenant, provision
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id


async def apply_for_tenant(
    actor: Actor | None,
    *,
    code: str,
    name: str,
    parent_code: str | None,
    applicant_name: str,
    applicant_email: str,
    applicant_phone: str | None,
    admin_username: str,
    details: dict[str, Any] | None,
) -> tuple[TenantApplication, str]:
    """Self-service registration (在线注册), anonymous or signed in. The code is reserved by a
    pending tenant until the application is reviewed. Returns the application and the secret
    its applicant checks the decision with (`status_secret`); only its hash is kept."""
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name")
        applicant_name = checks.text(applicant_name, "applicantName", max_length=100)
        applicant_email = checks.email(applicant_email, "applicantEmail", required=True) or ""
        applicant_phone = checks.optional_text(applicant_phone, "applicantPhone", max_length=32)
        admin_username = checks.username(admin_username, "adminUsername")
        if details is not None and not isinstance(details, dict):
            checks.fail(Code.INVALID, _("details must be a JSON object"), "details")
        elif details is not None and len(str(details)) > 10_000:
            checks.fail(Code.TOO_LONG, _("details are too large"), "details")
    platform = await ensure_platform()
    async with transaction(actor) as work:
        parent = None
        if parent_code:
            parent = await Tenant.get_or_none(code=parent_code.strip(), kind=TenantKind.DEPARTMENT)
            if parent is None or parent.status != TenantStatus.ACTIVE:
                raise ServiceError.of(
                    Code.NOT_FOUND,
                    _("No active tenant has the code '{parent_code}'", parent_code=parent_code),
                    "parentCode",
                )
        tenant = await new_tenant(code=code, name=name, parent=parent, kind=TenantKind.DEPARTMENT)
        application = await TenantApplication.create(
            code=code,
            name=name,
            parent=parent,
            tenant=tenant,
            applicant_name=applicant_name,
            applicant_email=applicant_email,
            applicant_phone=applicant_phone,
            admin_username=admin_username,
            applicant_user_id=actor.user_id if actor else None,
            details=details or {},
            status_secret_hash=secret_hash(secret := secrets.token_urlsafe(32)),
        )
        work.audit(
            platform.id, "tenant.applied", "TenantApplication", application.id, {"code": code}
        )
        work.emit(
            platform.id,
            Topic.TENANT_APPLIED,
            {"applicationId": global_id("TenantApplication", application.id)},
        )
    return application, secret


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def review_application(
    actor: Actor | None, *, application_id: uuid.UUID | str, approve: bool, reason: str | None
) -> tuple[TenantApplication, Tenant | None]:
    """Approve (the tenant becomes active and is provisioned) or reject (with a reason)."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=2000)
        if not approve and not reason:
            checks.fail(Code.REQUIRED, _("A rejection needs a reason"), "reason")
    async with transaction(actor) as work:
        key = parse_id(application_id)
        application = (
            await TenantApplication.filter(id=key).select_for_update().get_or_none()
            if key
            else None
        )
        if application is None:
            raise not_found(_("Application"), "id")
        if application.status != ApplicationStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _("The application is already {status}", status=application.status.value),
            )
        application.reviewer_id = actor.user_id if actor.user_id != SYSTEM_USER_ID else None
        application.reason = reason
        application.decided_at = work.now
        tenant = await Tenant.get(id=application.tenant_id) if application.tenant_id else None
        if tenant is None:
            raise ServiceError.of(Code.INVALID_STATE, _("The reserved tenant no longer exists"))
        tenant = await _decide(work, application, tenant, approve)
        await application.save()
        work.audit(
            actor.tenant_id,
            f"tenant.application_{application.status.value}",
            "TenantApplication",
            application.id,
            {"code": application.code, "reason": reason},
        )
        work.emit(
            actor.tenant_id,
            Topic.TENANT_APPLICATION_DECIDED,
            {
                "applicationId": global_id("TenantApplication", application.id),
                "status": application.status.value,
            },
        )
    return application, tenant


async def _decide(
    work: Work, application: TenantApplication, tenant: Tenant, approve: bool
) -> Tenant | None:
    """Approval activates and provisions the reserved tenant; a rejection deletes it (nothing
    hangs off a pending tenant) and frees its code."""
    if approve:
        application.status = ApplicationStatus.APPROVED
        tenant.status = TenantStatus.ACTIVE
        await tenant.save(update_fields=["status", "updated_at"])
        admin = await provision(
            work,
            tenant,
            application.admin_username,
            application.applicant_name,
            application.applicant_email,
        )
        await notify(
            work,
            tenant.id,
            [admin.id],
            NotificationKind.TENANT_APPLICATION_DECIDED,
            f"「{tenant.name}」的入驻申请已通过，您是该单位的管理员",
            global_id("Tenant", tenant.id),
        )
        return tenant
    application.status = ApplicationStatus.REJECTED
    application.tenant_id = None
    await application.save()
    await tenant.delete()
    return None
