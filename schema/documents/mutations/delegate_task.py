"""delegateTask: 委托, with or without the task coming back."""

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


@strawberry.input(description="Delegate (委托) a task to another user.")
class DelegateTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")
    to_user_id: relay.GlobalID = strawberry.field(
        description="Global id of the User who acts instead."
    )
    return_after: bool = strawberry.field(
        default=True, description="委托: the task comes back to you to decide (else: hand over)."
    )
    comment: str | None = strawberry.field(default=None, description="A note to her.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.DELEGATE,
            comment=self.comment,
            to_user_id=node_key(self.to_user_id, "User"),
            return_after=self.return_after,
        )


@strawberry.mutation(description="委托 your task to someone, with or without it coming back.")
async def delegate_task(info: Info, input: Input[DelegateTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
