"""urgeDocument: 催办, remind the holders of open tasks."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.ids import node_key, node_uuid
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import DocumentAction


@strawberry.input(description="Urge (催办) the holders of a document's open tasks.")
class UrgeDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    task_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One open task; default: every open task."
    )
    comment: str | None = strawberry.field(default=None, description="The reminder's text.")

    def to_command(self) -> Command[Run]:
        return command(
            actions.act_on_document,
            document_id=node_key(self.id, "Document"),
            action=DocumentAction.URGE,
            comment=self.comment,
            task_id=node_uuid(self.task_id, "Task"),
        )


@strawberry.mutation(description="催办: remind the holders of open tasks.")
async def urge_document(info: Info, input: Input[UrgeDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
