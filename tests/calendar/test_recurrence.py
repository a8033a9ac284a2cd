"""Recurring events' arithmetic, without a database: which rules are taken, where a series ends,
which occurrences overlap a range (at its edges), the next start, and a rule kept at its local
time across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.calendar import recurrence

START = datetime(2030, 1, 7, 1, tzinfo=UTC)  # a Monday, 09:00 in Shanghai
HOUR = timedelta(hours=1)
SHANGHAI = "Asia/Shanghai"


def days(n: int) -> timedelta:
    return timedelta(days=n)


@pytest.mark.parametrize("frequency", ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
def test_the_four_frequencies_are_taken(frequency: str) -> None:
    rule = recurrence.parse(f"freq={frequency.lower()};count=2", START, SHANGHAI)
    assert next(iter(rule)) == START


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ("FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("COUNT=2", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        (
            "FREQ=DAILY;DTSTART=20300101T000000Z",
            "Give one RRULE value; the event's start is its DTSTART",
        ),
        (
            "FREQ=DAILY;COUNT=2\nRDATE:20300101",
            "Give one RRULE value; the event's start is its DTSTART",
        ),
    ],
)
def test_other_rules_are_refused(rule: str, error: str) -> None:
    with pytest.raises(ValueError, match=r".") as refused:
        recurrence.parse(rule, START, SHANGHAI)
    assert str(refused.value) == error


def test_a_rule_may_carry_its_name_and_repeats_at_local_time() -> None:
    rule = recurrence.parse(" rrule:FREQ=DAILY;COUNT=2 ", START, SHANGHAI)
    assert list(rule) == [START, START + days(1)]
    # 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer (from 31 March 2030).
    berlin = datetime(2030, 3, 25, 8, tzinfo=UTC)
    weekly = recurrence.parse("FREQ=WEEKLY;COUNT=2", berlin, "Europe/Berlin")
    assert [s.astimezone(UTC) for s in weekly] == [berlin, berlin + days(7) - HOUR]


def test_where_a_series_ends() -> None:
    assert recurrence.last_end(START, START + HOUR, "FREQ=WEEKLY;COUNT=3", SHANGHAI) == (
        START + days(14) + HOUR
    )
    assert recurrence.last_end(START, START + HOUR, "FREQ=DAILY;COUNT=5000", SHANGHAI) == (
        START + days(4999) + HOUR
    )
    assert recurrence.last_end(START, START + HOUR, "FREQ=DAILY;COUNT=5001", SHANGHAI) is None
    assert recurrence.last_end(START, START + HOUR, "FREQ=DAILY", SHANGHAI) is None
    before = "FREQ=DAILY;UNTIL=20290101T000000Z"
    assert recurrence.last_end(START, START + 2 * HOUR, before, SHANGHAI) == START + 2 * HOUR


def test_a_single_event_overlaps_a_range_it_shares_time_with() -> None:
    def between(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        return recurrence.between(START, START + HOUR, None, SHANGHAI, since, until)

    assert between(START - HOUR, START) == []
    assert between(START + HOUR, START + 2 * HOUR) == []
    minute = timedelta(minutes=1)
    assert between(START - HOUR, START + minute) == [(START, START + HOUR)]
    assert between(START + HOUR - minute, START + 2 * HOUR) == [(START, START + HOUR)]


def test_a_series_gives_the_occurrences_overlapping_a_range() -> None:
    def between(since: datetime, until: datetime, rule: str = "FREQ=DAILY;COUNT=5") -> list:
        return recurrence.between(START, START + HOUR, rule, SHANGHAI, since, until)

    assert between(START + days(1), START + days(3)) == [
        (START + days(1), START + days(1) + HOUR),
        (START + days(2), START + days(2) + HOUR),
    ]
    minute = timedelta(minutes=1)
    assert between(START + HOUR, START + days(1) + minute) == [
        (START + days(1), START + days(1) + HOUR)
    ]
    assert between(START + HOUR - minute, START + days(1)) == [(START, START + HOUR)]
    assert between(START + days(5), START + days(9)) == []
    endless = between(START, START + days(1500), "FREQ=DAILY")
    assert len(endless) == 1000
    assert endless[-1] == (START + days(999), START + days(999) + HOUR)


def test_the_next_start_after_a_moment() -> None:
    assert recurrence.next_start(START, None, SHANGHAI, START - HOUR) == START
    assert recurrence.next_start(START, None, SHANGHAI, START) is None
    assert recurrence.next_start(START, "FREQ=DAILY;COUNT=3", SHANGHAI, START) == START + days(1)
    assert recurrence.next_start(START, "FREQ=DAILY;COUNT=3", SHANGHAI, START - HOUR) == START
    assert recurrence.next_start(START, "FREQ=DAILY;COUNT=3", SHANGHAI, START + days(2)) is None
    assert recurrence.shifted(START, 90) == START - timedelta(minutes=90)
