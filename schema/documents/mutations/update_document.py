"""updateDocument: a draft, or the fields editable at your task's node."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import documents as m
from resolvers.ids import keep, node_key
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import lifecycle


@strawberry.input
class UpdateDocumentInput:
    id: relay.GlobalID
    title: str | None = strawberry.UNSET
    form_data: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Fields to change (merged into the data)."
    )
    urgency: m.Urgency | None = strawberry.UNSET
    secrecy: m.Secrecy | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.Document]:
        return command(
            lifecycle.update_document,
            id=node_key(self.id, "Document"),
            title=keep(self.title),
            form_data=keep(self.form_data),
            urgency=keep(self.urgency),
            secrecy=keep(self.secrecy),
            expected_version=self.expected_version,
        )


@strawberry.mutation(
    description="Edit a draft (initiator) or the fields editable at your open task's node."
)
async def update_document(info: Info, input: Input[UpdateDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
