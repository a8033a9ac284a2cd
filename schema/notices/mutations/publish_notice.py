"""publishNotice: publish now, or submit for approval."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import notices as m
from resolvers.ids import node_key, node_uuid
from schema.mutations import Command, Input, command, perform
from schema.notices.payloads import NoticePayload
from schema.types import Info
from services import notices


@strawberry.input(description="The notice to publish, and how.")
class PublishNoticeInput:
    id: relay.GlobalID = strawberry.field(description="A draft or rejected notice.")
    approval_document_type_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Submit it for approval through a document of this type (its flow); the "
        "notice is published when that document completes. Without it, only holders of "
        "notices.publish may publish.",
    )

    def to_command(self) -> Command[m.Notice]:
        return command(
            notices.publish_notice,
            id=node_key(self.id, "Notice"),
            approval_document_type_id=node_uuid(self.approval_document_type_id, "DocumentType"),
        )


@strawberry.mutation(description="Publish a notice, or submit it for approval (审批).")
async def publish_notice(info: Info, input: Input[PublishNoticeInput]) -> NoticePayload:
    return NoticePayload.of(await perform(info, input.to_command()))
