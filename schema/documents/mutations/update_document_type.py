"""updateDocumentType: for documents created afterwards."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import keep, keep_id, node_key
from schema.documents.payloads import DocumentTypePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import types


@strawberry.input(description="Changes to a document type; omitted fields stay as they are.")
class UpdateDocumentTypeInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the DocumentType.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    flow_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="Global id of a new Flow, for new documents."
    )
    number_pattern: str | None = strawberry.field(
        default=strawberry.UNSET,
        description=("Pattern of the document number (文号), e.g. 京经信发〔{year}〕{seq}号."),
    )
    seq_width: int | None = strawberry.field(
        default=strawberry.UNSET, description="Digits of the sequence, zero-padded."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether new documents of this type may be created."
    )

    def to_command(self) -> Command[m.DocumentType]:
        return command(
            types.update_document_type,
            id=node_key(self.id, "DocumentType"),
            name=keep(self.name),
            flow_id=keep_id(self.flow_id, "Flow"),
            number_pattern=keep(self.number_pattern),
            seq_width=keep(self.seq_width),
            active=keep(self.active),
        )


@strawberry.mutation(description="Changes apply to documents created afterwards.")
async def update_document_type(
    info: Info, input: Input[UpdateDocumentTypeInput]
) -> DocumentTypePayload:
    return DocumentTypePayload.of(await perform(info, input.to_command()))
