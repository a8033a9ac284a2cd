"""Event reminders as durable rows: each active event with `remind_minutes` has one row for its
next occurrence. Every server process runs `fire_due`; a reminder is claimed with FOR UPDATE
SKIP LOCKED, so it fires once however many processes run. Firing emits `calendar.reminder` to
the owner and the invitees who did not decline, and schedules the next occurrence's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.calendar import (
    CalendarAttendee,
    CalendarEvent,
    CalendarReminder,
    EventStatus,
    Response,
)
from models.scope import TenantScope, across_tenants
from services.calendar import recurrence
from services.uow import transaction
from subscriptions.topics import Topic, global_id, global_ids

#: a reminder that was due longer ago than this when it fires (the server was down) is skipped.
STALE_AFTER = timedelta(hours=1)


async def schedule(
    scope: TenantScope, event: CalendarEvent, now: datetime
) -> CalendarReminder | None:
    """Replace the event's unfired reminder with one for its next occurrence not started yet
    (due at once when its lead time has begun already)."""
    await scope.query(CalendarReminder).filter(event_id=event.id, fired_at=None).delete()
    if event.status is EventStatus.CANCELLED or event.remind_minutes is None:
        return None
    lead = timedelta(minutes=event.remind_minutes)
    start = recurrence.next_start(event.starts_at, event.rrule, event.timezone, now)
    if start is None:
        return None
    fired = (
        await scope.query(CalendarReminder).filter(event_id=event.id, occurrence_at=start).exists()
    )
    if fired:
        start = recurrence.next_start(event.starts_at, event.rrule, event.timezone, start)
        if start is None:
            return None
    return await scope.create(
        CalendarReminder, event_id=event.id, occurrence_at=start, due_at=start - lead
    )


async def fire_due(now: datetime | None = None, limit: int = 100) -> int:
    """Fire up to `limit` due reminders, each in its own transaction; returns how many
    reminded someone."""
    now = now or datetime.now(UTC)
    fired = 0
    for _ in range(limit):
        async with transaction(None) as work:
            reminder = await (
                across_tenants(CalendarReminder)
                .filter(due_at__lte=now, fired_at=None)
                .order_by("due_at")
                .select_for_update(skip_locked=True)
                .first()
            )
            if reminder is None:
                break
            reminder.fired_at = now
            await reminder.save(update_fields=["fired_at", "updated_at"])
            scope = TenantScope(reminder.tenant_id)
            event = await scope.query(CalendarEvent).get(id=reminder.event_id)
            await schedule(scope, event, now)
            if now - reminder.due_at > STALE_AFTER:
                continue
            users: list[Any] = [event.owner_id]
            users += await (
                scope.query(CalendarAttendee)
                .filter(event_id=event.id)
                .exclude(response=Response.DECLINED)
                .values_list("user_id", flat=True)
            )
            work.emit(
                reminder.tenant_id,
                Topic.CALENDAR_REMINDER,
                {
                    "eventId": global_id("CalendarEvent", event.id),
                    "title": event.title,
                    "location": event.location,
                    "occurrenceAt": reminder.occurrence_at.isoformat(),
                    "userIds": global_ids("User", users),
                },
            )
            fired += 1
    return fired
