"""Personal office queries: the calendar, invitations, shares and feeds, notes, contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from i18n import text_of
from resolvers import calendar as r
from resolvers.ids import node_uuid
from resolvers.pagination import PageArgs
from schema.calendar.types import (
    CalendarFeed,
    CalendarInvitation,
    CalendarOccurrence,
    CalendarShare,
    Contact,
    Note,
    PartnerDepartment,
)
from schema.connection import Connection
from schema.types import Info

FIRST = strawberry.argument(description="Page size (at most the server's cap, 100).")
AFTER = strawberry.argument(description="Cursor of the item to continue after.")
LAST = strawberry.argument(description="Page size counting back from `before`.")
BEFORE = strawberry.argument(description="Cursor of the item to stop before.")
OWNER = strawberry.argument(
    description="A leader's calendar shared with the viewer (授权); default: her own."
)


def _bad(error: ValueError) -> GraphQLError:
    return GraphQLError(text_of(error), extensions={"code": "BAD_USER_INPUT"})


@strawberry.type
class CalendarQuery:
    @strawberry.field(
        description="日程: occurrences of the viewer's events and of the invitations she did not "
        "decline that overlap [`from`, `to`) (recurring events expanded), in time order. At "
        "most 400 days."
    )
    async def my_calendar_events(
        self,
        info: Info,
        since: Annotated[
            datetime,
            strawberry.argument(
                name="from", description="Range start (inclusive), ISO 8601 with offset."
            ),
        ],
        until: Annotated[
            datetime,
            strawberry.argument(
                name="to", description="Range end (exclusive), ISO 8601 with offset."
            ),
        ],
        owner_id: Annotated[relay.GlobalID | None, OWNER] = None,
    ) -> list[CalendarOccurrence]:
        try:
            found = await r.occurrences(info.context, since, until, node_uuid(owner_id, "User"))
        except ValueError as error:
            raise _bad(error) from None
        return [CalendarOccurrence.of(o) for o in found]

    @strawberry.field(
        description="The viewer's meeting invitations to active events, newest first."
    )
    async def calendar_invitations(
        self,
        info: Info,
        pending_only: Annotated[
            bool, strawberry.argument(description="Only those not answered yet.")
        ] = False,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CalendarInvitation]:
        page = await r.invitations(info.context, pending_only, PageArgs(first, after, last, before))
        return Connection.of(page, CalendarInvitation.from_model)

    @strawberry.field(
        description="授权: shares of the viewer's calendar, and others' shared with her."
    )
    async def calendar_shares(self, info: Info) -> list[CalendarShare]:
        return [CalendarShare.from_model(s) for s in await r.shares(info.context)]

    @strawberry.field(description="The viewer's iCalendar subscription URLs not revoked.")
    async def calendar_feeds(self, info: Info) -> list[CalendarFeed]:
        return [CalendarFeed.from_model(f) for f in await r.feeds(info.context)]

    @strawberry.field(
        description="The viewer's calendar (or a shared one) as an iCalendar (.ics) text, to "
        "import into a calendar client."
    )
    async def calendar_ics(
        self, info: Info, owner_id: Annotated[relay.GlobalID | None, OWNER] = None
    ) -> str:
        try:
            return await r.ics(info.context, node_uuid(owner_id, "User"))
        except ValueError as error:
            raise _bad(error) from None

    @strawberry.field(description="便签: the viewer's notes, pinned first, then newest.")
    async def my_notes(
        self,
        info: Info,
        search: Annotated[
            str | None, strawberry.argument(description="Text the note contains.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[Note]:
        page = await r.notes(info.context, search, PageArgs(first, after, last, before))
        return Connection.of(page, Note.from_model)

    @strawberry.field(
        description="The address book beside the directory: the viewer's own contacts and the "
        "tenant's shared ones, by name (colleagues are `users`)."
    )
    async def contacts(
        self,
        info: Info,
        search: Annotated[
            str | None, strawberry.argument(description="Name, organisation, phone or e-mail.")
        ] = None,
        shared: Annotated[
            bool | None,
            strawberry.argument(
                description="true: the tenant's only; false: the viewer's own only; null: both."
            ),
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[Contact]:
        page = await r.contacts(info.context, search, shared, PageArgs(first, after, last, before))
        return Connection.of(page, Contact.from_model)

    @strawberry.field(
        description="Departments the viewer's tenant exchanges documents with (交换伙伴), for "
        "the address book; at most 200."
    )
    async def partner_departments(
        self,
        info: Info,
        search: Annotated[str | None, strawberry.argument(description="Name or code.")] = None,
    ) -> list[PartnerDepartment]:
        return [
            PartnerDepartment.of(t, rel)
            for t, rel in await r.partner_departments(info.context, search)
        ]
