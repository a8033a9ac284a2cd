"""On-demand services (按需申请): a tenant applies for a shared component or resource, a
platform admin approves or rejects it. Only what is approved (or the tenant's own) can be placed
on the tenant's portal."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

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
from models.tenants import ApplicationStatus
from services.errors import Code, ServiceError, not_found, require
from services.inputs import Checks, parse_id
from services.notifications import notify
from services.portal.common import record, scope_of
from services.uow import transaction
from subscriptions.topics import Topic, global_id

SYSTEM_USER_ID = uuid.UUID(int=0)


async def apply_for_service(
    actor: Actor | None,
    *,
    component_id: uuid.UUID | str | None = None,
    resource_id: uuid.UUID | str | None = None,
    note: str | None = None,
) -> ServiceApplication:
    actor = require(actor, Permission.TENANT_ADMIN)
    with Checks() as checks:
        if (component_id is None) == (resource_id is None):
            checks.fail(Code.INVALID, "Apply for either a component or a resource", "componentId")
        note = (note or "").strip()
        if len(note) > 2000:
            checks.fail(Code.TOO_LONG, "note is longer than 2000 characters", "note")
    kind = ServiceKind.COMPONENT if component_id is not None else ServiceKind.RESOURCE
    field = "componentId" if kind is ServiceKind.COMPONENT else "resourceId"
    model: Any = PortalComponent if kind is ServiceKind.COMPONENT else PortalResource
    async with transaction(actor) as work:
        key = parse_id(component_id if component_id is not None else resource_id)
        target = await catalogue(model, actor.tenant_id).get_or_none(id=key) if key else None
        if target is None:
            raise not_found(kind.value.capitalize(), field)
        if target.tenant_id == actor.tenant_id:
            raise ServiceError.of(
                Code.INVALID_STATE,
                f"Your tenant owns the {kind.value} '{target.key}'; it needs no application",
                field,
            )
        slot = f"{kind.value}:{target.id}"
        live = await scope_of(actor).query(ServiceApplication).get_or_none(slot=slot)
        if live is not None:
            raise ServiceError.of(
                Code.DUPLICATE,
                f"The {kind.value} '{target.key}' is already {live.status.value} for your tenant",
                field,
            )
        try:
            application = await scope_of(actor).create(
                ServiceApplication,
                kind=kind,
                component_id=target.id if kind is ServiceKind.COMPONENT else None,
                resource_id=target.id if kind is ServiceKind.RESOURCE else None,
                slot=slot,
                note=note,
                applicant_id=actor.user_id,
                applicant_name=actor.name[:100],
            )
        except IntegrityError as exc:
            raise ServiceError.of(
                Code.DUPLICATE, f"An application for '{target.key}' was made meanwhile", field
            ) from exc
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_SERVICE_APPLIED,
            application,
            {"kind": kind.value, "key": target.key, "targetId": target.id},
            also=target.tenant_id,
        )
    return application


async def review_service_application(
    actor: Actor | None, *, application_id: uuid.UUID | str, approve: bool, reason: str | None
) -> ServiceApplication:
    """Approve, or reject with a reason (the tenant may apply again later)."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=2000)
        if not approve and not reason:
            checks.fail(Code.REQUIRED, "A rejection needs a reason", "reason")
    async with transaction(actor) as work:
        key = parse_id(application_id)
        application = (
            await review_queue().filter(id=key).select_for_update().get_or_none() if key else None
        )
        if application is None:
            raise not_found("Application", "id")
        if application.status != ApplicationStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE,
                f"The application is already {application.status.value}",
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
