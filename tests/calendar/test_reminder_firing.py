"""Reminders at their edges through the service: due at the very moment, stale after more than
an hour (fired without telling anyone), `limit` per call, in the order they fell due; one
that fired is not scheduled again for the same occurrence; the event and notice words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.calendar import CalendarEvent, CalendarReminder, Response
from server.settings import Settings
from services.calendar import events, reminders
from tests.calendar.support import Office, office
from tests.conftest import GraphQL, gid

MINUTE = timedelta(minutes=1)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


def base() -> datetime:
    """Two days from now at an odd minute, where no other test's reminder falls due."""
    return (datetime.now(UTC) + timedelta(days=2)).replace(minute=17, second=13, microsecond=0)


async def meeting(desk: Office, start: datetime, **more: Any) -> CalendarEvent:
    values: dict[str, Any] = {"title": "晨会", "remind_minutes": 60, **more}
    return await events.create_event(
        await desk.actor("leader"), starts_at=start, ends_at=start + 15 * MINUTE, **values
    )


async def rows(desk: Office, event: CalendarEvent) -> list[tuple[Any, Any, Any]]:
    found = await desk.department.scope.query(CalendarReminder).filter(event_id=event.id)
    return sorted((r.occurrence_at, r.due_at, r.fired_at) for r in found)


async def test_reminders_fire_when_due_in_order_up_to_the_limit(desk: Office) -> None:
    at = base()
    first = await meeting(desk, at + 60 * MINUTE, location="三楼", attendee_ids=[desk.colleague.id])
    second = await meeting(desk, at + 65 * MINUTE, title="第二个")
    await reminders.fire_due(at - timedelta(seconds=1), limit=10000)  # what others left due
    assert await reminders.fire_due(at - timedelta(microseconds=1)) == 0
    assert await reminders.fire_due(at + 5 * MINUTE, limit=1) == 1
    assert await rows(desk, first) == [(at + 60 * MINUTE, at, at + 5 * MINUTE)]
    assert await rows(desk, second) == [(at + 65 * MINUTE, at + 5 * MINUTE, None)]
    assert await reminders.fire_due(at + 5 * MINUTE) == 1
    assert await rows(desk, second) == [(at + 65 * MINUTE, at + 5 * MINUTE, at + 5 * MINUTE)]

    (told, _) = [p for _, p in await desk.topics("calendar.reminder")]
    assert told == {
        "eventId": gid("CalendarEvent", first.id),
        "title": "晨会",
        "location": "三楼",
        "occurrenceAt": (at + 60 * MINUTE).isoformat(),
        "userIds": [gid("User", desk.leader.id), gid("User", desk.colleague.id)],
    }
    local = (at + 60 * MINUTE + timedelta(hours=8)).strftime("%m月%d日 %H:%M")
    (notice,) = [n for n in await desk.inbox("colleague") if n["kind"] == "MEETING_REMINDER"]
    assert notice == {
        "kind": "MEETING_REMINDER",
        "text": f"日程提醒：「晨会」将于{local}开始，地点：三楼",
        "link": gid("CalendarEvent", first.id),
    }
    assert (await desk.inbox("leader"))[0]["text"].endswith("开始")


async def test_a_reminder_more_than_an_hour_late_is_skipped(desk: Office) -> None:
    at = base()
    on_time = await meeting(desk, at + 60 * MINUTE)
    late = await meeting(desk, at + 61 * MINUTE, title="迟了")
    await reminders.fire_due(at - timedelta(seconds=1), limit=10000)
    assert await reminders.fire_due(at + 60 * MINUTE, limit=1) == 1, "an hour late: still told"
    assert await reminders.fire_due(at + 61 * MINUTE + timedelta(microseconds=1)) == 0
    assert await rows(desk, on_time) == [(at + 60 * MINUTE, at, at + 60 * MINUTE)]
    fired = at + 61 * MINUTE + timedelta(microseconds=1)
    assert await rows(desk, late) == [(at + 61 * MINUTE, at + MINUTE, fired)]
    told = [p["eventId"] for _, p in await desk.topics("calendar.reminder")]
    assert told == [gid("CalendarEvent", on_time.id)]


async def test_a_series_gets_the_next_and_a_fired_one_is_not_scheduled_again(
    desk: Office,
) -> None:
    at = base()
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    series = await meeting(
        desk, at + 60 * MINUTE, rrule="FREQ=DAILY;COUNT=2", attendee_ids=[desk.colleague.id]
    )
    single = await meeting(desk, at + 60 * MINUTE, title="单次")
    await events.respond(colleague, id=series.id, response=Response.DECLINED)
    await reminders.fire_due(at - timedelta(seconds=1), limit=10000)
    assert await reminders.fire_due(at) == 2
    day = timedelta(days=1)
    assert await rows(desk, series) == [
        (at + 60 * MINUTE, at, at),
        (at + day + 60 * MINUTE, at + day, None),
    ]
    (told, _) = [p for _, p in await desk.topics("calendar.reminder")]
    assert told["userIds"] == [gid("User", desk.leader.id)], "not to who declined"
    assert told["location"] == ""

    # A change before the meeting starts: its reminder fired already, so the next one's is kept.
    await events.update_event(leader, id=series.id, title="晨会（改）")
    assert await rows(desk, series) == [
        (at + 60 * MINUTE, at, at),
        (at + day + 60 * MINUTE, at + day, None),
    ]
    await events.update_event(leader, id=single.id, title="单次（改）")
    assert await rows(desk, single) == [(at + 60 * MINUTE, at, at)]
    assert await reminders.fire_due(at + day) == 1
    assert (await rows(desk, series))[-1] == (at + day + 60 * MINUTE, at + day, at + day)
    assert len(await rows(desk, series)) == 2, "the series has ended"


async def test_no_reminder_for_what_started_or_has_none(desk: Office) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    assert await rows(desk, await meeting(desk, past)) == []
    assert await rows(desk, await meeting(desk, base(), remind_minutes=None)) == []
    due_now = await meeting(desk, datetime.now(UTC) + 10 * MINUTE, remind_minutes=30)
    ((occurrence, due, fired),) = await rows(desk, due_now)
    assert (due, fired) == (occurrence - 30 * MINUTE, None)


async def test_a_stale_reminder_does_not_hold_up_the_ones_due_after_it(desk: Office) -> None:
    at = base()
    stale = await meeting(desk, at + 60 * MINUTE, title="迟了")
    fresh = await meeting(desk, at + 180 * MINUTE, title="准时")
    await reminders.fire_due(at - timedelta(seconds=1), limit=10000)
    now = at + 121 * MINUTE
    assert await reminders.fire_due(now) == 1
    assert await rows(desk, stale) == [(at + 60 * MINUTE, at, now)]
    assert await rows(desk, fresh) == [(at + 180 * MINUTE, at + 120 * MINUTE, now)]
    told = [p["eventId"] for _, p in await desk.topics("calendar.reminder")]
    assert told == [gid("CalendarEvent", fresh.id)]
