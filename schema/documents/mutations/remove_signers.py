"""removeSigners: 减签 at an open countersign."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.ids import node_key, node_uuids
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import DocumentAction


@strawberry.input(description="Remove signers from a countersign (减签).")
class RemoveSignersInput:
    id: relay.GlobalID = strawberry.field(description="The document.")
    node_id: str = strawberry.field(description="The countersign node (removableSigners).")
    user_ids: list[relay.GlobalID] = strawberry.field(
        description="Global ids of the Users to remove (see removableSigners)."
    )
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
            action=DocumentAction.REMOVE_SIGNERS,
            comment=self.reason,
            expected_version=self.expected_version,
            node_id=self.node_id,
            user_ids=node_uuids(self.user_ids, "User"),
        )


@strawberry.mutation(
    description="减签: signers of an open countersign who have not voted stop voting (their "
    "tasks close as REMOVED) and the tally is taken again, so removing the last one who held "
    "it up decides the node. Whoever added them may remove them, and a documents.manage "
    "holder anyone; the last signer stays (LAST_SIGNER)."
)
async def remove_signers(info: Info, input: Input[RemoveSignersInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
