"""markCirculationRead: 待阅 → 已阅."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models.circulation import CirculationRecipient
from resolvers.ids import node_uuid
from schema.circulation.payloads import MarkCirculationReadPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import circulation


@strawberry.input(description="One of your copies, or a document (every copy of it you hold).")
class MarkCirculationReadInput:
    id: relay.GlobalID | None = strawberry.field(
        default=None, description="Your copy (a CirculationRecipient)."
    )
    document_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Or a document: every copy of it you hold (send this on opening it).",
    )

    def to_command(self) -> Command[list[CirculationRecipient]]:
        return command(
            circulation.mark_read,
            id=node_uuid(self.id, "CirculationRecipient"),
            document_id=node_uuid(self.document_id, "Document"),
        )


@strawberry.mutation(
    description="已阅: record when you read a circulated document (a client sends it when the "
    "document is opened); a copy already read keeps its time."
)
async def mark_circulation_read(
    info: Info, input: Input[MarkCirculationReadInput]
) -> MarkCirculationReadPayload:
    return MarkCirculationReadPayload.of(await perform(info, input.to_command()))
