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


@strawberry.input
class TerminateDocumentInput:
    id: relay.GlobalID
    comment: str | None = None

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
