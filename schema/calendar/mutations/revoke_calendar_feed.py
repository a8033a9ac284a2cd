"""revokeCalendarFeed: its URL answers 404 from now on."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import CalendarFeedPayload
from schema.calendar.types import CalendarFeed
from schema.errors import user_errors
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import ical


@strawberry.input(description="The feed to revoke.")
class RevokeCalendarFeedInput:
    id: relay.GlobalID = strawberry.field(description="The feed.")

    def to_command(self) -> Command[m.CalendarFeed]:
        return command(ical.revoke_feed, id=node_key(self.id, "CalendarFeed"))


@strawberry.mutation(description="Revoke a subscription URL: it answers 404 from now on.")
async def revoke_calendar_feed(
    info: Info, input: Input[RevokeCalendarFeedInput]
) -> CalendarFeedPayload:
    feed, problems = await perform(info, input.to_command())
    return CalendarFeedPayload(
        feed=CalendarFeed.from_model(feed) if feed else None, url=None, errors=user_errors(problems)
    )
