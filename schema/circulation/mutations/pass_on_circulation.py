"""passOnCirculation: 转阅, a recipient sends her copy on."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models.circulation import Circulation
from resolvers.ids import node_key
from schema.circulation.mutations.audience import AudienceInput
from schema.circulation.payloads import CirculationPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import circulation


@strawberry.input(description="转阅: your copy, whom to pass it to and a note.")
class PassOnCirculationInput:
    id: relay.GlobalID = strawberry.field(description="Your copy (a CirculationRecipient).")
    to: AudienceInput = strawberry.field(description="Whom to pass it to.")
    note: str | None = strawberry.field(default=None, description="附言, up to 2000 characters.")

    def to_command(self) -> Command[Circulation]:
        return command(
            circulation.pass_on,
            id=node_key(self.id, "CirculationRecipient"),
            audience=self.to.audience(),
            note=self.note,
        )


@strawberry.mutation(
    description="转阅: pass a document circulated to you on, when its circulation allows it; "
    "your copy counts as read."
)
async def pass_on_circulation(
    info: Info, input: Input[PassOnCirculationInput]
) -> CirculationPayload:
    return CirculationPayload.of(await perform(info, input.to_command()))
