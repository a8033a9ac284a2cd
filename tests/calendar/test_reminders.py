"""Reminders are durable rows fired by the worker loop: once each however many workers race,
to the owner and the invitees who did not decline, and a series gets its next one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from models.calendar import CalendarReminder
from models.outbox import OutboxEvent
from server.settings import Settings
from services.calendar import reminders
from tests.calendar.support import office
from tests.conftest import GraphQL, gid


async def test_a_due_reminder_fires_once_and_the_series_gets_the_next(
    database: Settings, gql: GraphQL
) -> None:
    desk = await office(gql)
    start = (datetime.now(UTC) + timedelta(minutes=10)).replace(microsecond=0)
    made = await desk.mutate(
        "leader",
        "createCalendarEvent",
        {
            "title": "晨会 Stand-up",
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(minutes=15)).isoformat(),
            "rrule": "FREQ=DAILY;COUNT=3",
            "remindMinutes": 15,
            "attendeeIds": [gid("User", desk.secretary.id), gid("User", desk.colleague.id)],
        },
        "event { id }",
    )
    await desk.mutate(
        "colleague",
        "respondToInvitation",
        {"id": made["event"]["id"], "response": "DECLINED"},
        "event { id }",
    )
    scope = desk.department.scope
    (due,) = await scope.query(CalendarReminder).filter(fired_at=None)
    assert due.occurrence_at == start
    assert due.due_at == start - timedelta(minutes=15)

    now = datetime.now(UTC)
    fired = await asyncio.gather(*(reminders.fire_due(now) for _ in range(4)))
    assert sum(fired) >= 1
    events = await OutboxEvent.filter(
        tenant_id=desk.department.tenant.id, topic="calendar.reminder"
    )
    assert len(events) == 1
    assert set(events[0].payload["userIds"]) == {
        gid("User", desk.leader.id),
        gid("User", desk.secretary.id),
    }
    for who in ("leader", "secretary"):
        (reminded,) = [n for n in await desk.inbox(who) if n["kind"] == "MEETING_REMINDER"]
        local = start.astimezone(ZoneInfo("Asia/Shanghai"))
        assert reminded["text"] == f"日程提醒：「晨会 Stand-up」将于{local:%m月%d日 %H:%M}开始"
        assert reminded["link"] == made["event"]["id"]
    assert "MEETING_REMINDER" not in {n["kind"] for n in await desk.inbox("colleague")}
    (following,) = await scope.query(CalendarReminder).filter(fired_at=None)
    assert following.occurrence_at == start + timedelta(days=1)
    assert await reminders.fire_due(now) == 0

    await desk.mutate("leader", "cancelCalendarEvent", {"id": made["event"]["id"]}, "event { id }")
    assert not await scope.query(CalendarReminder).filter(fired_at=None).exists()
