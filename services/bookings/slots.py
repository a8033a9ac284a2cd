"""When a resource may be booked: inside its opening hours, on its open weekdays, and not
over another active booking. The database has the last word on overlaps: on PostgreSQL the
exclusion constraint `booking_no_overlap` refuses the second of two racing bookings; on SQLite
the check runs under the database's write lock, taken first."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from i18n import _
from models.bookings import ACTIVE_BOOKINGS, Booking, Resource
from models.scope import TenantScope, TenantSql
from services.errors import Code, ServiceError
from services.inputs import Checks
from subscriptions.topics import global_id

MAX_LENGTH = timedelta(days=14)
CONSTRAINT = "booking_no_overlap"


def opening_problem(resource: Resource, starts_at: datetime, ends_at: datetime) -> str | None:
    """Why the resource is not open for the whole of [starts_at, ends_at), or None."""
    zone = ZoneInfo(resource.timezone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    days = {start.date() + timedelta(days=i) for i in range((end.date() - start.date()).days + 1)}
    if end.time() == time(0) and end.date() > start.date():
        days.discard(end.date())
    if resource.open_weekdays and any(d.weekday() not in resource.open_weekdays for d in days):
        return f"{resource.name} is not open on that day"
    if not resource.opening_hours:
        return None
    if len(days) > 1:
        return f"{resource.name} is booked within one day's opening hours"
    periods = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in resource.opening_hours]
    if not any(a <= start.time() and end.time() <= b for a, b in periods):
        hours = ", ".join(f"{a}–{b}" for a, b in resource.opening_hours)
        return f"{resource.name} may be booked {hours} only"
    return None


def check_times(
    checks: Checks, resource: Resource, starts_at: datetime, ends_at: datetime, now: datetime
) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        checks.fail(Code.INVALID, _("Give times with their UTC offset"), "startsAt")
        return
    if ends_at <= starts_at:
        checks.fail(Code.INVALID, _("A booking ends after it starts"), "endsAt")
        return
    if ends_at - starts_at > MAX_LENGTH:
        checks.fail(Code.INVALID, _("A booking lasts at most 14 days"), "endsAt")
    if ends_at <= now:
        checks.fail(Code.INVALID, _("That time is over"), "startsAt")
    problem = opening_problem(resource, starts_at, ends_at)
    if problem:
        checks.fail(Code.INVALID, problem, "startsAt")


def overlapping(
    scope: TenantScope, resource_ids: list[uuid.UUID], starts_at: datetime, ends_at: datetime
) -> QuerySet[Booking]:
    """Active bookings of the resources that overlap [starts_at, ends_at)."""
    return scope.query(Booking).filter(
        resource_id__in=resource_ids,
        status__in=ACTIVE_BOOKINGS,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )


def conflict(resource: Resource, clash: Booking) -> ServiceError:
    """CONFLICT naming the booking in the way."""
    zone = ZoneInfo(resource.timezone)
    start, end = clash.starts_at.astimezone(zone), clash.ends_at.astimezone(zone)
    return ServiceError.of(
        Code.CONFLICT,
        _(
            "{name} is already booked {start:%Y-%m-%d %H:%M}–{end:%H:%M} "
            "for “{title}” (booking {global_id})",
            name=resource.name,
            start=start,
            end=end,
            title=clash.title,
            global_id=global_id("Booking", clash.id),
        ),
        "startsAt",
    )


async def _clash(
    scope: TenantScope,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    other_than: uuid.UUID | None,
) -> Booking | None:
    query = overlapping(scope, [resource.id], starts_at, ends_at)
    if other_than is not None:
        query = query.exclude(id=other_than)
    found: Booking | None = await query.order_by("starts_at").first()
    return found


@asynccontextmanager
async def holding(
    scope: TenantScope,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    other_than: uuid.UUID | None = None,
) -> AsyncIterator[None]:
    """Run the write of an active booking of [starts_at, ends_at) (inside the use case's
    transaction) so that it cannot overlap another: CONFLICT naming the clash if it would."""
    if not TenantSql.postgres():
        # SQLite: a write first takes the database's write lock, so no other booking can
        # commit between this check and ours.
        await scope.query(Resource).filter(id=resource.id).update(version=F("version"))
    clash = await _clash(scope, resource, starts_at, ends_at, other_than)
    if clash is not None:
        raise conflict(resource, clash)
    try:
        async with in_transaction():
            yield
    except IntegrityError as error:
        if CONSTRAINT not in str(error):
            raise
        clash = await _clash(scope, resource, starts_at, ends_at, other_than)
        if clash is None:
            raise ServiceError.of(
                Code.CONFLICT,
                _("{name} was just booked; try again", name=resource.name),
                "startsAt",
            ) from None
        raise conflict(resource, clash) from None
