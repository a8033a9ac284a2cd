"""Attachments: one version of a file attached to a document."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import documents as m
from resolvers import documents as r
from schema.directory.types import User
from schema.nodes import LoadedNode
from schema.types import Info


@strawberry.type(name="Attachment", description="One version of a file attached to a document.")
class Attachment(LoadedNode):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="File name as uploaded.")
    content_type: str = strawberry.field(description="MIME type, e.g. application/pdf.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    row: strawberry.Private[m.Attachment]

    loader = r.ReadableAttachmentById

    @classmethod
    def from_model(cls, row: m.Attachment) -> Attachment:
        return cls(
            id=str(row.id),
            name=row.name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who uploaded this version.")
    async def uploaded_by(self, info: Info) -> User | None:
        return await User.load(info, self.row.uploaded_by_id)

    @strawberry.field(description="A link for you alone, valid for a few minutes.")
    def download_url(self, info: Info) -> str | None:
        return r.download_link(info.context, self.row)
