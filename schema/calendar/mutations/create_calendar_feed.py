"""createCalendarFeed: a secret iCalendar subscription URL."""

from __future__ import annotations

import strawberry

from models import calendar as m
from schema.calendar.payloads import CalendarFeedPayload
from schema.calendar.types import CalendarFeed
from schema.errors import user_errors
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import ical

FEED_PATH = "/calendar/feeds/{token}.ics"


@strawberry.input(description="A new subscription URL of your calendar.")
class CreateCalendarFeedInput:
    name: str | None = strawberry.field(
        default=None, description="Your label for it (at most 100 characters)."
    )

    def to_command(self) -> Command[tuple[m.CalendarFeed, str]]:
        return command(ical.create_feed, name=self.name)


def _url(info: Info, token: str) -> str:
    request = info.context.request
    origin = str(request.url.origin()) if request is not None else ""
    return origin + FEED_PATH.format(token=token)


@strawberry.mutation(
    description="A secret subscription URL (iCalendar) of your calendar for Outlook, Apple or "
    "Google calendars; shown once."
)
async def create_calendar_feed(
    info: Info, input: Input[CreateCalendarFeedInput]
) -> CalendarFeedPayload:
    made, problems = await perform(info, input.to_command())
    if made is None:
        return CalendarFeedPayload(feed=None, url=None, errors=user_errors(problems))
    feed, token = made
    return CalendarFeedPayload(feed=CalendarFeed.from_model(feed), url=_url(info, token), errors=[])
