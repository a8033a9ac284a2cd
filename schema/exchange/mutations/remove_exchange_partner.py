"""removeExchangePartner: one direction of a pair."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.exchange.payloads import RemoveExchangePartnerPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.exchange import partners


@strawberry.input(description="End an exchange partnership.")
class RemoveExchangePartnerInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the ExchangePartner.")

    def to_command(self) -> Command[uuid.UUID]:
        return command(partners.remove_partner, id=node_key(self.id, "ExchangePartner"))


@strawberry.mutation(description="Remove one direction of a pair (platform admins).")
async def remove_exchange_partner(
    info: Info, input: Input[RemoveExchangePartnerInput]
) -> RemoveExchangePartnerPayload:
    return RemoveExchangePartnerPayload.of(await perform(info, input.to_command()))
