"""transferTask: 转交 for good."""

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


@strawberry.input(description="Transfer (转交) a task to another user.")
class TransferTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")
    to_user_id: relay.GlobalID = strawberry.field(
        description="Global id of the User who takes it over."
    )
    comment: str | None = strawberry.field(default=None, description="A note to her.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.TRANSFER,
            comment=self.comment,
            to_user_id=node_key(self.to_user_id, "User"),
        )


@strawberry.mutation(description="转交 your task to someone else for good.")
async def transfer_task(info: Info, input: Input[TransferTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
