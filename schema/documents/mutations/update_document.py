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


@strawberry.input(description="Changes to a draft; omitted fields stay as they are.")
class UpdateDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    form_data: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Fields to change (merged into the data)."
    )
    urgency: m.Urgency | None = strawberry.field(
        default=strawberry.UNSET, description="New urgency."
    )
    secrecy: m.Secrecy | None = strawberry.field(
        default=strawberry.UNSET, description="New secrecy level."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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
