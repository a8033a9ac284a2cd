"""updateNotice: change a draft (or a rejected) notice."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import notices as m
from resolvers.ids import keep, node_key, node_uuids
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import NoticePayload
from schema.types import Info
from services import notices
from services.inputs import KEEP


@strawberry.input(description="What to change; fields not sent are kept.")
class UpdateNoticeInput:
    id: relay.GlobalID = strawberry.field(description="The notice.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    body: str | None = strawberry.field(default=strawberry.UNSET, description="New text.")
    category: str | None = strawberry.field(default=strawberry.UNSET, description="New category.")
    priority: m.NoticePriority | None = strawberry.field(
        default=strawberry.UNSET, description="New priority."
    )
    pinned: bool | None = strawberry.field(default=strawberry.UNSET, description="置顶 or not.")
    valid_from: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="null: from publication on."
    )
    valid_until: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="null: without end."
    )
    to_everyone: bool | None = strawberry.field(default=strawberry.UNSET, description="To all.")
    to_subtenants: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Down the tenant tree."
    )
    org_unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the units."
    )
    role_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the roles."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refused with CONFLICT if the notice changed meanwhile."
    )

    def to_command(self) -> Command[m.Notice]:
        units, roles = self.org_unit_ids, self.role_ids
        return command(
            notices.update_notice,
            id=node_key(self.id, "Notice"),
            expected_version=self.expected_version,
            title=keep(self.title),
            body=keep(self.body),
            category=keep(self.category),
            priority=keep(self.priority),
            pinned=keep(self.pinned),
            valid_from=keep(self.valid_from),
            valid_until=keep(self.valid_until),
            to_everyone=keep(self.to_everyone),
            to_subtenants=keep(self.to_subtenants),
            org_unit_ids=KEEP if units is strawberry.UNSET else node_uuids(units or [], "OrgUnit"),
            role_ids=KEEP if roles is strawberry.UNSET else node_uuids(roles or [], "Role"),
        )


@strawberry.mutation(description="Change a draft or rejected notice you wrote (or manage).")
async def update_notice(info: Info, input: Input[UpdateNoticeInput]) -> NoticePayload:
    return NoticePayload.of(await perform(info, input.to_command()))
