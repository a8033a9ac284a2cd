"""Notices (通知公告), their attachments and read receipts."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import notices as m
from resolvers import notices as r
from resolvers.documents import DocumentById, download_link
from resolvers.notices import UnitReceipt
from schema.directory.types import OrgUnit, User
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(
    m.NoticeStatus,
    name="NoticeStatus",
    description="DRAFT; PENDING while its approval flow runs; PUBLISHED; REJECTED by the "
    "approval (editable again); REVOKED (撤销: gone from every reader).",
)
describe_values(
    m.NoticeStatus,
    {
        "DRAFT": "Being drafted, published to nobody.",
        "PENDING": "In its approval flow.",
        "PUBLISHED": "Shown to its audience within its validity period.",
        "REJECTED": "Its approval flow did not complete; editable again.",
        "REVOKED": "撤销: gone for every reader.",
    },
)
strawberry.enum(m.NoticePriority, name="NoticePriority", description="普通, 重要, 紧急.")
describe_values(m.NoticePriority, {"NORMAL": "普通.", "IMPORTANT": "重要.", "URGENT": "紧急."})


@strawberry.type(description="A file attached to a notice.")
class NoticeAttachment:
    id: relay.GlobalID = strawberry.field(description="Its global id.")
    name: str = strawberry.field(description="The file name.")
    content_type: str = strawberry.field(description="Its media type.")
    size: int = strawberry.field(description="Bytes.")
    row: strawberry.Private[m.NoticeAttachment]

    @classmethod
    def from_model(cls, row: m.NoticeAttachment) -> NoticeAttachment:
        return cls(
            id=relay.GlobalID("NoticeAttachment", str(row.id)),
            name=row.name,
            content_type=row.content_type,
            size=row.size,
            row=row,
        )

    @strawberry.field(description="A link for you alone, valid for a few minutes.")
    def download_url(self, info: Info) -> str | None:
        return download_link(info.context, self.row)


@strawberry.type(description="Who has read a notice and who has not, in one org unit.")
class NoticeUnitReceipt:
    unit_name: str = strawberry.field(description="The unit's name; empty for users in none.")
    read: list[User] = strawberry.field(description="已阅: who has read it.")
    unread: list[User] = strawberry.field(description="未阅: who has not.")
    read_count: int = strawberry.field(description="How many have read it.")
    unread_count: int = strawberry.field(description="How many have not.")
    unit_id: strawberry.Private[object]

    @classmethod
    def of(cls, receipt: UnitReceipt) -> NoticeUnitReceipt:
        return cls(
            unit_name=receipt.unit_name,
            read=[User.from_model(u) for u in receipt.read],
            unread=[User.from_model(u) for u in receipt.unread],
            read_count=len(receipt.read),
            unread_count=len(receipt.unread),
            unit_id=receipt.unit_id,
        )

    @strawberry.field(description="The org unit (the users' primary one).")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.unit_id)  # type: ignore[arg-type]


@strawberry.type(
    name="Notice", description="A notice (通知公告) published to a tenant, units or roles."
)
class Notice(LoadedNode):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text.")
    category: str = strawberry.field(description="e.g. 通知公告, 会议通知; free text, at most 64.")
    priority: m.NoticePriority = strawberry.field(description="普通, 重要, 紧急.")
    pinned: bool = strawberry.field(description="置顶: listed before the others.")
    valid_from: datetime | None = strawberry.field(description="Shown from then on.")
    valid_until: datetime | None = strawberry.field(description="Shown until then.")
    status: m.NoticeStatus = strawberry.field(description="Where it is in its life.")
    to_everyone: bool = strawberry.field(description="Published to the whole tenant.")
    to_subtenants: bool = strawberry.field(description="Also sent down the tenant tree.")
    publisher: str = strawberry.field(description="Who it is from: a unit or a sending tenant.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    received: bool = strawberry.field(description="A copy received from a tenant above.")
    version: int = strawberry.field(description="Send as expectedVersion to detect conflicts.")
    row: strawberry.Private[m.Notice]

    loader = r.NoticeById

    @classmethod
    def from_model(cls, row: m.Notice) -> Notice:
        return cls(
            id=str(row.id),
            title=row.title,
            body=row.body,
            category=row.category,
            priority=row.priority,
            pinned=row.pinned,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            status=row.status,
            to_everyone=row.to_everyone,
            to_subtenants=row.to_subtenants,
            publisher=row.publisher,
            published_at=row.published_at,
            revoked_at=row.revoked_at,
            received=row.source_notice_id is not None,
            version=row.version,
            row=row,
        )

    @strawberry.field(description="Its files.")
    async def attachments(self, info: Info) -> list[NoticeAttachment]:
        rows = await r.AttachmentsByNotice(info.context).load(self.row.id)
        return [NoticeAttachment.from_model(a) for a in rows]

    @strawberry.field(description="Whether you have read it (markNoticeRead).")
    async def read_by_me(self, info: Info) -> bool:
        return await r.ReadByViewer(info.context).load(self.row.id)

    @strawberry.field(
        description="Read receipts per org unit; null unless you wrote it or manage notices."
    )
    async def receipts(self, info: Info) -> list[NoticeUnitReceipt] | None:
        found = await r.receipts(info.context, self.row)
        return None if found is None else [NoticeUnitReceipt.of(u) for u in found]

    @strawberry.field(description="Its author; null for a received copy.")
    async def author(self, info: Info) -> User | None:
        return await User.load(info, self.row.author_id)

    @strawberry.field(
        description="The document its approval flow runs on, when submitted for approval and "
        "you may read it."
    )
    async def approval_document_id(self, info: Info) -> relay.GlobalID | None:
        key = self.row.approval_document_id
        if key is None or await DocumentById(info.context).load(key) is None:
            return None
        return relay.GlobalID("Document", str(key))
