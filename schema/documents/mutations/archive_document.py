"""archiveDocument: 归档 a completed document."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import documents as m
from resolvers.ids import node_key
from schema.documents.payloads import DocumentPayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import lifecycle


@strawberry.input(description="Archive (归档) a finished document.")
class ArchiveDocumentInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Document.")

    def to_command(self) -> Command[m.Document]:
        return command(lifecycle.archive_document, id=node_key(self.id, "Document"))


@strawberry.mutation(description="归档 a completed document.")
async def archive_document(info: Info, input: Input[ArchiveDocumentInput]) -> DocumentPayload:
    return DocumentPayload.of(await perform(info, input.to_command()))
