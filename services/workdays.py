"""The working-day calendar (工作日历): the platform's, seeded from the `chinesecalendar`
package and edited by the platform administrator, with each tenant's overrides, edited by its
administrator; and the merged calendar a tenant's deadlines count on (`calendar_for`).

The platform's rows belong to the platform tenant, so editing "the calendar" is the same use
case for both: the actor's tenant gets the rows. The State Council publishes each year's
holidays late in the year before; `officecloud workdays seed` (after upgrading
`chinesecalendar`) adds what the package knows, and never overwrites a day an administrator
entered."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chinese_calendar import constants

import workflow
from i18n import _
from models.access import Actor, Permission
from models.scope import TenantScope
from models.tenants import PLATFORM_CODE, Tenant
from models.workdays import CalendarDay, DayKind, DaySource, WorkSchedule
from services.errors import Code, ServiceError, require
from services.inputs import KEEP, Checks, apply_changes
from services.uow import transaction

#: how far ahead of a step the calendar is read: the longest deadline (366 working days) with
#: room to spare.
HORIZON = timedelta(days=800)
MAX_DAYS_PER_CALL = 400


@dataclass(frozen=True)
class DayInput:
    day: date
    kind: DayKind
    name: str = ""
    hours: list[tuple[str, str]] | None = None


async def platform_id() -> uuid.UUID:
    return (await Tenant.get(code=PLATFORM_CODE)).id


@dataclass(frozen=True)
class Merged:
    """A tenant's calendar over some days: the calendar (its days filled in), and the row
    that decides each day some level sets, with whether it is the tenant's override (rather
    than the platform's)."""

    calendar: workflow.WorkCalendar
    rows: dict[date, tuple[CalendarDay, bool]]
    #: the days a change touched (what its answer shows).
    touched: tuple[date, ...] = ()


async def merged(tenant_id: uuid.UUID, first: date, last: date) -> Merged:
    """The tenant's overrides over the platform's calendar, from ``first`` to ``last``."""
    platform = await platform_id()
    levels = [platform] if tenant_id == platform else [platform, tenant_id]
    calendar = workflow.WorkCalendar()
    rows: dict[date, tuple[CalendarDay, bool]] = {}
    for level in levels:
        scope = TenantScope(level)
        calendar = _over(calendar, await scope.query(WorkSchedule).first())
        for row in await scope.query(CalendarDay).filter(day__gte=first, day__lte=last):
            rows[row.day] = (row, level != platform)
    days = {
        d: () if row.kind is DayKind.HOLIDAY else _hours(row.hours) or calendar.hours
        for d, (row, _) in rows.items()
    }
    return Merged(replace(calendar, days=days), rows)


async def calendar_for(tenant_id: uuid.UUID, around: datetime) -> workflow.WorkCalendar:
    """The calendar a tenant's deadlines count on, from the day before ``around`` to
    :data:`HORIZON` after it (beyond that, the weekly rule)."""
    first, last = around.date() - timedelta(days=1), (around + HORIZON).date()
    return (await merged(tenant_id, first, last)).calendar


def _over(calendar: workflow.WorkCalendar, row: WorkSchedule | None) -> workflow.WorkCalendar:
    """``calendar`` with what ``row`` sets."""
    if row is None:
        return calendar
    return replace(
        calendar,
        timezone=row.timezone or calendar.timezone,
        hours=_hours(row.hours) or calendar.hours,
        weekend=frozenset(row.weekend) if row.weekend is not None else calendar.weekend,
    )


def _hours(raw: Sequence[Sequence[str]] | None) -> workflow.Hours:
    return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw or ())


async def _lock(tenant_id: uuid.UUID) -> None:
    """Edits of one tenant's calendar run one at a time (they insert rows a unique key
    guards, which a lock on rows not there yet could not)."""
    await Tenant.filter(id=tenant_id).select_for_update().first()


def _editor(actor: Actor | None) -> Actor:
    """Who edits the actor's tenant's calendar: the platform admin for the platform's, a
    tenant admin for the tenant's overrides."""
    actor = require(actor, Permission.TENANT_ADMIN)
    if actor.is_platform:
        require(actor, Permission.PLATFORM_ADMIN)
    return actor


def check_hours(checks: Checks, hours: Sequence[Sequence[str]], *field: str) -> None:
    """Working periods: "HH:MM" pairs, each starting before it ends, in order."""
    try:
        parsed = _hours(hours)
    except (TypeError, ValueError):
        checks.fail(Code.INVALID, _('Give hours as ["HH:MM", "HH:MM"] pairs'), *field)
        return
    ends = [t for period in parsed for t in period]
    if any(a >= b for a, b in itertools.pairwise(ends)):
        checks.fail(Code.INVALID, _("Working periods must be in order and not overlap"), *field)


async def set_days(actor: Actor | None, *, days: list[DayInput]) -> Merged:
    """Mark days as holidays or workdays (with their own hours, optionally) in the actor's
    tenant's calendar; a day already there is replaced and becomes an administrator's."""
    actor = _editor(actor)
    with Checks() as checks:
        if not 0 < len(days) <= MAX_DAYS_PER_CALL:
            checks.fail(
                Code.INVALID,
                _("Give 1 to {MAX_DAYS_PER_CALL} days", MAX_DAYS_PER_CALL=MAX_DAYS_PER_CALL),
                "days",
            )
        if len({d.day for d in days}) != len(days):
            checks.fail(Code.DUPLICATE, _("A day is given twice"), "days")
        for i, d in enumerate(days):
            checks.optional_text(d.name, "days", str(i), "name", max_length=100)
            if d.hours is not None:
                if d.kind is DayKind.HOLIDAY:
                    checks.fail(Code.INVALID, _("A holiday has no hours"), "days", str(i), "hours")
                else:
                    check_hours(checks, d.hours, "days", str(i), "hours")
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        await _lock(actor.tenant_id)
        existing = {
            row.day: row
            for row in await scope.query(CalendarDay)
            .filter(day__in=[d.day for d in days])
            .select_for_update()
        }
        for d in days:
            row = existing.get(d.day)
            values = {
                "kind": d.kind,
                "name": d.name,
                "hours": [list(p) for p in d.hours] if d.hours else None,
                "source": DaySource.ADMIN,
            }
            if row is None:
                row = await scope.create(CalendarDay, day=d.day, **values)
            else:
                row.update_from_dict(values)
                await row.save()
        work.audit(
            actor.tenant_id,
            "calendar.days_set",
            "Tenant",
            actor.tenant_id,
            {"days": {d.day.isoformat(): d.kind.value for d in days}},
        )
    return await _touched(actor.tenant_id, [d.day for d in days])


async def clear_days(actor: Actor | None, *, days: list[date]) -> Merged:
    """Remove days from the actor's tenant's calendar (a tenant's fall back to the platform's,
    the platform's to the weekly rule)."""
    actor = _editor(actor)
    if not 0 < len(days) <= MAX_DAYS_PER_CALL:
        raise ServiceError.of(
            Code.INVALID,
            _("Give 1 to {MAX_DAYS_PER_CALL} days", MAX_DAYS_PER_CALL=MAX_DAYS_PER_CALL),
            "days",
        )
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        removed = await scope.query(CalendarDay).filter(day__in=days).delete()
        work.audit(
            actor.tenant_id,
            "calendar.days_cleared",
            "Tenant",
            actor.tenant_id,
            {"days": sorted(d.isoformat() for d in days), "removed": removed},
        )
    return await _touched(actor.tenant_id, days)


async def _touched(tenant_id: uuid.UUID, days: list[date]) -> Merged:
    found = await merged(tenant_id, min(days), max(days))
    return replace(found, touched=tuple(sorted(set(days))))


async def set_schedule(
    actor: Actor | None,
    *,
    hours: list[tuple[str, str]] | None = KEEP,
    weekend: list[int] | None = KEEP,
    timezone: str | None = KEEP,
) -> Merged:
    """The working hours, weekend and time zone of the actor's tenant; null (in a tenant)
    follows the platform's again."""
    actor = _editor(actor)
    with Checks() as checks:
        if isinstance(hours, list):
            if not hours:
                checks.fail(Code.INVALID, _("A working day has at least one period"), "hours")
            check_hours(checks, hours, "hours")
        if isinstance(weekend, list) and (
            not all(isinstance(d, int) and 0 <= d <= 6 for d in weekend) or len(weekend) > 6
        ):
            checks.fail(
                Code.INVALID, _("Weekend days are 0 (Monday) to 6, not all seven"), "weekend"
            )
        if isinstance(timezone, str):
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                checks.fail(
                    Code.INVALID,
                    _("Unknown time zone {timezone}", timezone=repr(timezone)),
                    "timezone",
                )
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        await _lock(actor.tenant_id)
        row = await scope.query(WorkSchedule).first()
        if row is None:
            row = await scope.create(WorkSchedule)
        changed = apply_changes(
            row,
            hours=[list(p) for p in hours] if hours else hours,
            weekend=sorted(set(weekend)) if weekend else weekend,
            timezone=timezone,
        )
        row.version += 1
        await row.save()
        work.audit(actor.tenant_id, "calendar.schedule_set", "Tenant", actor.tenant_id, changed)
    return await merged(actor.tenant_id, work.now.date(), work.now.date())


def seed_rows(known: set[date]) -> list[tuple[date, DayKind, str]]:
    """What `chinesecalendar` knows and the platform calendar lacks: public holidays and
    make-up workdays (调休), named as the package names them."""
    rows = [(d, DayKind.HOLIDAY, str(name)) for d, name in constants.holidays.items()]
    rows += [(d, DayKind.WORKDAY, str(name)) for d, name in constants.workdays.items()]
    return sorted(r for r in rows if r[0] not in known)


async def seed(platform: uuid.UUID | None = None) -> int:
    """Add the days `chinesecalendar` knows to the platform calendar; days already there
    (seeded before, or entered by an administrator) are kept. How many were added."""
    platform = platform or await platform_id()
    scope = TenantScope(platform)
    known: set[date] = set(await scope.query(CalendarDay).values_list("day", flat=True))  # type: ignore[arg-type]
    fresh = [
        CalendarDay(day=d, kind=kind, name=name, source=DaySource.SEED)
        for d, kind, name in seed_rows(known)
    ]
    if fresh:
        await scope.bulk_create(CalendarDay, fresh)
    return len(fresh)
