"""Reads of the working-day calendar (工作日历): the viewer's tenant's, day by day, saying which
level decided each day (the weekly rule, the platform, the tenant's own override)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import workflow
from i18n import _
from resolvers.context import Context
from services import workdays

#: the most days one read returns.
MAX_RANGE = 400


class SetBy(StrEnum):
    WEEK = "week"
    PLATFORM = "platform"
    TENANT = "tenant"


@dataclass(frozen=True)
class Day:
    day: date
    hours: workflow.Hours
    name: str
    set_by: SetBy


@dataclass(frozen=True)
class CalendarView:
    calendar: workflow.WorkCalendar
    days: list[Day]


async def calendar(ctx: Context, first: date, last: date, only_set: bool) -> CalendarView:
    """The viewer's tenant's calendar from ``first`` to ``last`` (every day, or only those a
    level sets); ValueError for a range that is empty or too long."""
    if last < first or (last - first).days >= MAX_RANGE:
        raise ValueError(
            _("Ask for 1 to {count} days, from the first to the last", count=MAX_RANGE)
        )
    tenant = ctx.actor.tenant_id if ctx.actor else await workdays.platform_id()
    found = await workdays.merged(tenant, first, last)
    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return view(found, [d for d in every if d in found.rows or not only_set])


def view(found: workdays.Merged, days: Iterable[date]) -> CalendarView:
    """The calendar, with ``days`` as it decides them."""
    out = []
    for day in days:
        row = found.rows.get(day)
        set_by = SetBy.WEEK if row is None else SetBy.TENANT if row[1] else SetBy.PLATFORM
        out.append(Day(day, found.calendar.hours_on(day), row[0].name if row else "", set_by))
    return CalendarView(found.calendar, out)
