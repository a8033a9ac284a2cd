"""createDocumentType: a flow and a numbering rule under a code."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import DocumentTypePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import types


@strawberry.input(description="A new document type.")
class CreateDocumentTypeInput:
    code: str = strawberry.field(description="Short code, unique in the tenant.")
    name: str = strawberry.field(description="Display name, e.g. 发文.")
    kind: m.DocumentKind = strawberry.field(description="Outgoing, incoming, request or other.")
    flow_id: relay.GlobalID = strawberry.field(
        description="Global id of the Flow its documents run through."
    )
    number_pattern: str = strawberry.field(default="", description="Must contain {seq}; {year}.")
    seq_width: int = strawberry.field(default=0, description="Zero-pad {seq} to this width.")

    def to_command(self) -> Command[m.DocumentType]:
        return command(
            types.create_document_type,
            code=self.code,
            name=self.name,
            kind=self.kind,
            flow_id=node_key(self.flow_id, "Flow"),
            number_pattern=self.number_pattern,
            seq_width=self.seq_width,
        )


@strawberry.mutation(description="Create a document type (公文种类) over a published flow.")
async def create_document_type(
    info: Info, input: Input[CreateDocumentTypeInput]
) -> DocumentTypePayload:
    return DocumentTypePayload.of(await perform(info, input.to_command()))
