"""revokeNotice: 撤销, from every reader and every copy below."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import notices as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import NoticePayload
from schema.types import Info
from services import notices


@strawberry.input(description="The notice to revoke.")
class RevokeNoticeInput:
    id: relay.GlobalID = strawberry.field(description="A published or pending notice.")
    reason: str | None = strawberry.field(default=None, description="At most 1000 characters.")

    def to_command(self) -> Command[m.Notice]:
        return command(notices.revoke_notice, id=node_key(self.id, "Notice"), reason=self.reason)


@strawberry.mutation(description="Revoke (撤销) a notice: it disappears for every reader.")
async def revoke_notice(info: Info, input: Input[RevokeNoticeInput]) -> NoticePayload:
    return NoticePayload.of(await perform(info, input.to_command()))
