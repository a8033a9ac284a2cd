"""claimTask: 签收 a pool task."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import TaskPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import TaskAction


@strawberry.input(description="Claim a pool task.")
class ClaimTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.CLAIM,
        )


@strawberry.mutation(description="Claim a pool task (签收) so that you act on it.")
async def claim_task(info: Info, input: Input[ClaimTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
