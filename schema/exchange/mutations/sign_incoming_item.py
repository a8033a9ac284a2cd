"""signIncomingItem: 签收, which starts a 收文 document."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import exchange as m
from resolvers.ids import node_key, node_uuid
from schema.documents.types import Document
from schema.exchange.payloads import IncomingItemPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.exchange import incoming


@strawberry.input(description="Sign for (签收) an incoming document, starting a 收文.")
class SignIncomingItemInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the IncomingItem.")
    document_type_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The 收文 type to start; default: the setting exchange.receiptType, else "
        "the tenant's only receipt type.",
    )
    comment: str | None = strawberry.field(default=None, description="A note for the trail.")

    def to_command(self) -> Command[m.IncomingItem]:
        return command(
            incoming.sign,
            incoming_id=node_key(self.id, "IncomingItem"),
            document_type_id=node_uuid(self.document_type_id, "DocumentType"),
            comment=self.comment,
        )


@strawberry.mutation(
    description="签收 an incoming item (exchange.receive): starts a 收文 document in your "
    "tenant's own flow, submitted by you."
)
async def sign_incoming_item(
    info: Info, input: Input[SignIncomingItemInput]
) -> IncomingItemPayload:
    payload = IncomingItemPayload.of(await perform(info, input.to_command()))
    if payload.incoming_item is not None:
        payload.document = await Document.load(info, payload.incoming_item.row.document_id)
    return payload
