"""urgeCirculation: 催阅, the sender reminds those who have not read."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models.circulation import Circulation
from resolvers.ids import node_key
from schema.circulation.payloads import CirculationPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import circulation


@strawberry.input(description="催阅: your circulation and a message.")
class UrgeCirculationInput:
    id: relay.GlobalID = strawberry.field(description="A circulation you sent.")
    comment: str | None = strawberry.field(
        default=None, description="留言 for the reminder, up to 1000 characters."
    )

    def to_command(self) -> Command[Circulation]:
        return command(circulation.urge, id=node_key(self.id, "Circulation"), comment=self.comment)


@strawberry.mutation(
    description="催阅: remind the recipients of your circulation who have not read it."
)
async def urge_circulation(info: Info, input: Input[UrgeCirculationInput]) -> CirculationPayload:
    return CirculationPayload.of(await perform(info, input.to_command()))
