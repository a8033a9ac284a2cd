"""Working time (工作时间): a calendar of working days and hours, and deadline arithmetic on it.

A :class:`WorkCalendar` says which local days are working days (Monday to Friday unless a day
says otherwise: public holidays have no working hours, make-up workdays (调休) on a weekend have
the usual ones) and the working hours of such a day, in one time zone. The services layer builds
it from the platform's data and the tenant's overrides; here it is plain data, so the
arithmetic is pure and testable.

Working periods are closed intervals: a deadline that uses up a period exactly falls on its end
(12:00, not 13:00 after lunch), so the deadline of N working hours is the earliest instant at
which N hours of working time have passed, always inside working hours on a working day, and
strictly later for more hours.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_SEARCH_DAYS",
    "STANDARD_HOURS",
    "Hours",
    "WorkCalendar",
    "add_working_days",
    "add_working_hours",
    "is_working_time",
    "working_time_between",
]

Hours = tuple[tuple[time, time], ...]
"""Working periods of one day, (start, end) in local time, in order and not overlapping."""

STANDARD_HOURS: Hours = ((time(9), time(12)), (time(13), time(18)))

#: how far ahead the arithmetic looks for working time before giving up (a calendar with no
#: working day at all would otherwise never end).
MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked, and when. ``days`` overrides single dates: an empty tuple is a day
    off (a public holiday), otherwise the hours of that day (a make-up workday, a half day)."""

    timezone: str = "Asia/Shanghai"
    hours: Hours = STANDARD_HOURS
    weekend: frozenset[int] = frozenset({5, 6})
    days: Mapping[date, Hours] = field(default_factory=dict)

    def hours_on(self, day: date) -> Hours:
        if day in self.days:
            return self.days[day]
        return () if day.weekday() in self.weekend else self.hours

    def is_working_day(self, day: date) -> bool:
        return any(True for _ in self.periods(day))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo keeps one instance per key

    def periods(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working periods of a local day, as UTC instants (a period that a daylight
        saving change swallows is skipped)."""
        zone = self.zone
        for start, end in self.hours_on(day):
            begin = datetime.combine(day, start, zone).astimezone(UTC)
            finish = datetime.combine(day, end, zone).astimezone(UTC)
            if finish > begin:
                yield begin, finish

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()


def _days_from(calendar: WorkCalendar, at: datetime) -> Iterator[date]:
    day = calendar.local_day(at)
    for _ in range(MAX_SEARCH_DAYS):
        yield day
        day += timedelta(days=1)
    raise ValueError(f"the calendar has no working time within {MAX_SEARCH_DAYS} days")


def add_working_hours(calendar: WorkCalendar, start: datetime, hours: float) -> datetime:
    """The earliest instant by which ``hours`` (> 0) of working time have passed since
    ``start``."""
    if not hours > 0:
        raise ValueError("hours must be > 0")
    remaining = timedelta(hours=hours)
    start = start.astimezone(UTC)
    for day in _days_from(calendar, start):
        for begin, end in calendar.periods(day):
            if end <= start:
                continue
            begin = max(begin, start)
            if end - begin >= remaining:
                return begin + remaining
            remaining -= end - begin
    raise AssertionError("unreachable")  # pragma: no cover


def add_working_days(calendar: WorkCalendar, start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after the local day of ``start`` (the day a task
    arrives does not count, as in "within 15 working days")."""
    if days < 1:
        raise ValueError("days must be >= 1")
    counted = 0
    first = calendar.local_day(start)
    for day in _days_from(calendar, start):
        if day <= first or not calendar.is_working_day(day):
            continue
        counted += 1
        if counted == days:
            return max(end for _, end in calendar.periods(day))
    raise AssertionError("unreachable")  # pragma: no cover


def working_time_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """How much working time lies between two instants."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta()
    if end <= start:
        return total
    for day in _days_from(calendar, start):
        for begin, finish in calendar.periods(day):
            if begin >= end:
                return total
            overlap = min(finish, end) - max(begin, start)
            if overlap > timedelta():
                total += overlap
    raise AssertionError("unreachable")  # pragma: no cover


def is_working_time(calendar: WorkCalendar, at: datetime) -> bool:
    """Whether ``at`` lies within a working period (ends included)."""
    at = at.astimezone(UTC)
    day = calendar.local_day(at)
    return any(
        begin <= at <= end
        for d in (day - timedelta(days=1), day, day + timedelta(days=1))
        for begin, end in calendar.periods(d)
    )
