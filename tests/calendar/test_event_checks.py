"""An event's input through the service, at the edges of every check: the refusals word for
word and field by field, and what is stored when the input is just inside them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from models.calendar import CalendarAttendee, CalendarEvent
from models.directory import User, UserStatus
from server.settings import Settings
from services.calendar import events
from tests.calendar.support import Office, monday, office, refused
from tests.conftest import GraphQL

START = monday()
HOUR = timedelta(hours=1)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def create(desk: Office, who: str = "leader", **changes: Any) -> CalendarEvent:
    values: dict[str, Any] = {"title": "会议", "starts_at": START, "ends_at": START + HOUR}
    return await events.create_event(await desk.actor(who), **{**values, **changes})


async def refusal(desk: Office, **changes: Any) -> list[tuple[str, str, Any]]:
    return await refused(create(desk, **changes))


async def test_what_a_new_event_stores(desk: Office) -> None:
    event = await create(
        desk,
        title=" 党组会 ",
        location=" 一号会议室 ",
        description=" 议程 ",
        rrule=" FREQ=WEEKLY;COUNT=4 ",
        remind_minutes=0,
        all_day=True,
    )
    row = await desk.department.scope.query(CalendarEvent).get(id=event.id)
    assert (row.title, row.location, row.description, row.rrule) == (
        "党组会",
        "一号会议室",
        "议程",
        "FREQ=WEEKLY;COUNT=4",
    )
    assert (row.owner_id, row.timezone, row.all_day, row.remind_minutes, row.version) == (
        desk.leader.id,
        "Asia/Shanghai",
        True,
        0,
        1,
    )
    assert (row.starts_at, row.ends_at) == (START, START + HOUR)
    assert row.last_ends_at == START + timedelta(weeks=3) + HOUR
    plain = await create(desk, timezone="Europe/Berlin", location=" ", description=None)
    row = await desk.department.scope.query(CalendarEvent).get(id=plain.id)
    assert (row.location, row.description, row.rrule, row.timezone, row.all_day) == (
        "",
        "",
        None,
        "Europe/Berlin",
        False,
    )
    assert (row.last_ends_at, row.remind_minutes) == (START + HOUR, None)
    endless = await create(desk, rrule="FREQ=DAILY")
    assert endless.last_ends_at is None


async def test_times_at_the_edges(desk: Office) -> None:
    month = START + timedelta(days=31)
    assert (await create(desk, ends_at=month)).ends_at == month
    assert await refusal(desk, ends_at=month + timedelta(seconds=1)) == [
        ("INVALID", "An event lasts at most 31 days", ("endsAt",))
    ]
    assert await refusal(desk, ends_at=START) == [
        ("INVALID", "An event ends after it starts", ("endsAt",))
    ]
    naive = datetime(2030, 1, 7, 9)
    offset = ("INVALID", "Give times with their UTC offset", ("startsAt",))
    assert await refusal(desk, starts_at=naive, rrule="FREQ=SECONDLY") == [offset]
    assert await refusal(desk, ends_at=naive) == [offset]
    assert await refusal(desk, timezone="Mars/Olympus", ends_at=START) == [
        ("INVALID", "Unknown time zone 'Mars/Olympus'", ("timezone",))
    ]
    assert await refusal(desk, timezone="../etc") == [
        ("INVALID", "Unknown time zone '../etc'", ("timezone",))
    ]


async def test_a_reminder_is_zero_to_a_week_before(desk: Office) -> None:
    assert (await create(desk, remind_minutes=10080)).remind_minutes == 10080
    wrong = ("INVALID", "Remind 0 to 10080 minutes (a week) before", ("remindMinutes",))
    assert await refusal(desk, remind_minutes=10081) == [wrong]
    assert await refusal(desk, remind_minutes=-1) == [wrong]


async def test_a_rule_is_checked_with_the_times(desk: Office) -> None:
    assert await refusal(desk, rrule="FREQ=SECONDLY", ends_at=START) == [
        ("INVALID", "An event ends after it starts", ("endsAt",)),
        (
            "INVALID",
            "Not a valid RRULE: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY",
            ("rrule",),
        ),
    ]
    assert await refusal(desk, rrule="FREQ=DAILY;COUNT=x") == [
        ("INVALID", "Not a valid RRULE: invalid 'COUNT': X", ("rrule",))
    ]


async def test_the_texts_are_bounded(desk: Office) -> None:
    assert (await create(desk, title="t" * 200, location="l" * 200)).title == "t" * 200
    assert (await create(desk, description="d" * 10000)).description == "d" * 10000
    assert await refusal(desk, title="t" * 201, location="l" * 201, description="d" * 10001) == [
        ("TOO_LONG", "title is longer than 200 characters", ("title",)),
        ("TOO_LONG", "location is longer than 200 characters", ("location",)),
        ("TOO_LONG", "description is longer than 10000 characters", ("description",)),
    ]


async def test_the_invitees_are_active_users_the_organiser_left_out(desk: Office) -> None:
    scope = desk.department.scope
    await User.filter(id=desk.colleague.id).update(status=UserStatus.DISABLED)
    assert await refusal(
        desk,
        attendee_ids=[desk.secretary.id, str(desk.secretary.id), uuid.uuid4(), desk.colleague.id],
    ) == [
        ("NOT_FOUND", "User not found", ("attendeeIds", "1")),
        ("NOT_FOUND", "User not found", ("attendeeIds", "2")),
        ("NOT_FOUND", "User not found", ("attendeeIds", "3")),
    ]
    many = [desk.secretary.id] * 199 + [desk.leader.id]
    event = await create(desk, attendee_ids=many)
    rows = await scope.query(CalendarAttendee).filter(event_id=event.id)
    assert [r.user_id for r in rows] == [desk.secretary.id]
    assert await refusal(desk, attendee_ids=[*many, desk.secretary.id]) == [
        ("INVALID", "Invite at most 200 people", ("attendeeIds",))
    ]
    assert await scope.query(CalendarEvent).count() == 1


async def test_an_update_is_checked_with_the_values_it_keeps(desk: Office) -> None:
    leader = await desk.actor("leader")
    event = await create(desk, rrule="FREQ=DAILY;COUNT=2", location="A")
    assert await refused(events.update_event(leader, id=event.id, ends_at=START)) == [
        ("INVALID", "An event ends after it starts", ("endsAt",))
    ]
    assert await refused(
        events.update_event(
            leader, id=event.id, title=" ", location="l" * 201, description="d" * 10001
        )
    ) == [
        ("REQUIRED", "title must not be empty", ("title",)),
        ("TOO_LONG", "location is longer than 200 characters", ("location",)),
        ("TOO_LONG", "description is longer than 10000 characters", ("description",)),
    ]
    assert await refused(
        events.update_event(leader, id=event.id, attendee_ids=[uuid.uuid4()], timezone="X/Y")
    ) == [
        ("INVALID", "Unknown time zone 'X/Y'", ("timezone",)),
        ("NOT_FOUND", "User not found", ("attendeeIds", "0")),
    ]
    moved = await events.update_event(
        leader, id=event.id, starts_at=START + HOUR, ends_at=START + 2 * HOUR
    )
    row = await desk.department.scope.query(CalendarEvent).get(id=event.id)
    assert (row.starts_at, row.ends_at, row.last_ends_at, row.rrule, row.location) == (
        START + HOUR,
        START + 2 * HOUR,
        START + timedelta(days=1, hours=2),
        "FREQ=DAILY;COUNT=2",
        "A",
    )
    assert moved.version == 2
    single = await events.update_event(
        leader, id=event.id, rrule=" ", location=None, description=" 说明 "
    )
    row = await desk.department.scope.query(CalendarEvent).get(id=event.id)
    assert (row.rrule, row.last_ends_at, row.location, row.description) == (
        None,
        START + 2 * HOUR,
        "",
        "说明",
    )
    assert single.version == row.version == 3
    weekly = await events.update_event(leader, id=event.id, rrule="RRULE:FREQ=WEEKLY;COUNT=3")
    assert weekly.last_ends_at == START + timedelta(weeks=2, hours=2)
    assert weekly.rrule == "RRULE:FREQ=WEEKLY;COUNT=3"


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": START + 2 * HOUR},
        {"starts_at": START - HOUR},
        {"rrule": "FREQ=DAILY;COUNT=2"},
    ],
)
async def test_any_change_of_time_asks_the_invitees_again(
    desk: Office, change: dict[str, Any]
) -> None:
    event = await create(desk, attendee_ids=[desk.colleague.id])
    colleague = await desk.actor("colleague")
    await events.respond(colleague, id=event.id, response=events.Response.ACCEPTED)
    await events.update_event(await desk.actor("leader"), id=event.id, **change)
    row = await desk.department.scope.query(CalendarAttendee).get(event_id=event.id)
    assert (row.response, row.responded_at) == (events.Response.NEEDS_ACTION, None)
