"""unclaimTask: put a claimed pool task back."""

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


@strawberry.input(description="Give a claimed task back to the pool.")
class UnclaimTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.UNCLAIM,
        )


@strawberry.mutation(description="Put a claimed pool task back for the other candidates.")
async def unclaim_task(info: Info, input: Input[UnclaimTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
