"""Who may send where (交换伙伴), in one place for the recipient picker and for sending.

A tenant may send to
- every tenant below it (its descendants, at any depth: a city office reaches its districts
  and their streets),
- its direct parent,
- every tenant a platform admin paired it with (`exchange_partner`, one row per direction).
Only provisioned department tenants receive (active ones; what is sent to a suspended one waits
and is delivered once it is active again); a tenant never sends to itself.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from i18n import _
from models.access import Actor, Permission
from models.directory import OrgUnit
from models.exchange import ExchangePartner
from models.scope import TenantScope
from models.tenants import Tenant, TenantKind, TenantStatus
from services.errors import Code, ServiceError, not_found, require
from services.inputs import Checks, parse_id
from services.uow import transaction

RECEIVING = (TenantStatus.ACTIVE, TenantStatus.SUSPENDED)


class Relation(StrEnum):
    DESCENDANT = "descendant"
    PARENT = "parent"
    PARTNER = "partner"


def recipients_of(sender: Tenant) -> QuerySet[Tenant]:
    """Every tenant `sender` may send to, as one query."""
    paired = Subquery(ExchangePartner.filter(sender_id=sender.id).values("receiver_id"))
    reach = Q(path__startswith=sender.path) | Q(id__in=paired)
    if sender.parent_id is not None:
        reach |= Q(id=sender.parent_id)
    return (
        Tenant.filter(reach, kind=TenantKind.DEPARTMENT, status__in=RECEIVING)
        .exclude(id=sender.id)
        .order_by("code", "id")
    )


def relation(sender: Tenant, receiver: Tenant, paired: set[uuid.UUID]) -> Relation | None:
    """How `sender` reaches `receiver` (hierarchy first), or None when it may not send there.
    `paired` holds the receivers a platform admin paired the sender with."""
    if receiver.id == sender.id or receiver.kind != TenantKind.DEPARTMENT:
        return None
    if receiver.status not in RECEIVING:
        return None
    if receiver.path.startswith(sender.path):
        return Relation.DESCENDANT
    if receiver.id == sender.parent_id:
        return Relation.PARENT
    if receiver.id in paired:
        return Relation.PARTNER
    return None


async def paired_with(sender_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await ExchangePartner.filter(sender_id=sender_id).values_list("receiver_id", flat=True)
    return set(cast(list[uuid.UUID], rows))


async def addressable_units(receiver: Tenant) -> list[OrgUnit]:
    """The units right below a receiver's root unit, for senders to address (names only)."""
    return list(
        await TenantScope(receiver.id)
        .query(OrgUnit)
        .filter(depth=1)
        .order_by("sort_order", "name", "id")
    )


async def add_partner(
    actor: Actor | None,
    *,
    sender_id: uuid.UUID | str,
    receiver_id: uuid.UUID | str,
    both_directions: bool = True,
    note: str | None = None,
) -> list[ExchangePartner]:
    """Platform admins pair two tenants (one direction or both). Pairs that exist are kept."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        note = checks.optional_text(note, "note", max_length=200) or ""
    try:
        async with transaction(actor) as work:
            sender = await _department(sender_id, "senderId")
            receiver = await _department(receiver_id, "receiverId")
            if sender.id == receiver.id:
                raise ServiceError.of(
                    Code.INVALID, _("A tenant cannot be its own exchange partner"), "receiverId"
                )
            pairs = [(sender, receiver)] + ([(receiver, sender)] if both_directions else [])
            rows = []
            for source, target in pairs:
                row = await ExchangePartner.get_or_none(sender_id=source.id, receiver_id=target.id)
                if row is None:
                    row = await ExchangePartner.create(
                        sender_id=source.id,
                        receiver_id=target.id,
                        note=note,
                        created_by_id=actor.user_id,
                    )
                    data = {"sender": source.code, "receiver": target.code, "note": note}
                    for tenant_id in (actor.tenant_id, source.id, target.id):
                        work.audit(
                            tenant_id, "exchange.partner_added", "ExchangePartner", row.id, data
                        )
                rows.append(row)
    except IntegrityError as exc:
        raise ServiceError.of(
            Code.CONFLICT, _("The pair was added meanwhile; reload the partners")
        ) from exc
    return rows


async def remove_partner(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    """Remove one direction of a pair. What was sent stays; nothing more can be sent."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    async with transaction(actor) as work:
        key = parse_id(id)
        row = (
            await ExchangePartner.filter(id=key).select_for_update().get_or_none() if key else None
        )
        if row is None:
            raise not_found(_("Exchange partner"), "id")
        sender = await Tenant.get(id=row.sender_id)
        receiver = await Tenant.get(id=row.receiver_id)
        await row.delete()
        data = {"sender": sender.code, "receiver": receiver.code}
        for tenant_id in (actor.tenant_id, sender.id, receiver.id):
            work.audit(tenant_id, "exchange.partner_removed", "ExchangePartner", row.id, data)
    return row.id


async def _department(tenant_id: uuid.UUID | str, field: str) -> Tenant:
    key = parse_id(tenant_id)
    tenant = await Tenant.get_or_none(id=key, kind=TenantKind.DEPARTMENT) if key else None
    if tenant is None:
        raise not_found(_("Department tenant"), field)
    if tenant.status == TenantStatus.PENDING:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("The tenant '{code}' is still awaiting review", code=tenant.code),
            field,
        )
    return tenant
