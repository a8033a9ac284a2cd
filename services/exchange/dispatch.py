"""分发: distributing a completed outgoing document (发文) to other tenants.

A dispatch is one transaction on the sender's side: the dispatch with the copy that leaves,
one recipient row per receiver, the sender's audit entry and an `exchange.recipient_changed`
event per recipient. Delivery into each receiving tenant is separate (`delivery`) and is tried
right after the commit; the delivery loop retries what is still undelivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.directory import OrgUnit
from models.documents import Document, DocumentKind, DocumentStatus, DocumentType
from models.exchange import Dispatch, DispatchRecipient, RecipientRole, RecipientStatus
from models.scope import TenantScope
from models.tenants import Tenant
from services.documents import access
from services.documents.trail import trail
from services.errors import Code, ServiceError, not_found, require
from services.exchange import delivery, partners, records
from services.inputs import Checks, parse_id
from services.uow import Work, transaction
from subscriptions.topics import Topic

MAX_RECIPIENTS = 500
SENDABLE = (DocumentStatus.COMPLETED, DocumentStatus.ARCHIVED)


@dataclass(frozen=True)
class RecipientSpec:
    tenant_id: uuid.UUID | str
    role: RecipientRole = RecipientRole.MAIN
    org_unit_id: uuid.UUID | str | None = None


@dataclass(frozen=True)
class _Target:
    tenant: Tenant
    unit: OrgUnit | None
    role: RecipientRole

    @property
    def unit_key(self) -> str:
        return self.unit.id.hex if self.unit else ""


async def dispatch_document(
    actor: Actor | None,
    *,
    document_id: uuid.UUID | str,
    recipients: Sequence[RecipientSpec],
    comment: str | None = None,
    deliver_now: bool = True,
) -> Dispatch:
    """Send a completed 发文 the actor may read to partner tenants (主送 / 抄送). Each
    (document, tenant, org unit) receives it once: naming one again is refused. Call it
    outside a transaction: with `deliver_now` it delivers after its own commit."""
    actor = require(actor, Permission.EXCHANGE_SEND)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        comment = checks.optional_text(comment, "comment", max_length=2000)
        if not recipients:
            checks.fail(Code.REQUIRED, _("Name at least one recipient"), "recipients")
        elif len(recipients) > MAX_RECIPIENTS:
            checks.fail(
                Code.TOO_LONG,
                _("At most {MAX_RECIPIENTS} recipients at once", MAX_RECIPIENTS=MAX_RECIPIENTS),
                "recipients",
            )
    async with transaction(actor) as work:
        document = await _sendable(actor, scope, document_id)
        sender = await Tenant.get(id=actor.tenant_id)
        targets = await _targets(scope, sender, document, recipients)
        dispatch = await scope.create(
            Dispatch,
            document_id=document.id,
            sent_by_id=actor.user_id,
            comment=comment,
            contents=await records.contents(scope, document, sender),
        )
        rows = await _recipients(scope, work, dispatch, document, targets)
        summary = [_describe(t) for t in targets]
        await trail(
            scope,
            document,
            "dispatched",
            actor_id=actor.user_id,
            comment=comment,
            data={"dispatch": str(dispatch.id), "recipients": summary},
        )
        work.audit(
            actor.tenant_id,
            "exchange.dispatched",
            "Dispatch",
            dispatch.id,
            {"document": str(document.id), "title": document.title, "recipients": summary},
        )
        for row in rows:
            work.emit(
                actor.tenant_id,
                Topic.EXCHANGE_RECIPIENT_CHANGED,
                records.recipient_changed(row, None),
            )
    if deliver_now:
        for row in rows:
            await delivery.deliver(row.id)
    return dispatch


async def _recipients(
    scope: TenantScope, work: Work, dispatch: Dispatch, document: Document, targets: list[_Target]
) -> list[DispatchRecipient]:
    """One row per target, each due for delivery now; a (document, tenant, unit) already sent
    to is the database's unique constraint, and a CONFLICT."""
    rows = []
    try:
        for target in targets:
            rows.append(
                await scope.create(
                    DispatchRecipient,
                    dispatch_id=dispatch.id,
                    document_id=document.id,
                    receiver_tenant_id=target.tenant.id,
                    receiver_unit_id=target.unit.id if target.unit else None,
                    unit_key=target.unit_key,
                    receiver_name=target.tenant.name,
                    receiver_code=target.tenant.code,
                    unit_name=target.unit.name if target.unit else None,
                    role=target.role,
                    status=RecipientStatus.SENT,
                    next_attempt_at=work.now,
                )
            )
    except IntegrityError as exc:
        raise ServiceError.of(
            Code.CONFLICT, _("The document was sent meanwhile; reload its dispatches")
        ) from exc
    return rows


async def _sendable(actor: Actor, scope: TenantScope, document_id: uuid.UUID | str) -> Document:
    """The locked document, if the actor may read it and it may leave the tenant. The lock
    serialises two dispatches of one document, so each recipient is checked once."""
    key = parse_id(document_id)
    document = (
        await scope.query(Document).filter(id=key).select_for_update().get_or_none()
        if key
        else None
    )
    if document is None or not await access.may_read(actor, document):
        raise not_found(_("Document"), "id")
    doc_type = await scope.query(DocumentType).get(id=document.document_type_id)
    if doc_type.kind != DocumentKind.DISPATCH:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _(
                "Only outgoing documents (发文) are distributed; this is a {kind}",
                kind=doc_type.kind.value,
            ),
            "id",
        )
    if document.status not in SENDABLE:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _(
                "Only completed or archived documents are distributed; this one is {status}",
                status=document.status.value,
            ),
            "id",
        )
    if document.secrecy not in access.OPEN_LEVELS:
        raise ServiceError.of(
            Code.FORBIDDEN,
            _(
                "Classified documents ({secrecy}) are not exchanged online",
                secrecy=document.secrecy.value,
            ),
            "id",
        )
    return document


async def _targets(
    scope: TenantScope, sender: Tenant, document: Document, specs: Sequence[RecipientSpec]
) -> list[_Target]:
    """Every named recipient, checked: a partner tenant, an existing unit of it, named once
    and not sent this document before. All problems are reported together."""
    paired = await partners.paired_with(sender.id)
    sent = {
        (tenant_id, unit_key)
        for tenant_id, unit_key in await scope.query(DispatchRecipient)
        .filter(document_id=document.id)
        .values_list("receiver_tenant_id", "unit_key")
    }
    targets: list[_Target] = []
    seen: set[tuple[uuid.UUID, str]] = set()
    with Checks() as checks:
        for i, spec in enumerate(specs):
            at = ("recipients", str(i))
            key = parse_id(spec.tenant_id)
            tenant = await Tenant.get_or_none(id=key) if key else None
            if tenant is None:
                checks.fail(Code.NOT_FOUND, _("Tenant not found"), *at, "tenantId")
                continue
            if partners.relation(sender, tenant, paired) is None:
                checks.fail(
                    Code.FORBIDDEN,
                    _(
                        "'{name}' ({code}) is not an exchange partner of yours",
                        name=tenant.name,
                        code=tenant.code,
                    ),
                    *at,
                    "tenantId",
                )
                continue
            unit = None
            if spec.org_unit_id is not None:
                unit = await TenantScope(tenant.id).get(OrgUnit, spec.org_unit_id)
                if unit is None:
                    checks.fail(
                        Code.NOT_FOUND,
                        _("No such org unit in '{name}'", name=tenant.name),
                        *at,
                        "orgUnitId",
                    )
                    continue
            target = _Target(tenant, unit, RecipientRole(spec.role))
            where = _describe(target)["to"]
            if (tenant.id, target.unit_key) in sent:
                checks.fail(
                    Code.DUPLICATE, _("This document was already sent to {where}", where=where), *at
                )
            elif (tenant.id, target.unit_key) in seen:
                checks.fail(Code.DUPLICATE, _("{where} is named twice", where=where), *at)
            seen.add((tenant.id, target.unit_key))
            targets.append(target)
    return targets


def _describe(target: _Target) -> dict[str, str]:
    where = target.tenant.name + (f" / {target.unit.name}" if target.unit else "")
    return {"to": where, "tenant": target.tenant.code, "role": target.role.value}
