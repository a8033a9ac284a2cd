"""submitDocument: start the flow."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import lifecycle


@strawberry.input(description="Submit a draft into its flow.")
class SubmitDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    comment: str | None = strawberry.field(default=None, description="A comment for the trail.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.Document]:
        return command(
            lifecycle.submit_document,
            id=node_key(self.id, "Document"),
            comment=self.comment,
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Start the flow (the draft must satisfy the form).")
async def submit_document(info: Info, input: Input[SubmitDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
