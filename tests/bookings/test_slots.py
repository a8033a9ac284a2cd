"""When a resource may be booked, without a database: opening hours and weekdays at their edges
(a booking ending at midnight is on one day), the checks of a booking's times word for word,
and the CONFLICT naming the booking in the way."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from models.bookings import Booking, Resource
from services.bookings import slots
from services.errors import ServiceError
from services.inputs import Checks
from subscriptions.topics import global_id

MONDAY = datetime(2030, 1, 7, tzinfo=UTC) - timedelta(hours=8)  # 00:00 in Shanghai
HOUR = timedelta(hours=1)
ROOM = Resource(
    name="一号会议室",
    timezone="Asia/Shanghai",
    opening_hours=[["08:00", "12:00"], ["13:30", "18:00"]],
    open_weekdays=[0, 1, 2, 3, 4],
)
ANYTIME = Resource(name="车", timezone="Asia/Shanghai", opening_hours=[], open_weekdays=[])


def at(day: int, hour: float) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


@pytest.mark.parametrize(
    ("start", "end"),
    [(at(0, 8), at(0, 12)), (at(4, 13.5), at(4, 18)), (at(0, 9), at(0, 10))],
)
def test_inside_the_opening_hours(start: datetime, end: datetime) -> None:
    assert slots.opening_problem(ROOM, start, end) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(at(0, 7.99), at(0, 9)), (at(0, 11), at(0, 12.01)), (at(0, 11), at(0, 14))],
)
def test_outside_the_opening_hours(start: datetime, end: datetime) -> None:
    assert slots.opening_problem(ROOM, start, end) == (
        "一号会议室 may be booked 08:00–12:00, 13:30–18:00 only"
    )


def test_on_open_weekdays_only_and_within_one_day() -> None:
    closed = "一号会议室 is not open on that day"
    assert slots.opening_problem(ROOM, at(5, 9), at(5, 10)) == closed
    assert slots.opening_problem(ROOM, at(6, 9), at(6, 10)) == closed
    assert slots.opening_problem(ROOM, at(4, 17), at(5, 9)) == closed
    assert slots.opening_problem(ROOM, at(0, 17), at(1, 9)) == (
        "一号会议室 is booked within one day's opening hours"
    )
    weekdays = Resource(name="屏", timezone="Asia/Shanghai", opening_hours=[], open_weekdays=[4])
    assert slots.opening_problem(weekdays, at(4, 20), at(5, 0)) is None, "ends at midnight"
    assert slots.opening_problem(weekdays, at(4, 20), at(5, 0.01)) == "屏 is not open on that day"
    assert slots.opening_problem(weekdays, at(3, 23), at(4, 1)) == "屏 is not open on that day"
    assert slots.opening_problem(ANYTIME, at(5, 20), at(9, 0)) is None
    berlin = Resource(name="B", timezone="Europe/Berlin", opening_hours=[], open_weekdays=[0])
    assert slots.opening_problem(berlin, at(0, 8), at(0, 9)) is None, "Monday in Berlin too"
    assert slots.opening_problem(berlin, at(0, 1), at(0, 2)) == "B is not open on that day"


def problems(resource: Resource, start: datetime, end: datetime, now: datetime) -> list:
    checks = Checks()
    slots.check_times(checks, resource, start, end, now)
    return [(p.code.value, str(p.message), p.field) for p in checks.problems]


def test_the_times_of_a_booking() -> None:
    now = at(0, 0)
    assert problems(ANYTIME, at(0, 1), at(14, 1), now) == []
    assert problems(ANYTIME, at(0, 1), at(14, 1.01), now) == [
        ("INVALID", "A booking lasts at most 14 days", ("endsAt",))
    ]
    assert problems(ROOM, at(0, 9), at(0, 9), now) == [
        ("INVALID", "A booking ends after it starts", ("endsAt",))
    ]
    naive = datetime(2030, 1, 7, 9)
    offset = [("INVALID", "Give times with their UTC offset", ("startsAt",))]
    assert problems(ROOM, naive, at(0, 10), now) == offset
    assert problems(ROOM, at(0, 9), naive, now) == offset
    assert problems(ROOM, at(0, 9), at(0, 10), at(0, 10)) == [
        ("INVALID", "That time is over", ("startsAt",))
    ]
    assert problems(ROOM, at(0, 9), at(0, 10), at(0, 9.99)) == []
    assert problems(ROOM, at(5, 9), at(5, 10), at(6, 0)) == [
        ("INVALID", "That time is over", ("startsAt",)),
        ("INVALID", "一号会议室 is not open on that day", ("startsAt",)),
    ]


def test_a_conflict_names_the_booking_in_the_way() -> None:
    clash = Booking(id=uuid.uuid4(), title="党组会", starts_at=at(0, 9), ends_at=at(0, 10.5))
    error = slots.conflict(ROOM, clash)
    assert isinstance(error, ServiceError)
    ((code, message, field),) = [(p.code.value, str(p.message), p.field) for p in error.problems]
    assert (code, field) == ("CONFLICT", ("startsAt",))
    assert message == (
        f"一号会议室 is already booked 2030-01-07 09:00–10:30 for “党组会” "
        f"(booking {global_id('Booking', clash.id)})"
    )
