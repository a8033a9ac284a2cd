"""Calendar events (日程): create, change, cancel; meeting invitations and the invitees'
answers. Every change is audited and emits `calendar.*` events naming the people concerned
(`userIds`), which is what notifications deliver."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from i18n import _
from models.access import Actor
from models.calendar import CalendarAttendee, CalendarEvent, EventStatus, Response
from models.directory import User, UserStatus
from models.scope import TenantScope
from services.calendar import recurrence, reminders
from services.calendar.access import calendar_of, editable_event
from services.errors import Code, ServiceError, check_version, not_found, signed_in
from services.inputs import KEEP, Checks, apply_changes
from services.notifications import NotificationKind, notify
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id, global_ids

DEFAULT_TIMEZONE = "Asia/Shanghai"
MAX_ATTENDEES = 200
MAX_LENGTH = timedelta(days=31)
MAX_REMIND_MINUTES = 7 * 24 * 60
ANSWERS = {Response.ACCEPTED: "接受了", Response.DECLINED: "谢绝了", Response.TENTATIVE: "暂定参加"}
"""How an answer reads in the organiser's notification."""


def local_time(event: CalendarEvent, moment: datetime) -> str:
    """A start as the notification texts show it, in the event's time zone."""
    return f"{moment.astimezone(ZoneInfo(event.timezone)):%m月%d日 %H:%M}"


def _check_times(
    checks: Checks,
    starts_at: datetime,
    ends_at: datetime,
    rule: str | None,
    timezone: str,
    remind_minutes: int | None,
) -> datetime | None:
    """Checks the times and rule; returns when the series ends (its last occurrence)."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        checks.fail(
            Code.INVALID, _("Unknown time zone {timezone}", timezone=repr(timezone)), "timezone"
        )
        return None
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        checks.fail(Code.INVALID, _("Give times with their UTC offset"), "startsAt")
        return None
    if ends_at <= starts_at:
        checks.fail(Code.INVALID, _("An event ends after it starts"), "endsAt")
    elif ends_at - starts_at > MAX_LENGTH:
        checks.fail(Code.INVALID, _("An event lasts at most 31 days"), "endsAt")
    if remind_minutes is not None and not 0 <= remind_minutes <= MAX_REMIND_MINUTES:
        checks.fail(Code.INVALID, _("Remind 0 to 10080 minutes (a week) before"), "remindMinutes")
    if rule is None:
        return ends_at
    try:
        return recurrence.last_end(starts_at, ends_at, rule, timezone)
    except (ValueError, TypeError) as error:
        checks.fail(Code.INVALID, _("Not a valid RRULE: {error}", error=error), "rrule")
        return None


async def _invitees(
    scope: TenantScope, checks: Checks, ids: Sequence[uuid.UUID | str], owner_id: uuid.UUID
) -> list[uuid.UUID]:
    """Active users of the tenant, the owner left out (she is the organiser)."""
    if len(ids) > MAX_ATTENDEES:
        checks.fail(
            Code.INVALID,
            _("Invite at most {MAX_ATTENDEES} people", MAX_ATTENDEES=MAX_ATTENDEES),
            "attendeeIds",
        )
        return []
    keys = [i for i in ids if isinstance(i, uuid.UUID)]
    found = set(
        await scope.query(User)
        .filter(id__in=keys, status=UserStatus.ACTIVE)
        .values_list("id", flat=True)
    )
    for i, key in enumerate(ids):
        if key not in found:
            checks.fail(Code.NOT_FOUND, _("User not found"), "attendeeIds", str(i))
    return [k for k in dict.fromkeys(keys) if k != owner_id]


async def _set_attendees(
    scope: TenantScope, work: Work, event: CalendarEvent, wanted: list[uuid.UUID]
) -> list[uuid.UUID]:
    """Invite the new ones, uninvite the dropped; returns the newly invited."""
    rows = await scope.query(CalendarAttendee).filter(event_id=event.id)
    have = {r.user_id for r in rows}
    dropped = [r.id for r in rows if r.user_id not in wanted]
    if dropped:
        await scope.query(CalendarAttendee).filter(id__in=dropped).delete()
    fresh = [u for u in wanted if u not in have]
    await scope.bulk_create(
        CalendarAttendee, [CalendarAttendee(event_id=event.id, user_id=u) for u in fresh]
    )
    if fresh:
        work.emit(
            event.tenant_id,
            Topic.CALENDAR_INVITED,
            {
                "eventId": global_id("CalendarEvent", event.id),
                "title": event.title,
                "startsAt": event.starts_at.isoformat(),
                "organiserId": global_id("User", event.owner_id),
                "userIds": global_ids("User", fresh),
            },
        )
        await notify(
            work,
            event.tenant_id,
            fresh,
            NotificationKind.MEETING_INVITED,
            f"邀请您参加会议「{event.title}」：{local_time(event, event.starts_at)}"
            + (f"，地点：{event.location}" if event.location else ""),
            global_id("CalendarEvent", event.id),
        )
    return fresh


async def people(
    scope: TenantScope, event: CalendarEvent, *, declined: bool = True
) -> list[uuid.UUID]:
    """The owner and the invitees (those who declined only when `declined`)."""
    query = scope.query(CalendarAttendee).filter(event_id=event.id)
    if not declined:
        query = query.exclude(response=Response.DECLINED)
    return [event.owner_id, *await query.values_list("user_id", flat=True)]  # type: ignore[list-item]


async def _changed(
    scope: TenantScope, work: Work, event: CalendarEvent, action: str, data: dict[str, Any]
) -> None:
    work.audit(event.tenant_id, f"calendar.event_{action}", "CalendarEvent", event.id, data)
    work.emit(
        event.tenant_id,
        Topic.CALENDAR_EVENT_CHANGED,
        {
            "eventId": global_id("CalendarEvent", event.id),
            "action": action,
            "userIds": global_ids("User", await people(scope, event)),
        },
    )


async def create_event(
    actor: Actor | None,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    owner_id: uuid.UUID | str | None = None,
    all_day: bool = False,
    location: str | None = None,
    description: str | None = None,
    timezone: str | None = None,
    rrule: str | None = None,
    remind_minutes: int | None = None,
    attendee_ids: Sequence[uuid.UUID | str] = (),
) -> CalendarEvent:
    """An event in the actor's calendar, or in a leader's she may edit (`owner_id`)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    owner = await calendar_of(scope, actor, owner_id, edit=True)
    zone = timezone or DEFAULT_TIMEZONE
    with Checks() as checks:
        title = checks.text(title, "title")
        location = checks.optional_text(location, "location") or ""
        description = checks.optional_text(description, "description", max_length=10000) or ""
        last = _check_times(checks, starts_at, ends_at, rrule, zone, remind_minutes)
        invited = await _invitees(scope, checks, attendee_ids, owner)
    async with transaction(actor) as work:
        event = await scope.create(
            CalendarEvent,
            owner_id=owner,
            title=title,
            description=description,
            location=location,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            timezone=zone,
            rrule=rrule.strip() if rrule else None,
            last_ends_at=last,
            remind_minutes=remind_minutes,
        )
        await _set_attendees(scope, work, event, invited)
        await reminders.schedule(scope, event, work.now)
        await _changed(scope, work, event, "created", {"title": title, "owner": str(owner)})
    return event


async def _checked(
    scope: TenantScope,
    event: CalendarEvent,
    sent: dict[str, Any],
    attendee_ids: Sequence[uuid.UUID | str],
) -> tuple[dict[str, Any], datetime | None, list[uuid.UUID] | None]:
    """The event's values after the change sent (KEEP for what stays), when the series then
    ends, and the invitees if they were sent; every problem at once."""
    new = {k: getattr(event, k) if v is KEEP else v for k, v in sent.items()}
    with Checks() as checks:
        if sent["title"] is not KEEP:
            new["title"] = checks.text(sent["title"], "title")
        if sent["location"] is not KEEP:
            new["location"] = checks.optional_text(sent["location"], "location") or ""
        if sent["description"] is not KEEP:
            text = checks.optional_text(sent["description"], "description", max_length=10000)
            new["description"] = text or ""
        last = _check_times(
            checks,
            new["starts_at"],
            new["ends_at"],
            new["rrule"] or None,
            new["timezone"],
            new["remind_minutes"],
        )
        invited = (
            None
            if attendee_ids is KEEP
            else await _invitees(scope, checks, attendee_ids, event.owner_id)
        )
    new["rrule"] = new["rrule"] or None
    return new, last, invited


async def update_event(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    title: str = KEEP,
    starts_at: datetime = KEEP,
    ends_at: datetime = KEEP,
    all_day: bool = KEEP,
    location: str | None = KEEP,
    description: str | None = KEEP,
    timezone: str = KEEP,
    rrule: str | None = KEEP,
    remind_minutes: int | None = KEEP,
    attendee_ids: Sequence[uuid.UUID | str] = KEEP,
    expected_version: int | None = None,
) -> CalendarEvent:
    """Change an event; fields not sent stay. Invitees added are invited, those dropped
    uninvited; a change of time asks everyone to answer again."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        event = await editable_event(scope, actor, id)
        check_version(event.version, expected_version)
        if event.status is EventStatus.CANCELLED:
            raise ServiceError.of(Code.INVALID_STATE, _("The event was cancelled"), "id")
        sent = {
            "title": title,
            "all_day": all_day,
            "location": location,
            "description": description,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "rrule": rrule.strip() if isinstance(rrule, str) else rrule,
            "timezone": timezone,
            "remind_minutes": remind_minutes,
        }
        values, last, invited = await _checked(scope, event, sent, attendee_ids)
        changes = apply_changes(event, **values)
        event.last_ends_at = last
        event.version += 1
        await event.save()
        if {"starts_at", "ends_at", "rrule"} & set(changes):
            await (
                scope.query(CalendarAttendee)
                .filter(event_id=event.id)
                .update(response=Response.NEEDS_ACTION, responded_at=None)
            )
        if invited is not None:
            await _set_attendees(scope, work, event, invited)
        await reminders.schedule(scope, event, work.now)
        await _changed(scope, work, event, "updated", {k: str(v) for k, v in changes.items()})
    return event


async def cancel_event(actor: Actor | None, *, id: uuid.UUID | str) -> CalendarEvent:
    """Cancel an event (its invitees are told; it stays, marked cancelled, in feeds)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        event = await editable_event(scope, actor, id)
        if event.status is EventStatus.CANCELLED:
            raise ServiceError.of(Code.INVALID_STATE, _("The event is already cancelled"), "id")
        event.status = EventStatus.CANCELLED
        event.version += 1
        await event.save(update_fields=["status", "version", "updated_at"])
        await reminders.schedule(scope, event, work.now)
        await _changed(scope, work, event, "cancelled", {"title": event.title})
    return event


async def respond(actor: Actor | None, *, id: uuid.UUID | str, response: Response) -> CalendarEvent:
    """An invitee accepts, declines or answers tentatively (NEEDS_ACTION is not an answer)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    if response is Response.NEEDS_ACTION:
        raise ServiceError.of(Code.INVALID, _("Answer ACCEPTED, DECLINED or TENTATIVE"), "response")
    async with transaction(actor) as work:
        event = await scope.get(CalendarEvent, id) if isinstance(id, uuid.UUID) else None
        row = (
            await scope.query(CalendarAttendee)
            .filter(event_id=event.id, user_id=actor.user_id)
            .select_for_update()
            .first()
            if event
            else None
        )
        if event is None or row is None:
            raise not_found(_("Invitation"), "id")
        if event.status is EventStatus.CANCELLED:
            raise ServiceError.of(Code.INVALID_STATE, _("The event was cancelled"), "id")
        row.response, row.responded_at = response, work.now
        await row.save(update_fields=["response", "responded_at", "updated_at"])
        work.audit(
            actor.tenant_id,
            "calendar.responded",
            "CalendarEvent",
            event.id,
            {"response": response.value},
        )
        work.emit(
            actor.tenant_id,
            Topic.CALENDAR_RESPONDED,
            {
                "eventId": global_id("CalendarEvent", event.id),
                "userId": global_id("User", actor.user_id),
                "response": response.value,
                "userIds": global_ids("User", [event.owner_id]),
            },
        )
        me = await scope.query(User).get(id=actor.user_id)
        await notify(
            work,
            actor.tenant_id,
            [event.owner_id],
            NotificationKind.MEETING_RESPONDED,
            f"{me.display_name}{ANSWERS[response]}会议「{event.title}」的邀请",
            global_id("CalendarEvent", event.id),
        )
    return event
