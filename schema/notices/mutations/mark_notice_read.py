"""markNoticeRead: the read receipt (已阅)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import notices as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import NoticePayload
from schema.types import Info
from services import notices


@strawberry.input(description="The notice you have read.")
class MarkNoticeReadInput:
    id: relay.GlobalID = strawberry.field(description="A notice published to you.")

    def to_command(self) -> Command[m.Notice]:
        return command(notices.mark_notice_read, id=node_key(self.id, "Notice"))


@strawberry.mutation(description="Record that you have read a notice (again is harmless).")
async def mark_notice_read(info: Info, input: Input[MarkNoticeReadInput]) -> NoticePayload:
    return NoticePayload.of(await perform(info, input.to_command()))
