"""createDocumentTemplate: defaults and a body text for a document type."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import DocumentTemplatePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import types


@strawberry.input(description="A new template for a document type.")
class CreateDocumentTemplateInput:
    document_type_id: relay.GlobalID = strawberry.field(
        description="Global id of the DocumentType."
    )
    name: str = strawberry.field(description="Display name.")
    title: str = strawberry.field(default="", description="The title a new document starts with.")
    defaults: JSON | None = strawberry.field(
        default=None,
        description="Default field values; each must name a field of the type's form and fit it.",
    )
    body: str = strawberry.field(
        default="", description="Body text: it goes into the form's `body` field."
    )

    def to_command(self) -> Command[m.DocumentTemplate]:
        return command(
            types.create_document_template,
            document_type_id=node_key(self.document_type_id, "DocumentType"),
            name=self.name,
            title=self.title,
            defaults=self.defaults,
            body=self.body,
        )


@strawberry.mutation(description="Add a template (模板) to a document type.")
async def create_document_template(
    info: Info, input: Input[CreateDocumentTemplateInput]
) -> DocumentTemplatePayload:
    return DocumentTemplatePayload.of(await perform(info, input.to_command()))
