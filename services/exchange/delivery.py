"""Delivery: the copy of a dispatch becomes an incoming item (收文箱) in the receiving tenant.

Idempotent: a recipient row is claimed with FOR UPDATE SKIP LOCKED while it is `sent`, and the
incoming item is unique per recipient row (and per dispatch, tenant and org unit), so however
often delivery runs, and in however many processes, a receiver gets one item. A receiver that
cannot take it now (suspended, org unit gone) leaves the recipient `sent` with the reason; the
delivery loop tries again later, waiting longer each time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.queryset import QuerySet

from models.access import Actor, Permission
from models.directory import OrgUnit
from models.documents import Secrecy, Urgency
from models.exchange import (
    Dispatch,
    DispatchRecipient,
    IncomingAttachment,
    IncomingItem,
    IncomingReminder,
    RecipientStatus,
)
from models.notifications import NotificationKind
from models.scope import TenantScope, across_tenants
from models.tenants import Tenant, TenantStatus
from services.exchange import records
from services.notifications import holders, notify
from services.tenants import SYSTEM_USER_ID
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

log = logging.getLogger("officecloud.exchange")

REMIND_AFTER_HOURS = 72.0
"""Default for a receiving tenant's `settings.exchange.remindAfterHours` (0: no reminders)."""
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)


async def deliver(recipient_id: uuid.UUID) -> bool:
    """Deliver one recipient's copy now; False when it was delivered already, is being
    delivered by another process, or cannot be yet."""
    outcome = await _attempt(
        lambda: across_tenants(DispatchRecipient).filter(
            id=recipient_id, status=RecipientStatus.SENT
        )
    )
    return bool(outcome and outcome[1])


async def deliver_due(now: datetime | None = None, limit: int = 100) -> int:
    """The delivery loop's step: try up to `limit` undelivered recipients whose next attempt
    is due, each in its own transaction; returns how many were delivered."""
    now = now or datetime.now(UTC)
    tried: list[uuid.UUID] = []
    delivered = 0

    def due() -> QuerySet[DispatchRecipient]:
        query = across_tenants(DispatchRecipient).filter(
            status=RecipientStatus.SENT, next_attempt_at__lte=now
        )
        if tried:
            query = query.exclude(id__in=tried)
        return query.order_by("next_attempt_at")

    for _ in range(limit):
        outcome = await _attempt(due)
        if outcome is None:
            break
        tried.append(outcome[0])
        delivered += outcome[1]
    return delivered


async def _attempt(
    claim: Callable[[], QuerySet[DispatchRecipient]],
) -> tuple[uuid.UUID, bool] | None:
    """Claim one recipient and deliver it, in one transaction. `claim` builds the query inside
    the transaction: Tortoise binds a query to a client when it is built, and on SQLite one
    built outside waits forever for the transaction's own lock."""
    claimed: uuid.UUID | None = None
    try:
        async with transaction(None) as work:
            recipient = await claim().select_for_update(skip_locked=True).first()
            if recipient is None:
                return None
            claimed = recipient.id
            problem = await _deliver(work, recipient)
            if problem:
                _postpone(recipient, problem, work.now)
                await recipient.save()
            return recipient.id, problem is None
    except Exception:
        if claimed is None:
            raise
        log.exception("delivering exchange recipient %s failed", claimed)
        await _postpone_after_error(claimed)
        return claimed, False


async def _deliver(work: Work, recipient: DispatchRecipient) -> str | None:
    """Create the receiver's copy (unless it exists) and mark the recipient delivered; or
    say why the receiver cannot take it now, having written nothing."""
    receiver = await Tenant.get(id=recipient.receiver_tenant_id)
    if receiver.status != TenantStatus.ACTIVE:
        return f"The receiving tenant is {receiver.status.value}; delivery will be retried"
    inbox = TenantScope(receiver.id)
    unit = None
    if recipient.receiver_unit_id is not None:
        unit = await inbox.get(OrgUnit, recipient.receiver_unit_id)
        if unit is None:
            return "The receiving org unit no longer exists; delivery will be retried"
    sender = TenantScope(recipient.tenant_id)
    dispatch = await sender.query(Dispatch).get(id=recipient.dispatch_id)
    work.actor = worker_actor(recipient.tenant_id)
    if not await inbox.query(IncomingItem).filter(recipient_id=recipient.id).exists():
        item = await _incoming(work, inbox, receiver, recipient, dispatch, unit)
        work.audit(
            receiver.id,
            "exchange.received",
            "IncomingItem",
            item.id,
            {"sender": item.sender_code, "title": item.title, "role": item.role.value},
        )
        work.emit(receiver.id, Topic.EXCHANGE_INCOMING, records.incoming_changed(item, "delivered"))
        await notify(
            work,
            receiver.id,
            await holders(inbox, Permission.EXCHANGE_RECEIVE),
            NotificationKind.INCOMING_ARRIVED,
            f"收到{item.sender_name}来文《{item.title}》，请签收",
            global_id("IncomingItem", item.id),
        )
    recipient.status = RecipientStatus.DELIVERED
    recipient.delivered_at = work.now
    recipient.attempts += 1
    recipient.last_error = None
    await recipient.save()
    work.audit(
        recipient.tenant_id,
        "exchange.delivered",
        "DispatchRecipient",
        recipient.id,
        {"dispatch": str(dispatch.id), "receiver": recipient.receiver_code},
    )
    work.emit(
        recipient.tenant_id,
        Topic.EXCHANGE_RECIPIENT_CHANGED,
        records.recipient_changed(recipient, RecipientStatus.SENT),
    )
    return None


async def _incoming(
    work: Work,
    inbox: TenantScope,
    receiver: Tenant,
    recipient: DispatchRecipient,
    dispatch: Dispatch,
    unit: OrgUnit | None,
) -> IncomingItem:
    copy: dict[str, Any] = dispatch.contents
    item = await inbox.create(
        IncomingItem,
        dispatch_id=dispatch.id,
        recipient_id=recipient.id,
        unit_key=recipient.unit_key,
        sender_tenant_id=recipient.tenant_id,
        sender_name=copy["sender"]["name"],
        sender_code=copy["sender"]["code"],
        org_unit_id=unit.id if unit else None,
        role=recipient.role,
        title=copy["title"],
        number=copy["number"],
        urgency=Urgency(copy["urgency"]),
        secrecy=Secrecy(copy["secrecy"]),
        public_fields=copy["fields"],
        sent_at=dispatch.created_at,
    )
    files = [
        IncomingAttachment(
            incoming_id=item.id,
            name=f["name"],
            content_type=f["contentType"],
            size=f["size"],
            sha256=f["sha256"],
        )
        for f in copy["attachments"]
    ]
    if files:
        await inbox.bulk_create(IncomingAttachment, files)
    hours = remind_after_hours(receiver)
    if hours > 0:
        await inbox.create(
            IncomingReminder, incoming_id=item.id, due_at=work.now + timedelta(hours=hours)
        )
    return item


def remind_after_hours(receiver: Tenant) -> float:
    options = (receiver.settings or {}).get("exchange")
    value = options.get("remindAfterHours") if isinstance(options, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return REMIND_AFTER_HOURS


def _postpone(recipient: DispatchRecipient, problem: str, now: datetime) -> None:
    recipient.attempts += 1
    recipient.last_error = problem
    wait = min(FIRST_RETRY * 2 ** min(recipient.attempts - 1, 16), LAST_RETRY)
    recipient.next_attempt_at = now + wait


async def _postpone_after_error(recipient_id: uuid.UUID) -> None:
    async with transaction(None) as work:
        recipient = await (
            across_tenants(DispatchRecipient)
            .filter(id=recipient_id, status=RecipientStatus.SENT)
            .select_for_update(skip_locked=True)
            .first()
        )
        if recipient is not None:
            _postpone(recipient, "Delivery failed unexpectedly; it will be retried", work.now)
            await recipient.save()


def worker_actor(tenant_id: uuid.UUID) -> Actor:
    """The actor named in audit entries of deliveries and reminders."""
    return Actor(tenant_id=tenant_id, user_id=SYSTEM_USER_ID, tenant_path="", name="system")
