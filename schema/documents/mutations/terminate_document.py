"""terminateDocument: end the flow administratively."""

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


@strawberry.input(description="Stop a document (documents.manage).")
class TerminateDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    comment: str | None = strawberry.field(default=None, description="Why.")

    def to_command(self) -> Command[Run]:
        return command(
            actions.act_on_document,
            document_id=node_key(self.id, "Document"),
            action=DocumentAction.TERMINATE,
            comment=self.comment,
        )


@strawberry.mutation(description="End the flow administratively (documents.manage).")
async def terminate_document(info: Info, input: Input[TerminateDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
