"""openTask: the holder opens her task; the first time is recorded (撤回 ends there)."""

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


@strawberry.input(description="Mark a task read (its first open).")
class OpenTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task, task_id=node_key(self.id, "Task"), action=TaskAction.OPEN
        )


@strawberry.mutation(
    description="Record that the holder (or a candidate) opened the task, the first time: call "
    "it when a task is shown to someone whose allowedActions include OPEN. From then on its "
    "previous handler can no longer take the step back (撤回)."
)
async def open_task(info: Info, input: Input[OpenTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
