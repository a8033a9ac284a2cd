"""Reads of public affairs (公共事务): the tenant's bookable resources, which are free when,
the bookings of a resource, the viewer's own, those waiting for a keeper, and the portal's
summary per kind. Every member of the tenant sees its resources and their schedules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.functions import Count

from i18n import _
from models.access import Permission
from models.bookings import ACTIVE_BOOKINGS, Booking, BookingStatus, Resource, ResourceKind
from resolvers.context import Context
from resolvers.dataloaders import ById
from resolvers.pagination import Page, PageArgs, paginate
from services.bookings import slots

MAX_RANGE = timedelta(days=62)
MAX_RESOURCES = 500
ORDER = ("name", "id")


class ResourceById(ById[Resource]):
    model = Resource


class BookingById(ById[Booking]):
    model = Booking


async def resources(
    ctx: Context, kinds: list[ResourceKind] | None, page: PageArgs
) -> Page[Resource]:
    query = ctx.tenant_scope.query(Resource).filter(active=True)
    if kinds:
        query = query.filter(kind__in=kinds)
    return await paginate(query, ORDER, page, ctx.max_page)


async def available(
    ctx: Context,
    since: datetime,
    until: datetime,
    kinds: list[ResourceKind] | None,
    capacity: int | None,
    attributes: dict[str, Any] | None,
) -> list[Resource]:
    """Resources open for the whole of [since, until) and not booked then, with at least
    `capacity` seats and every attribute given, by name."""
    if until <= since or until - since > slots.MAX_LENGTH:
        raise ValueError(_("Ask for a slot of up to 14 days, `from` before `to`"))
    scope = ctx.tenant_scope
    query = scope.query(Resource).filter(active=True)
    if kinds:
        query = query.filter(kind__in=kinds)
    if capacity is not None:
        query = query.filter(capacity__gte=capacity)
    rows = await query.order_by(*ORDER).limit(MAX_RESOURCES)
    busy = set(
        await slots.overlapping(scope, [r.id for r in rows], since, until).values_list(
            "resource_id", flat=True
        )
    )
    wanted = attributes or {}
    return [
        r
        for r in rows
        if r.id not in busy
        and all(r.attributes.get(k) == v for k, v in wanted.items())
        and slots.opening_problem(r, since, until) is None
    ]


async def schedule(
    ctx: Context, resource_id: uuid.UUID | None, since: datetime, until: datetime
) -> list[Booking]:
    """Active bookings of a resource overlapping [since, until), in time order."""
    if until <= since or until - since > MAX_RANGE:
        raise ValueError(_("Ask for a range of up to 62 days, `from` before `to`"))
    if resource_id is None:
        return []
    query = slots.overlapping(ctx.tenant_scope, [resource_id], since, until)
    return list(await query.order_by("starts_at", "id").limit(MAX_RESOURCES))


async def my_bookings(ctx: Context, upcoming: bool, page: PageArgs) -> Page[Booking]:
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    query = ctx.tenant_scope.query(Booking).filter(booker_id=me)
    if upcoming:
        query = query.filter(status__in=ACTIVE_BOOKINGS, ends_at__gt=datetime.now(UTC))
    return await paginate(query, ("starts_at", "id"), page, ctx.max_page)


async def pending(ctx: Context, page: PageArgs) -> Page[Booking]:
    """Bookings waiting for a keeper, for holders of `bookings.manage` (others see none)."""
    query = ctx.tenant_scope.query(Booking).filter(status=BookingStatus.PENDING)
    if ctx.actor is None or not ctx.actor.has(Permission.BOOKINGS_MANAGE):
        query = query.filter(id=uuid.UUID(int=0))
    return await paginate(query, ("starts_at", "id"), page, ctx.max_page)


@dataclass(frozen=True)
class Affairs:
    """The portal's tile of one kind of resource."""

    kind: ResourceKind
    resource_count: int
    available_now_count: int
    my_upcoming_count: int
    pending_approval_count: int


async def public_affairs(ctx: Context, kinds: list[ResourceKind] | None) -> list[Affairs]:
    """Per kind: resources, those free right now, the viewer's upcoming bookings and (for
    keepers) the bookings waiting for approval: four grouped queries."""
    wanted = kinds or list(ResourceKind)
    scope, now = ctx.tenant_scope, datetime.now(UTC)
    me = ctx.actor.user_id if ctx.actor else uuid.UUID(int=0)
    keeper = ctx.actor is not None and ctx.actor.has(Permission.BOOKINGS_MANAGE)

    async def per_kind(query: Any, key: str) -> dict[str, int]:
        rows = await query.annotate(n=Count("id")).group_by(key).values(key, "n")
        return {str(r[key]): r["n"] for r in rows}

    resources = scope.query(Resource).filter(active=True, kind__in=wanted)
    bookings = scope.query(Booking).filter(resource__kind__in=wanted, resource__active=True)
    total = await per_kind(resources, "kind")
    busy = await per_kind(
        bookings.filter(status__in=ACTIVE_BOOKINGS, starts_at__lte=now, ends_at__gt=now),
        "resource__kind",
    )
    mine = await per_kind(
        bookings.filter(booker_id=me, status__in=ACTIVE_BOOKINGS, ends_at__gt=now), "resource__kind"
    )
    waiting = (
        await per_kind(
            bookings.filter(status=BookingStatus.PENDING, ends_at__gt=now), "resource__kind"
        )
        if keeper
        else {}
    )
    return [
        Affairs(
            kind,
            total.get(kind.value, 0),
            total.get(kind.value, 0) - busy.get(kind.value, 0),
            mine.get(kind.value, 0),
            waiting.get(kind.value, 0),
        )
        for kind in wanted
    ]
