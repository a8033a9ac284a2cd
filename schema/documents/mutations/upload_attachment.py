"""uploadAttachment: a file, or a new version of one, on a document you may edit."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from i18n import _
from models import documents as m
from resolvers.ids import node_key, node_uuid
from schema.documents.payloads import AttachmentPayload
from schema.mutations import Command, Input, command, perform, refused
from schema.types import Info
from services.documents import attachments
from services.documents.attachments import AttachmentPolicy
from services.documents.storage import Incoming
from services.errors import Code


@strawberry.input(description="A file for a document (multipart upload).")
class UploadAttachmentInput:
    document_id: relay.GlobalID = strawberry.field(description="Global id of the Document.")
    file: Upload = strawberry.field(description="The file (GraphQL multipart request spec).")
    replaces_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Upload a new version of this attachment."
    )

    def to_command(self, policy: AttachmentPolicy, file: Incoming) -> Command[m.Attachment]:
        return command(
            attachments.upload,
            policy,
            document_id=node_key(self.document_id, "Document"),
            file=file,
            replaces_id=node_uuid(self.replaces_id, "Attachment"),
        )


@strawberry.mutation(
    description="Attach a file to a document you may edit (multipart; send the header "
    "GraphQL-Require-Preflight)."
)
async def upload_attachment(info: Info, input: Input[UploadAttachmentInput]) -> AttachmentPayload:
    policy, file = info.context.attachments, input.file
    if policy is None or not isinstance(file, Incoming):
        refusal = refused(Code.INVALID, _("Send the file as a multipart upload"), "file")
        return AttachmentPayload.of(refusal)
    return AttachmentPayload.of(await perform(info, input.to_command(policy, file)))
