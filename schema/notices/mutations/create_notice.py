"""createNotice: a draft notice (通知公告)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import notices as m
from resolvers.ids import node_uuids
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import NoticePayload
from schema.types import Info
from services import notices


@strawberry.input(description="A new notice; nothing is published until publishNotice.")
class CreateNoticeInput:
    title: str = strawberry.field(description="At most 300 characters.")
    body: str = strawberry.field(default="", description="Its text, at most 100000 characters.")
    category: str = strawberry.field(default="", description="e.g. 通知公告; at most 64.")
    priority: m.NoticePriority = strawberry.field(
        default=m.NoticePriority.NORMAL, description="普通, 重要, 紧急."
    )
    pinned: bool = strawberry.field(default=False, description="置顶.")
    valid_from: datetime | None = strawberry.field(default=None, description="Shown from then.")
    valid_until: datetime | None = strawberry.field(
        default=None, description="Shown until then; after validFrom."
    )
    to_everyone: bool = strawberry.field(default=False, description="To the whole tenant.")
    to_subtenants: bool = strawberry.field(
        default=False, description="Also to every tenant below yours (a copy each)."
    )
    org_unit_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="To these units and the units below them."
    )
    role_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="To the holders of these roles."
    )

    def to_command(self) -> Command[m.Notice]:
        return command(
            notices.create_notice,
            title=self.title,
            body=self.body,
            category=self.category,
            priority=self.priority,
            pinned=self.pinned,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            to_everyone=self.to_everyone,
            to_subtenants=self.to_subtenants,
            org_unit_ids=node_uuids(self.org_unit_ids, "OrgUnit"),
            role_ids=node_uuids(self.role_ids, "Role"),
        )


@strawberry.mutation(description="Draft a notice (通知公告).")
async def create_notice(info: Info, input: Input[CreateNoticeInput]) -> NoticePayload:
    return NoticePayload.of(await perform(info, input.to_command()))
