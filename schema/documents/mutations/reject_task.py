"""rejectTask: 不同意, back to the node's rejectTo or the end."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import documents as m
from resolvers.ids import keep, node_key
from schema.documents.payloads import TaskPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import TaskAction


@strawberry.input(description="Reject (不同意) a task, ending the document.")
class RejectTaskInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Task.")
    comment: str | None = strawberry.field(default=None, description="Why.")
    form_data: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Editable fields of this node to change."
    )
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
            action=TaskAction.REJECT,
            comment=self.comment,
            form_data=keep(self.form_data),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Reject (不同意): back to the node's rejectTo, else the end.")
async def reject_task(info: Info, input: Input[RejectTaskInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
