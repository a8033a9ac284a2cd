"""createDocument: a draft (拟稿), optionally from a template."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import documents as m
from resolvers.ids import node_key, node_uuid
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import lifecycle


@strawberry.input(description="A new draft document (拟稿).")
class CreateDocumentInput:
    document_type_id: relay.GlobalID = strawberry.field(
        description="Global id of its DocumentType."
    )
    title: str | None = strawberry.field(default=None, description="Default: the template's.")
    template_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of a DocumentTemplate to start from."
    )
    form_data: JSON | None = strawberry.field(
        default=None,
        description=("Its form's values (JSON object), checked against the form's JSON Schema."),
    )
    urgency: m.Urgency = strawberry.field(
        default=m.Urgency.NORMAL, description="缓急 (default NORMAL)."
    )
    secrecy: m.Secrecy = strawberry.field(default=m.Secrecy.INTERNAL, description="密级.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of the initiator's units; default: the primary one."
    )

    def to_command(self) -> Command[m.Document]:
        return command(
            lifecycle.create_document,
            document_type_id=node_key(self.document_type_id, "DocumentType"),
            title=self.title,
            form_data=cast(dict[str, Any] | None, self.form_data),  # the service checks it
            urgency=self.urgency,
            secrecy=self.secrecy,
            template_id=node_uuid(self.template_id, "DocumentTemplate"),
            org_unit_id=node_uuid(self.org_unit_id, "OrgUnit"),
        )


@strawberry.mutation(description="A draft (拟稿), optionally from a template.")
async def create_document(info: Info, input: Input[CreateDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
