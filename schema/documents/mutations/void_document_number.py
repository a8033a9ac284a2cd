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


@strawberry.input
class VoidDocumentNumberInput:
    id: relay.GlobalID
    reason: str

    def to_command(self) -> Command[m.Document]:
        return command(
            numbers.void_number, document_id=node_key(self.id, "Document"), reason=self.reason
        )


@strawberry.mutation(description="Void the number (kept on record, never reused).")
async def void_document_number(
    info: Info, input: Input[VoidDocumentNumberInput]
) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
