"""jumpDocument: 跳转 to any step, by a document manager."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import DocumentAction


@strawberry.input(description="Move a document to another node (跳转), documents.manage.")
class JumpDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    node_id: str = strawberry.field(description="A task, countersign or end node of its flow.")
    reason: str = strawberry.field(description="Why; recorded in the trail.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[Run]:
        return command(
            actions.act_on_document,
            document_id=node_key(self.id, "Document"),
            action=DocumentAction.JUMP,
            comment=self.reason,
            expected_version=self.expected_version,
            node_id=self.node_id,
        )


@strawberry.mutation(
    description="跳转 (documents.manage): move the document to any step, with a reason. Open "
    "tasks in the way close as JUMPED; parallel branches the target does not share carry on; "
    "see docs/flows.md."
)
async def jump_document(info: Info, input: Input[JumpDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
