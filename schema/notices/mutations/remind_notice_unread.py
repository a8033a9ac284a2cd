"""remindNoticeUnread: 催阅."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import RemindNoticeUnreadPayload
from schema.types import Info
from services import notices


@strawberry.input(description="The notice whose unread recipients to remind.")
class RemindNoticeUnreadInput:
    id: relay.GlobalID = strawberry.field(description="A published notice you wrote or manage.")

    def to_command(self) -> Command[list[uuid.UUID]]:
        return command(notices.remind_unread, id=node_key(self.id, "Notice"))


@strawberry.mutation(description="Remind (催阅) everyone it reaches who has not read it yet.")
async def remind_notice_unread(
    info: Info, input: Input[RemindNoticeUnreadInput]
) -> RemindNoticeUnreadPayload:
    return RemindNoticeUnreadPayload.of(await perform(info, input.to_command()))
