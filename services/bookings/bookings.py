"""Booking a resource (公共事务): book, change, cancel, and a keeper's decision where the
resource needs approval. A pending booking holds its slot until it is decided.

Approval is one yes/no by a keeper (a holder of `bookings.manage`), not a flow of the document
engine: a room or a car has one keeper, and a flow would add a form, a flow definition and a
document per booking for a single step."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from i18n import _
from models.access import Actor, Permission
from models.bookings import ACTIVE_BOOKINGS, Booking, BookingStatus, Resource
from models.calendar import CalendarEvent
from models.scope import TenantScope
from services import usage
from services.bookings import slots
from services.bookings.resources import locked
from services.calendar.access import editable_event
from services.errors import Code, ServiceError, check_version, not_found, require, signed_in
from services.inputs import KEEP, Checks, apply_changes
from services.notifications import NotificationKind, notify
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id, global_ids


def _emit(work: Work, booking: Booking, action: str, data: dict[str, object]) -> None:
    work.audit(booking.tenant_id, f"bookings.{action}", "Booking", booking.id, data)
    work.emit(
        booking.tenant_id,
        Topic.BOOKING_CHANGED,
        {
            "bookingId": global_id("Booking", booking.id),
            "resourceId": global_id("BookableResource", booking.resource_id),
            "action": action,
            "status": booking.status.value,
            "startsAt": booking.starts_at.isoformat(),
            "endsAt": booking.ends_at.isoformat(),
            "userIds": global_ids("User", [booking.booker_id]),
        },
    )


def _status(actor: Actor, resource: Resource) -> BookingStatus:
    if resource.requires_approval and not actor.has(Permission.BOOKINGS_MANAGE):
        return BookingStatus.PENDING
    return BookingStatus.CONFIRMED


async def _event(
    scope: TenantScope, actor: Actor, event_id: uuid.UUID | str | None
) -> CalendarEvent | None:
    if event_id is None:
        return None
    try:
        return await editable_event(scope, actor, event_id)
    except ServiceError:
        raise not_found(_("Event"), "eventId") from None


async def book(
    actor: Actor | None,
    *,
    resource_id: uuid.UUID | str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    event_id: uuid.UUID | str | None = None,
) -> Booking:
    """Book a resource for [starts_at, ends_at), optionally for a calendar event the actor may
    edit (the meeting's invitation: its location becomes the room when it has none)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    resource = (
        await scope.get(Resource, resource_id) if isinstance(resource_id, uuid.UUID) else None
    )
    if resource is None:
        raise not_found(_("Resource"), "resourceId")
    async with transaction(actor) as work:
        with Checks() as checks:
            title = checks.text(title, "title")
            if not resource.active:
                checks.fail(
                    Code.INVALID_STATE,
                    _("{name} takes no bookings", name=resource.name),
                    "resourceId",
                )
            slots.check_times(checks, resource, starts_at, ends_at, work.now)
        event = await _event(scope, actor, event_id)
        async with slots.holding(scope, resource, starts_at, ends_at):
            booking = await scope.create(
                Booking,
                resource_id=resource.id,
                booker_id=actor.user_id,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                status=_status(actor, resource),
                event_id=event.id if event else None,
            )
        if event is not None and not event.location:
            event.location = resource.name
            await event.save(update_fields=["location", "updated_at"])
        await usage.count(work, actor.tenant_id, usage.Meter.BOOKINGS)
        _emit(work, booking, "booked", {"resource": resource.name, "title": title})
    return booking


async def _editable(scope: TenantScope, actor: Actor, id: uuid.UUID | str) -> Booking:
    """The booking locked, if the actor booked it or keeps resources."""
    booking = (
        await scope.query(Booking).filter(id=id).select_for_update().first()
        if isinstance(id, uuid.UUID)
        else None
    )
    if booking is None:
        raise not_found(_("Booking"), "id")
    if booking.booker_id != actor.user_id and not actor.has(Permission.BOOKINGS_MANAGE):
        raise not_found(_("Booking"), "id")
    if booking.status not in ACTIVE_BOOKINGS:
        raise ServiceError.of(
            Code.INVALID_STATE, _("The booking is {status}", status=booking.status.value), "id"
        )
    return booking


async def change_booking(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    title: str = KEEP,
    starts_at: datetime = KEEP,
    ends_at: datetime = KEEP,
    expected_version: int | None = None,
) -> Booking:
    """Move or rename a booking; a move of one that needs approval waits for it again."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        booking = await _editable(scope, actor, id)
        check_version(booking.version, expected_version)
        resource = await locked(scope, booking.resource_id, "id")
        start = booking.starts_at if starts_at is KEEP else starts_at
        end = booking.ends_at if ends_at is KEEP else ends_at
        with Checks() as checks:
            if title is not KEEP:
                title = checks.text(title, "title")
            slots.check_times(checks, resource, start, end, work.now)
        moved = (start, end) != (booking.starts_at, booking.ends_at)
        changes = apply_changes(booking, title=title, starts_at=start, ends_at=end)
        if moved:
            booking.status = _status(actor, resource)
        booking.version += 1
        async with slots.holding(scope, resource, start, end, other_than=booking.id):
            await booking.save()
        _emit(work, booking, "changed", {k: str(v) for k, v in changes.items()})
    return booking


async def cancel_booking(
    actor: Actor | None, *, id: uuid.UUID | str, reason: str | None = None
) -> Booking:
    """Cancel a booking (its booker, or a keeper); the slot is free again."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        booking = await _editable(scope, actor, id)
        with Checks() as checks:
            note = checks.optional_text(reason, "reason", max_length=500) or ""
        booking.status, booking.decision_note = BookingStatus.CANCELLED, note
        booking.version += 1
        await booking.save(update_fields=["status", "decision_note", "version", "updated_at"])
        _emit(work, booking, "cancelled", {"reason": note})
    return booking


async def decide_booking(
    actor: Actor | None, *, id: uuid.UUID | str, approve: bool, note: str | None = None
) -> Booking:
    """A keeper approves or rejects a pending booking; a rejected one frees its slot."""
    actor = require(actor, Permission.BOOKINGS_MANAGE)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        booking = await _editable(scope, actor, id)
        if booking.status is not BookingStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE, _("The booking is not waiting for approval"), "id"
            )
        with Checks() as checks:
            text = checks.optional_text(note, "note", max_length=500) or ""
        booking.status = BookingStatus.CONFIRMED if approve else BookingStatus.REJECTED
        booking.decided_by_id, booking.decision_note = actor.user_id, text
        booking.version += 1
        await booking.save()
        _emit(work, booking, "approved" if approve else "rejected", {"note": text})
        resource = await scope.query(Resource).get(id=booking.resource_id)
        await notify(
            work,
            actor.tenant_id,
            [booking.booker_id],
            NotificationKind.BOOKING_DECIDED,
            _decision_text(booking, resource, approve, text),
            global_id("Booking", booking.id),
        )
    return booking


def _decision_text(booking: Booking, resource: Resource, approve: bool, note: str) -> str:
    local = ZoneInfo(resource.timezone)
    when = (
        f"{booking.starts_at.astimezone(local):%m月%d日 %H:%M}–"
        f"{booking.ends_at.astimezone(local):%H:%M}"
    )
    outcome = "已通过" if approve else "未通过" + (f"，理由：{note}" if note else "")
    return f"您预约的「{resource.name}」（{booking.title}，{when}）{outcome}"
