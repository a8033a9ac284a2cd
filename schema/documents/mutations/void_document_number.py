"""voidDocumentNumber: kept on record, never reused."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import numbers


@strawberry.input(description="Void a document number (文号) so it is never reused.")
class VoidDocumentNumberInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    reason: str = strawberry.field(description="Why; recorded in the trail.")

    def to_command(self) -> Command[m.Document]:
        return command(
            numbers.void_number, document_id=node_key(self.id, "Document"), reason=self.reason
        )


@strawberry.mutation(description="Void the number (kept on record, never reused).")
async def void_document_number(
    info: Info, input: Input[VoidDocumentNumberInput]
) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
