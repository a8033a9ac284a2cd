"""Recurring events (RFC 5545 RRULE) through `dateutil.rrule`: a rule repeats in the event's
own time zone, so a weekly 09:00 meeting stays at 09:00 local time."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule

FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
#: a series with more occurrences than this counts as endless (`last_end` is None).
FINITE_LIMIT = 5000
#: the most occurrences one range read returns per event.
MAX_PER_RANGE = 1000


def parse(rule: str, starts_at: datetime, timezone: str) -> rrule.rrule:
    """The rule anchored at the event's start; ValueError for anything but a plain RRULE value
    of a daily, weekly, monthly or yearly frequency."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = dict(p.split("=", 1) for p in text.upper().split(";") if "=" in p)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValueError("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    if "DTSTART" in text.upper() or "\n" in text:
        raise ValueError("Give one RRULE value; the event's start is its DTSTART")
    start = starts_at.astimezone(ZoneInfo(timezone))
    parsed = rrule.rrulestr(text, dtstart=start)
    if not isinstance(parsed, rrule.rrule):
        raise ValueError("Give one RRULE value")
    return parsed


def last_end(starts_at: datetime, ends_at: datetime, rule: str, timezone: str) -> datetime | None:
    """When the last occurrence ends, or None for a series without end."""
    starts = list(itertools.islice(parse(rule, starts_at, timezone), FINITE_LIMIT + 1))
    if len(starts) > FINITE_LIMIT:
        return None
    return (starts[-1] if starts else starts_at) + (ends_at - starts_at)


def between(
    starts_at: datetime,
    ends_at: datetime,
    rule: str | None,
    timezone: str,
    since: datetime,
    until: datetime,
) -> list[tuple[datetime, datetime]]:
    """The occurrences (start, end) that overlap [since, until)."""
    length = ends_at - starts_at
    if rule is None:
        return [(starts_at, ends_at)] if starts_at < until and ends_at > since else []
    found: list[tuple[datetime, datetime]] = []
    for start in parse(rule, starts_at, timezone).xafter(since - length, inc=True):
        if start >= until or len(found) >= MAX_PER_RANGE:
            break
        if start + length > since:
            found.append((start, start + length))
    return found


def next_start(
    starts_at: datetime, rule: str | None, timezone: str, after: datetime
) -> datetime | None:
    """The first occurrence starting after `after`."""
    if rule is None:
        return starts_at if starts_at > after else None
    found: datetime | None = parse(rule, starts_at, timezone).after(after, inc=False)
    return found


def shifted(moment: datetime, minutes: int) -> datetime:
    return moment - timedelta(minutes=minutes)
