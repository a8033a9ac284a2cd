"""returnTask: 退回 to the previous or an earlier node."""

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


@strawberry.input(description="Return (退回) a task to an earlier node.")
class ReturnTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")
    target_node_id: str | None = strawberry.field(
        default=None, description="One of the task's returnTargets; default: the previous node."
    )
    comment: str | None = strawberry.field(default=None, description="Why.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.RETURN,
            comment=self.comment,
            target_node_id=self.target_node_id,
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="退回 to the previous or any earlier node.")
async def return_task(info: Info, input: Input[ReturnTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
