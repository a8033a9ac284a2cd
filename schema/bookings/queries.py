"""Public affairs queries: resources, availability, schedules, bookings, the portal summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.scalars import JSON

from i18n import text_of
from models.bookings import ResourceKind
from resolvers import bookings as r
from resolvers.ids import node_uuid
from resolvers.pagination import PageArgs
from schema.bookings.types import BookableResource, Booking, PublicAffairsEntry
from schema.calendar.queries import AFTER, BEFORE, FIRST, LAST
from schema.connection import Connection
from schema.types import Info

KINDS = strawberry.argument(description="Only these kinds; default: all.")
FROM = strawberry.argument(name="from", description="Start (inclusive), ISO 8601 with offset.")
TO = strawberry.argument(name="to", description="End (exclusive), ISO 8601 with offset.")


def _bad(error: ValueError) -> GraphQLError:
    return GraphQLError(text_of(error), extensions={"code": "BAD_USER_INPUT"})


@strawberry.type
class BookingQuery:
    @strawberry.field(description="公共事务: the tenant's active bookable resources, by name.")
    async def bookable_resources(
        self,
        info: Info,
        kinds: Annotated[list[ResourceKind] | None, KINDS] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[BookableResource]:
        page = await r.resources(info.context, kinds, PageArgs(first, after, last, before))
        return Connection.of(page, BookableResource.from_model)

    @strawberry.field(
        description="Availability search: resources open for the whole of [`from`, `to`) and "
        "not booked then (at most 14 days), with the seats and attributes asked for."
    )
    async def available_resources(
        self,
        info: Info,
        since: Annotated[datetime, FROM],
        until: Annotated[datetime, TO],
        kinds: Annotated[list[ResourceKind] | None, KINDS] = None,
        capacity: Annotated[
            int | None, strawberry.argument(description="At least this many seats.")
        ] = None,
        attributes: Annotated[
            JSON | None,
            strawberry.argument(description='Each attribute equal, e.g. {"projector": true}.'),
        ] = None,
    ) -> list[BookableResource]:
        try:
            rows = await r.available(
                info.context, since, until, kinds, capacity, cast(dict[str, Any] | None, attributes)
            )
        except ValueError as error:
            raise _bad(error) from None
        return [BookableResource.from_model(row) for row in rows]

    @strawberry.field(
        description="A resource's schedule: its active bookings overlapping [`from`, `to`) (at "
        "most 62 days), in time order."
    )
    async def resource_bookings(
        self,
        info: Info,
        resource_id: Annotated[relay.GlobalID, strawberry.argument(description="The resource.")],
        since: Annotated[datetime, FROM],
        until: Annotated[datetime, TO],
    ) -> list[Booking]:
        key = node_uuid(resource_id, "BookableResource")
        try:
            rows = await r.schedule(
                info.context, key if not isinstance(key, str) else None, since, until
            )
        except ValueError as error:
            raise _bad(error) from None
        return [Booking.from_model(row) for row in rows]

    @strawberry.field(description="The viewer's bookings, by start.")
    async def my_bookings(
        self,
        info: Info,
        upcoming: Annotated[
            bool, strawberry.argument(description="Only active ones not over yet.")
        ] = False,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[Booking]:
        page = await r.my_bookings(info.context, upcoming, PageArgs(first, after, last, before))
        return Connection.of(page, Booking.from_model)

    @strawberry.field(
        description="Bookings waiting for approval, for keepers (bookings.manage); "
        "empty for others."
    )
    async def pending_bookings(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[Booking]:
        page = await r.pending(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, Booking.from_model)

    @strawberry.field(
        description="公共事务 for the portal: per kind of resource, how many there are, are free "
        "now, are booked by the viewer, and wait for approval."
    )
    async def public_affairs(
        self, info: Info, kinds: Annotated[list[ResourceKind] | None, KINDS] = None
    ) -> list[PublicAffairsEntry]:
        return [PublicAffairsEntry.of(a) for a in await r.public_affairs(info.context, kinds)]
