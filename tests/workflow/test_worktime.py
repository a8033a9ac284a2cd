"""Working-time arithmetic (workflow/worktime.py): deadlines in working hours and days on a
calendar of public holidays, make-up workdays (调休) and working hours.

Properties, over random calendars and start instants: a deadline of N working hours lies
inside working hours on a working day, exactly N working hours after the start and at the
earliest such instant, and more hours give a strictly later deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.workflow.support import chain, task
from workflow import (
    Environment,
    Submit,
    WorkCalendar,
    act,
    add_working_days,
    add_working_hours,
    is_working_time,
    start,
    working_time_between,
)
from workflow.worktime import Hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINA = WorkCalendar(
    days={
        **{d: () for d in constants.holidays},
        **{d: WorkCalendar().hours for d in constants.workdays},
    }
)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_national_day_2025_is_skipped_and_make_up_workdays_count() -> None:
    assert CHINA.is_working_day(date(2025, 9, 28)), "a Sunday made a workday (调休)"
    assert not CHINA.is_working_day(date(2025, 10, 3))
    assert add_working_hours(CHINA, local(2025, 9, 30, 16), 4) == local(2025, 10, 9, 11)
    assert add_working_days(CHINA, local(2025, 9, 26, 10), 1) == local(2025, 9, 28, 18)
    assert add_working_days(CHINA, local(2025, 9, 29, 10), 2) == local(2025, 10, 9, 18)
    assert working_time_between(CHINA, local(2025, 9, 30, 17), local(2025, 10, 9, 10)) == (
        timedelta(hours=2)
    )


def test_a_period_used_up_exactly_ends_at_its_end() -> None:
    calendar = WorkCalendar()
    assert add_working_hours(calendar, local(2025, 3, 3, 9), 3) == local(2025, 3, 3, 12)
    assert add_working_hours(calendar, local(2025, 3, 3, 12, 30), 1) == local(2025, 3, 3, 14)
    assert add_working_hours(calendar, local(2025, 3, 7, 17), 2) == local(2025, 3, 10, 10)
    assert is_working_time(calendar, local(2025, 3, 3, 12))
    assert not is_working_time(calendar, local(2025, 3, 3, 12, 30))


def test_a_calendar_without_working_days_is_an_error_not_a_hang() -> None:
    never = WorkCalendar(weekend=frozenset(range(7)))
    with pytest.raises(ValueError, match="no working time"):
        add_working_hours(never, local(2025, 3, 3, 9), 1)


def test_a_working_hours_deadline_and_its_reminder_follow_the_calendar() -> None:
    defn = chain(
        task("draft"),
        task("review", "r1", deadline={"workingHours": 4, "remindBeforeHours": 1}),
    )
    env = Environment(calendar=CHINA)
    now = local(2025, 9, 30, 16)
    inst = start(defn, {}, {}, "ini", now=now, env=env).instance
    step = act(defn, inst, Submit("ini"), now=now, env=env)
    review = next(t for t in step.created_tasks if t.node_id == "review")
    assert review.due_at == local(2025, 10, 9, 11)
    assert review.remind_at == local(2025, 10, 9, 10)
    assert {(t.kind, t.at) for t in step.timers} == {
        ("deadline", review.due_at),
        ("remind", review.remind_at),
    }


# ---------------------------------------------------------------------------- properties

DAY = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def day_hours(draw: st.DrawFn) -> Hours:
    """One to three ordered, non-overlapping periods on the quarter hour."""
    marks = sorted(draw(st.sets(st.integers(0, 95), min_size=2, max_size=6)))
    if len(marks) % 2:
        marks = marks[:-1]
    quarter = [time(m // 4, (m % 4) * 15) for m in marks]
    return tuple(zip(quarter[::2], quarter[1::2], strict=True))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    hours = draw(day_hours())
    weekend = frozenset(draw(st.sets(st.integers(0, 6), max_size=3)))
    overrides = draw(
        st.dictionaries(DAY, st.one_of(st.just(()), day_hours(), st.just(hours)), max_size=40)
    )
    zone = draw(st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "UTC"]))
    return WorkCalendar(timezone=zone, hours=hours, weekend=weekend, days=overrides)


instants = st.datetimes(
    min_value=datetime(2024, 6, 1), max_value=datetime(2026, 6, 1), timezones=st.just(UTC)
)
amounts = st.integers(1, 4 * 160).map(lambda q: q / 4)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start_at=instants, hours=amounts)
def test_a_deadline_of_n_working_hours_is_inside_working_time_and_exact(
    calendar: WorkCalendar, start_at: datetime, hours: float
) -> None:
    due = add_working_hours(calendar, start_at, hours)
    assert due > start_at
    assert is_working_time(calendar, due), "never on a holiday or outside working hours"
    assert calendar.is_working_day(calendar.local_day(due))
    assert working_time_between(calendar, start_at, due) == timedelta(hours=hours)
    earlier = due - timedelta(microseconds=1)
    assert working_time_between(calendar, start_at, earlier) < timedelta(hours=hours)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start_at=instants, hours=amounts, more=amounts)
def test_adding_hours_is_monotonic(
    calendar: WorkCalendar, start_at: datetime, hours: float, more: float
) -> None:
    sooner = add_working_hours(calendar, start_at, hours)
    later = add_working_hours(calendar, start_at, hours + more)
    assert sooner < later
    assert add_working_hours(calendar, sooner, more) == later


@settings(max_examples=100, deadline=None)
@given(calendar=calendars(), start_at=instants, days=st.integers(1, 30))
def test_a_deadline_in_working_days_ends_a_working_day(
    calendar: WorkCalendar, start_at: datetime, days: int
) -> None:
    due = add_working_days(calendar, start_at, days)
    day = calendar.local_day(due)
    assert calendar.is_working_day(day)
    assert is_working_time(calendar, due)
    assert due == max(end for _, end in calendar.periods(day))
    between = [
        calendar.local_day(start_at) + timedelta(days=i)
        for i in range(1, (day - calendar.local_day(start_at)).days + 1)
    ]
    assert sum(calendar.is_working_day(d) for d in between) == days
