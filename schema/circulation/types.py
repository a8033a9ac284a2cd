"""Circulation (传阅 / 抄送) as GraphQL types: a circulation with each recipient's read time,
and the copies in the 待阅 / 已阅 boxes."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay

from models import circulation as m
from resolvers import circulation as r
from resolvers.circulation import ReadStatus
from schema.directory.types import User
from schema.documents.types import Document
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(
    m.CirculationSource,
    name="CirculationSource",
    description="How a circulation came about: MANUAL (a reader's 传阅), FLOW (a node's cc "
    "rule, 抄送), PASS_ON (a recipient's 转阅).",
)
describe_values(
    m.CirculationSource,
    {
        "MANUAL": "传阅: a reader circulated it.",
        "FLOW": "抄送: a node's cc rule, as the node completed.",
        "PASS_ON": "转阅: a recipient passed it on.",
    },
)
strawberry.enum(
    ReadStatus, name="CirculationReadStatus", description="待阅 (UNREAD) or 已阅 (READ)."
)

describe_values(ReadStatus, {"UNREAD": "待阅: not read yet.", "READ": "已阅: read."})


@strawberry.type(
    name="Circulation",
    description="传阅 / 抄送: a document sent to people to read, with each one's read time. "
    "Visible to whoever may read the document.",
)
class Circulation(LoadedNode):
    id: relay.NodeID[str]
    source: m.CirculationSource = strawberry.field(description="How it came about.")
    note: str = strawberry.field(description="The sender's note (附言).")
    node_name: str | None = strawberry.field(description="The node whose cc rule sent it.")
    allow_pass_on: bool = strawberry.field(description="Whether recipients may pass it on.")
    created_at: datetime = strawberry.field(description="When it was sent.")
    row: strawberry.Private[m.Circulation]

    loader = r.CirculationById

    @classmethod
    def from_model(cls, row: m.Circulation) -> Circulation:
        return cls(
            id=str(row.id),
            source=row.source,
            note=row.note,
            node_name=row.node_name,
            allow_pass_on=row.allow_pass_on,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who sent it; null when the system completed the node.")
    async def sender(self, info: Info) -> User | None:
        return await User.load(info, self.row.sender_id)

    @strawberry.field(description="The document circulated.")
    async def document(self, info: Info) -> Document | None:
        return await Document.load(info, self.row.document_id)

    @strawberry.field(description="Every recipient with her read time, in the order sent.")
    async def recipients(self, info: Info) -> list[CirculationRecipient]:
        rows = await r.RecipientsByCirculation(info.context).load(self.row.id)
        return [CirculationRecipient.from_model(x) for x in rows]


@strawberry.type(
    name="CirculationRecipient",
    description="One person's copy of a circulation: 待阅 until read, then 已阅.",
)
class CirculationRecipient(relay.Node):
    id: relay.NodeID[str]
    read_at: datetime | None = strawberry.field(description="When she read it.")
    urged_at: datetime | None = strawberry.field(description="When the sender last urged.")
    created_at: datetime = strawberry.field(description="When it reached her.")
    row: strawberry.Private[m.CirculationRecipient]

    @classmethod
    def from_model(cls, row: m.CirculationRecipient) -> CirculationRecipient:
        return cls(
            id=str(row.id),
            read_at=row.read_at,
            urged_at=row.urged_at,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="待阅 or 已阅.")
    def status(self) -> ReadStatus:
        return ReadStatus.UNREAD if self.read_at is None else ReadStatus.READ

    @strawberry.field(description="The recipient.")
    async def user(self, info: Info) -> User | None:
        return await User.load(info, self.row.user_id)

    @strawberry.field(description="The circulation this copy belongs to.")
    async def circulation(self, info: Info) -> Circulation | None:
        return await Circulation.load(info, self.row.circulation_id)

    @strawberry.field(description="The document to read.")
    async def document(self, info: Info) -> Document | None:
        return await Document.load(info, uuid.UUID(str(self.row.document_id)))
