"""returnIncomingItem: 退回 to the sender, with a reason."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import exchange as m
from resolvers.ids import node_key
from schema.exchange.payloads import IncomingItemPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.exchange import incoming


@strawberry.input(description="Return (退回) an incoming document to its sender.")
class ReturnIncomingItemInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the IncomingItem.")
    reason: str = strawberry.field(description="Why; shown to the sender.")

    def to_command(self) -> Command[m.IncomingItem]:
        return command(
            incoming.return_item, incoming_id=node_key(self.id, "IncomingItem"), reason=self.reason
        )


@strawberry.mutation(description="退回 an incoming item to its sender, with a reason.")
async def return_incoming_item(
    info: Info, input: Input[ReturnIncomingItemInput]
) -> IncomingItemPayload:
    return IncomingItemPayload.of(await perform(info, input.to_command()))
