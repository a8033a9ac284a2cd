"""On-demand services (按需申请): a tenant applies for a shared component or resource, a
platform admin approves or rejects it. Only what is approved (or the tenant's own) can be placed
on the tenant's portal."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.notifications import NotificationKind
from models.portal_components import (
    PortalComponent,
    PortalResource,
    ServiceApplication,
    ServiceKind,
    catalogue,
    review_queue,
)
from models.scope import TenantScope
from models.tenants import ApplicationStatus, Tenant
from models.usage import ServicePackage
from services import usage
from services.errors import Code, ServiceError, not_found, require
from services.inputs import KEEP, Checks, parse_id
from services.notifications import notify
from services.portal.common import record, scope_of
from services.uow import transaction
from subscriptions.topics import Topic, global_id

SYSTEM_USER_ID = uuid.UUID(int=0)

KIND_NAMES = {
    ServiceKind.COMPONENT: _("Component"),
    ServiceKind.RESOURCE: _("Resource"),
    ServiceKind.PACKAGE: _("Package"),
}


async def apply_for_service(
    actor: Actor | None,
    *,
    component_id: uuid.UUID | str | None = None,
    resource_id: uuid.UUID | str | None = None,
    package_id: uuid.UUID | str | None = None,
    note: str | None = None,
) -> ServiceApplication:
    """For a shared component, a shared resource or a service package (服务套餐)."""
    actor = require(actor, Permission.TENANT_ADMIN)
    targets = {
        ServiceKind.COMPONENT: component_id,
        ServiceKind.RESOURCE: resource_id,
        ServiceKind.PACKAGE: package_id,
    }
    with Checks() as checks:
        if sum(target is not None for target in targets.values()) != 1:
            checks.fail(
                Code.INVALID, _("Apply for one component, resource or package"), "componentId"
            )
        note = (note or "").strip()
        if len(note) > 2000:
            checks.fail(Code.TOO_LONG, _("note is longer than 2000 characters"), "note")
    kind = next(k for k, target in targets.items() if target is not None)
    field = f"{kind.value}Id"
    async with transaction(actor) as work:
        key = parse_id(targets[kind])
        target = await _target(kind, actor, key) if key else None
        if target is None:
            raise not_found(KIND_NAMES[kind], field)
        if kind is ServiceKind.COMPONENT:
            await _in_package(actor, target.key, field)
        if getattr(target, "tenant_id", None) == actor.tenant_id:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _(
                    "Your tenant owns the {kind} '{key}'; it needs no application",
                    kind=kind.value,
                    key=_key(target),
                ),
                field,
            )
        slot = f"{kind.value}:{target.id}"
        live = await scope_of(actor).query(ServiceApplication).get_or_none(slot=slot)
        if live is not None:
            raise ServiceError.of(
                Code.DUPLICATE,
                _(
                    "The {kind} '{key}' is already {status} for your tenant",
                    kind=kind.value,
                    key=_key(target),
                    status=live.status.value,
                ),
                field,
            )
        try:
            application = await scope_of(actor).create(
                ServiceApplication,
                kind=kind,
                component_id=target.id if kind is ServiceKind.COMPONENT else None,
                resource_id=target.id if kind is ServiceKind.RESOURCE else None,
                package_id=target.id if kind is ServiceKind.PACKAGE else None,
                slot=slot,
                note=note,
                applicant_id=actor.user_id,
                applicant_name=actor.name[:100],
            )
        except IntegrityError as exc:
            raise ServiceError.of(
                Code.DUPLICATE,
                _("An application for '{key}' was made meanwhile", key=_key(target)),
                field,
            ) from exc
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_SERVICE_APPLIED,
            application,
            {"kind": kind.value, "key": _key(target), "targetId": target.id},
            also=getattr(target, "tenant_id", None),
        )
    return application


async def _target(kind: ServiceKind, actor: Actor, key: uuid.UUID) -> Any:
    if kind is ServiceKind.PACKAGE:
        return await ServicePackage.get_or_none(id=key, active=True)
    model: Any = PortalComponent if kind is ServiceKind.COMPONENT else PortalResource
    return await catalogue(model, actor.tenant_id).get_or_none(id=key)


def _key(target: Any) -> str:
    return str(target.code if isinstance(target, ServicePackage) else target.key)


async def _in_package(actor: Actor, key: str, field: str) -> None:
    """A package that names its components allows applying for those only."""
    limits = await usage.limits_of(actor.tenant_id)
    package = limits.package
    if package is not None and package.components and key not in package.components:
        raise ServiceError.of(
            Code.QUOTA_EXCEEDED,
            _("The component '{key}' is not in your package '{code}'", key=key, code=package.code),
            field,
        )


async def review_service_application(
    actor: Actor | None, *, application_id: uuid.UUID | str, approve: bool, reason: str | None
) -> ServiceApplication:
    """Approve, or reject with a reason (the tenant may apply again later)."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=2000)
        if not approve and not reason:
            checks.fail(Code.REQUIRED, _("A rejection needs a reason"), "reason")
    async with transaction(actor) as work:
        key = parse_id(application_id)
        application = (
            await review_queue().filter(id=key).select_for_update().get_or_none() if key else None
        )
        if application is None:
            raise not_found(_("Application"), "id")
        if application.status != ApplicationStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _("The application is already {status}", status=application.status.value),
                "id",
            )
        application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        if not approve:
            application.slot = None
        application.reason = reason
        application.reviewer_id = actor.user_id if actor.user_id != SYSTEM_USER_ID else None
        application.reviewer_name = actor.name[:100]
        application.decided_at = work.now
        await application.save()
        if approve and application.package_id is not None:
            tenant = await Tenant.get(id=application.tenant_id)
            package = await ServicePackage.get(id=application.package_id)
            await usage.assign(work, actor, tenant, package, KEEP)
        record(
            work,
            application.tenant_id,
            Topic.PORTAL_SERVICE_APPROVED if approve else Topic.PORTAL_SERVICE_REJECTED,
            application,
            {"kind": application.kind.value, "reason": reason},
            also=actor.tenant_id,
        )
        if application.applicant_id:
            verdict = "已通过" if approve else f"未通过，理由：{reason}"
            await notify(
                work,
                application.tenant_id,
                [application.applicant_id],
                NotificationKind.SERVICE_APPLICATION_DECIDED,
                f"您的服务组件申请{verdict}",
                global_id("ServiceApplication", application.id),
            )
    return application


async def approved_ids(scope: TenantScope) -> set[uuid.UUID]:
    """Ids of the shared components and resources approved for this tenant."""
    rows = await (
        scope.query(ServiceApplication)
        .filter(status=ApplicationStatus.APPROVED)
        .values_list("component_id", "resource_id")
    )
    return {key for pair in rows for key in pair if key is not None}
