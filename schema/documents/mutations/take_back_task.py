"""takeBackTask: 撤回 by the previous handler."""

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


@strawberry.input(
    description=("Take back (撤回) the task you handed on, while the next handler has not acted.")
)
class TakeBackTaskInput:
    id: relay.GlobalID = strawberry.field(description="The task you completed (已办).")
    comment: str | None = strawberry.field(default=None, description="Why (in the trail).")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.TAKE_BACK,
            comment=self.comment,
        )


@strawberry.mutation(
    description="撤回: take back a step you approved while the next one is untouched (nobody "
    "opened, claimed or acted on it); its tasks close as WITHDRAWN and the task comes back to "
    "you (the payload's task is the one you completed)."
)
async def take_back_task(info: Info, input: Input[TakeBackTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
