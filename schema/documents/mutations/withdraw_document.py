"""withdrawDocument: 收回 before anyone acted."""

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


@strawberry.input(description="Withdraw (收回) your document.")
class WithdrawDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    comment: str | None = strawberry.field(default=None, description="Why.")

    def to_command(self) -> Command[Run]:
        return command(
            actions.act_on_document,
            document_id=node_key(self.id, "Document"),
            action=DocumentAction.WITHDRAW,
            comment=self.comment,
        )


@strawberry.mutation(description="收回: the initiator takes it back before anyone acted.")
async def withdraw_document(info: Info, input: Input[WithdrawDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
