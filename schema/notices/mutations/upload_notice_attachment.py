"""uploadNoticeAttachment: a file on a notice you may still edit."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from i18n import _
from models import notices as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform, refused
from schema.notices.payloads import NoticeAttachmentPayload
from schema.types import Info
from services import notices
from services.documents.attachments import AttachmentPolicy
from services.documents.storage import Incoming
from services.errors import Code


@strawberry.input(description="The file and its notice.")
class UploadNoticeAttachmentInput:
    notice_id: relay.GlobalID = strawberry.field(description="A draft or rejected notice.")
    file: Upload = strawberry.field(description="The file (GraphQL multipart request spec).")

    def to_command(self, policy: AttachmentPolicy, file: Incoming) -> Command[m.NoticeAttachment]:
        return command(
            notices.upload_notice_attachment,
            policy,
            notice_id=node_key(self.notice_id, "Notice"),
            file=file,
        )


@strawberry.mutation(
    description="Attach a file to a notice (multipart; send the header GraphQL-Require-Preflight)."
)
async def upload_notice_attachment(
    info: Info, input: Input[UploadNoticeAttachmentInput]
) -> NoticeAttachmentPayload:
    policy, file = info.context.attachments, input.file
    if policy is None or not isinstance(file, Incoming):
        refusal = refused(Code.INVALID, _("Send the file as a multipart upload"), "file")
        return NoticeAttachmentPayload.of(refusal)
    return NoticeAttachmentPayload.of(await perform(info, input.to_command(policy, file)))
