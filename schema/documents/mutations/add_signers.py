"""addSigners: 加签, countersigners or signers before/after you."""

from __future__ import annotations

from typing import Literal, cast

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key, node_uuids
from schema.documents.payloads import TaskPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import actions
from services.documents.runtime import Run
from workflow.vocabulary import TaskAction


@strawberry.input(description="Add signers to a countersign (加签).")
class AddSignersInput:
    id: relay.GlobalID = strawberry.field(description="Global id of your countersign Task.")
    user_ids: list[relay.GlobalID] = strawberry.field(description="Global ids of the Users to add.")
    position: str = strawberry.field(
        default="after", description="Task nodes: 'before' or 'after' you (加签)."
    )
    comment: str | None = strawberry.field(default=None, description="Why.")

    def to_command(self) -> Command[tuple[Run, m.Task]]:
        return command(
            actions.act_on_task,
            task_id=node_key(self.id, "Task"),
            action=TaskAction.ADD_SIGNERS,
            comment=self.comment,
            user_ids=node_uuids(self.user_ids, "User"),
            position=cast(Literal["before", "after"], self.position),  # the engine checks it
        )


@strawberry.mutation(description="加签: add countersigners, or signers before/after you.")
async def add_signers(info: Info, input: Input[AddSignersInput]) -> TaskPayload:
    return TaskPayload.of(await perform(info, input.to_command()))
