"""addExchangePartner: let one tenant send to another."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import exchange as m
from resolvers.ids import node_key
from schema.exchange.payloads import ExchangePartnersPayload
from schema.exchange.types import TENANT_TYPES
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.exchange import partners


@strawberry.input(description=("Let one tenant send to another outside the tree (platform admin)."))
class AddExchangePartnerInput:
    sender_id: relay.GlobalID = strawberry.field(description="Global id of the sending Tenant.")
    receiver_id: relay.GlobalID = strawberry.field(description="Global id of the receiving Tenant.")
    both_directions: bool = strawberry.field(
        default=True, description="Also let the receiver send to the sender."
    )
    note: str | None = strawberry.field(default=None, description="Why the two exchange.")

    def to_command(self) -> Command[list[m.ExchangePartner]]:
        return command(
            partners.add_partner,
            sender_id=node_key(self.sender_id, *TENANT_TYPES),
            receiver_id=node_key(self.receiver_id, *TENANT_TYPES),
            both_directions=self.both_directions,
            note=self.note,
        )


@strawberry.mutation(description="Pair two tenants for exchange (platform admins).")
async def add_exchange_partner(
    info: Info, input: Input[AddExchangePartnerInput]
) -> ExchangePartnersPayload:
    return ExchangePartnersPayload.of(await perform(info, input.to_command()))
