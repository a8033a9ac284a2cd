"""shareCalendar: 授权, view or edit."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import CalendarSharePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import shares


@strawberry.input(description="Who may see (and edit) your calendar.")
class ShareCalendarInput:
    delegate_id: relay.GlobalID = strawberry.field(description="The user (a secretary).")
    can_edit: bool = strawberry.field(
        default=False, description="She may also add and change events."
    )

    def to_command(self) -> Command[m.CalendarShare]:
        return command(
            shares.share_calendar,
            delegate_id=node_key(self.delegate_id, "User"),
            can_edit=self.can_edit,
        )


@strawberry.mutation(
    description="授权: let a user see your calendar, or also edit it; sharing again with the "
    "same user changes what she may do."
)
async def share_calendar(info: Info, input: Input[ShareCalendarInput]) -> CalendarSharePayload:
    return CalendarSharePayload.of(await perform(info, input.to_command()))
