"""Exchange types: recipients (交换伙伴), dispatches (分发) with each recipient's status, the
incoming box (收文箱) and partner pairs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import exchange as m
from models.documents import Secrecy, Urgency
from models.tenants import Tenant as TenantRow
from models.tenants import TenantStatus
from resolvers import exchange as r
from resolvers.documents import download_link
from resolvers.tenants import TenantById
from schema.directory.types import OrgUnit, User
from schema.documents.types import Document
from schema.nodes import LoadedNode
from schema.tenants.types import Tenant
from schema.types import Info, describe_values
from services.exchange.partners import Relation

TENANT_TYPES = ("Tenant", "ExchangeRecipient")
"""A tenant is named by its Tenant or its ExchangeRecipient global id."""

strawberry.enum(m.RecipientRole, name="RecipientRole", description="主送 (MAIN) or 抄送 (COPY).")
describe_values(m.RecipientRole, {"MAIN": "主送: the main recipient.", "COPY": "抄送: copied."})
strawberry.enum(
    m.RecipientStatus,
    name="RecipientStatus",
    description="SENT (not yet in the receiver's box), DELIVERED, SIGNED (签收) or RETURNED.",
)
describe_values(
    m.RecipientStatus,
    {
        "SENT": "Sent, not yet delivered.",
        "DELIVERED": "In the receiver's incoming box.",
        "SIGNED": "Signed for (签收).",
        "RETURNED": "Returned by the receiver.",
    },
)
strawberry.enum(
    m.IncomingStatus, name="IncomingStatus", description="PENDING, SIGNED (签收) or RETURNED."
)
describe_values(
    m.IncomingStatus,
    {
        "PENDING": "待签收: waiting to be signed for.",
        "SIGNED": "已签收: signed for.",
        "RETURNED": "已退回: returned to the sender.",
    },
)
strawberry.enum(
    Relation,
    name="ExchangeRelation",
    description="Why a tenant may receive: below the sender, its parent, or a partner pair.",
)
describe_values(
    Relation,
    {
        "DESCENDANT": "A tenant below yours.",
        "PARENT": "The tenant above yours.",
        "PARTNER": "A partner the platform paired you with.",
    },
)


def optional_gid(type_name: str, key: uuid.UUID | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(key)) if key else None


@strawberry.type(name="ExchangeOrgUnit", description="An org unit of a recipient, to address.")
class ExchangeOrgUnit:
    id: relay.GlobalID = strawberry.field(description="Global id of the OrgUnit.")
    name: str = strawberry.field(description="Its name.")
    code: str | None = strawberry.field(description="Its code.")


@strawberry.type(
    name="ExchangeRecipient",
    description="A tenant the viewer's tenant may send documents to (交换伙伴).",
)
class ExchangeRecipient(LoadedNode):
    id: relay.NodeID[str]
    tenant_id: relay.GlobalID = strawberry.field(description="The tenant's own global id.")
    code: str = strawberry.field(description="The department's tenant code.")
    name: str = strawberry.field(description="The department's name.")
    status: TenantStatus = strawberry.field(
        description="What is sent to a SUSPENDED tenant waits until it is active again."
    )
    row: strawberry.Private[TenantRow]

    loader = r.RecipientById

    @classmethod
    def from_model(cls, row: TenantRow) -> ExchangeRecipient:
        return cls(
            id=str(row.id),
            tenant_id=relay.GlobalID("Tenant", str(row.id)),
            code=row.code,
            name=row.name,
            status=row.status,
            row=row,
        )

    @strawberry.field(description="Why you may send to it.")
    async def relation(self, info: Info) -> Relation | None:
        return await r.relation_to(info.context, self.row)

    @strawberry.field(description="Its units right below the root, to address one of them.")
    async def org_units(self, info: Info) -> list[ExchangeOrgUnit]:
        rows = await r.recipient_units(info.context, self.row)
        return [
            ExchangeOrgUnit(id=relay.GlobalID("OrgUnit", str(u.id)), name=u.name, code=u.code)
            for u in rows
        ]


@strawberry.type(name="SentAttachment", description="An attachment as it left the sender.")
class SentAttachment:
    name: str = strawberry.field(description="File name.")
    content_type: str = strawberry.field(description="MIME type, e.g. application/pdf.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")


@strawberry.type(
    name="DispatchRecipient",
    description="One receiver of a dispatch as the sender sees it: where it went and its status.",
)
class DispatchRecipient(LoadedNode):
    id: relay.NodeID[str]
    receiver_tenant_id: relay.GlobalID = strawberry.field(
        description="Global id of the receiving Tenant."
    )
    receiver_code: str = strawberry.field(description="Its tenant code.")
    receiver_name: str = strawberry.field(description="Its name.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        description="The receiver's org unit it was addressed to; null for the whole tenant."
    )
    org_unit_name: str | None = strawberry.field(
        description="The org unit addressed, or null for the whole department."
    )
    role: m.RecipientRole = strawberry.field(description="主送 or 抄送.")
    status: m.RecipientStatus = strawberry.field(description="Sent, delivered, signed or returned.")
    sent_at: datetime = strawberry.field(description="When it was sent.")
    delivered_at: datetime | None = strawberry.field(description="When it was delivered, or null.")
    signed_at: datetime | None = strawberry.field(
        description="When it was signed for (签收), or null."
    )
    returned_at: datetime | None = strawberry.field(description="When it was returned, or null.")
    return_reason: str | None = strawberry.field(description="Why the receiver returned it.")
    delivery_attempts: int = strawberry.field(description="Delivery attempts so far.")
    delivery_error: str | None = strawberry.field(
        description="Why the last delivery attempt failed (it is retried)."
    )

    loader = r.DispatchRecipientById

    @classmethod
    def from_model(cls, row: m.DispatchRecipient) -> DispatchRecipient:
        return cls(
            id=str(row.id),
            receiver_tenant_id=relay.GlobalID("Tenant", str(row.receiver_tenant_id)),
            receiver_code=row.receiver_code,
            receiver_name=row.receiver_name,
            org_unit_id=optional_gid("OrgUnit", row.receiver_unit_id),
            org_unit_name=row.unit_name,
            role=row.role,
            status=row.status,
            sent_at=row.created_at,
            delivered_at=row.delivered_at,
            signed_at=row.signed_at,
            returned_at=row.returned_at,
            return_reason=row.return_reason,
            delivery_attempts=row.attempts,
            delivery_error=row.last_error,
        )


@strawberry.type(
    name="Dispatch", description="分发: one sending of a completed 发文, with what left."
)
class Dispatch(LoadedNode):
    id: relay.NodeID[str]
    comment: str | None = strawberry.field(description="The sender's note; it does not leave.")
    sent_at: datetime = strawberry.field(description="When it was sent.")
    title: str = strawberry.field(description="The document's title as sent.")
    number: str | None = strawberry.field(description="The document number (文号) as sent.")
    urgency: Urgency = strawberry.field(description="缓急: how urgent.")
    secrecy: Secrecy = strawberry.field(description="密级: secrecy level.")
    public_fields: JSON = strawberry.field(description="The form fields marked x-public.")
    attachments: list[SentAttachment] = strawberry.field(description="The files sent.")
    row: strawberry.Private[m.Dispatch]

    loader = r.DispatchById

    @classmethod
    def from_model(cls, row: m.Dispatch) -> Dispatch:
        copy: dict[str, Any] = row.contents
        return cls(
            id=str(row.id),
            comment=row.comment,
            sent_at=row.created_at,
            title=copy["title"],
            number=copy["number"],
            urgency=copy["urgency"],
            secrecy=copy["secrecy"],
            public_fields=cast(JSON, copy["fields"]),
            attachments=[
                SentAttachment(
                    name=a["name"],
                    content_type=a["contentType"],
                    size=a["size"],
                    sha256=a["sha256"],
                )
                for a in copy["attachments"]
            ],
            row=row,
        )

    @strawberry.field(description="The document sent.")
    async def document(self, info: Info) -> Document | None:
        return await Document.load(info, self.row.document_id)

    @strawberry.field(description="Who sent it.")
    async def sent_by(self, info: Info) -> User | None:
        return await User.load(info, self.row.sent_by_id)

    @strawberry.field(description="Each receiver with its status, in the order named.")
    async def recipients(self, info: Info) -> list[DispatchRecipient]:
        rows = await r.RecipientsByDispatch(info.context).load(self.row.id)
        return [DispatchRecipient.from_model(row) for row in rows]


@strawberry.type(
    name="IncomingAttachment", description="An attachment of an incoming item (the sent file)."
)
class IncomingAttachment(LoadedNode):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="File name.")
    content_type: str = strawberry.field(description="MIME type, e.g. application/pdf.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")
    row: strawberry.Private[m.IncomingAttachment]

    loader = r.IncomingAttachmentById

    @classmethod
    def from_model(cls, row: m.IncomingAttachment) -> IncomingAttachment:
        return cls(
            id=str(row.id),
            name=row.name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            row=row,
        )

    @strawberry.field(description="A link for you alone, valid for a few minutes.")
    def download_url(self, info: Info) -> str | None:
        return download_link(info.context, self.row)


@strawberry.type(
    name="IncomingItem",
    description="收文箱: a copy another tenant sent, to sign for (签收) or return (退回).",
)
class IncomingItem(LoadedNode):
    id: relay.NodeID[str]
    status: m.IncomingStatus = strawberry.field(description="待签收, 已签收 or 已退回.")
    role: m.RecipientRole = strawberry.field(description="主送 (MAIN) or 抄送 (COPY).")
    title: str = strawberry.field(description="The sent document's title.")
    number: str | None = strawberry.field(description="The sender's 文号.")
    urgency: Urgency = strawberry.field(description="缓急: how urgent.")
    secrecy: Secrecy = strawberry.field(description="密级: secrecy level.")
    sender_code: str = strawberry.field(description="The sending department's tenant code.")
    sender_name: str = strawberry.field(description="The issuing department (发文机关).")
    public_fields: JSON = strawberry.field(description="The fields the sender's form marks public.")
    sent_at: datetime = strawberry.field(description="When it was sent.")
    received_at: datetime = strawberry.field(description="When it arrived.")
    handled_at: datetime | None = strawberry.field(
        description="When it was signed for or returned; null while pending."
    )
    return_reason: str | None = strawberry.field(description="Why it was returned, or null.")
    reminded_at: datetime | None = strawberry.field(
        description="When the sender last reminded, or null."
    )
    row: strawberry.Private[m.IncomingItem]

    loader = r.IncomingItemById

    @classmethod
    def from_model(cls, row: m.IncomingItem) -> IncomingItem:
        return cls(
            id=str(row.id),
            status=row.status,
            role=row.role,
            title=row.title,
            number=row.number,
            urgency=row.urgency,
            secrecy=row.secrecy,
            sender_code=row.sender_code,
            sender_name=row.sender_name,
            public_fields=cast(JSON, row.public_fields),
            sent_at=row.sent_at,
            received_at=row.created_at,
            handled_at=row.handled_at,
            return_reason=row.return_reason,
            reminded_at=row.reminded_at,
            row=row,
        )

    @strawberry.field(description="The unit it is addressed to; null for the whole tenant.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.row.org_unit_id)

    @strawberry.field(description="Who signed for or returned it.")
    async def handled_by(self, info: Info) -> User | None:
        return await User.load(info, self.row.handled_by_id)

    @strawberry.field(description="The 收文 document started on signing, if you may read it.")
    async def document(self, info: Info) -> Document | None:
        if self.row.document_id is None:
            return None
        return await Document.load(info, self.row.document_id)

    @strawberry.field(description="The files sent with it.")
    async def attachments(self, info: Info) -> list[IncomingAttachment]:
        rows = await r.AttachmentsByIncoming(info.context).load(self.row.id)
        return [IncomingAttachment.from_model(row) for row in rows]


@strawberry.type(
    name="ExchangePartner",
    description="A platform admin's decision that one tenant may send to another.",
)
class ExchangePartner(LoadedNode):
    id: relay.NodeID[str]
    note: str = strawberry.field(description="Why the two exchange.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    row: strawberry.Private[m.ExchangePartner]

    loader = r.PartnerById

    @classmethod
    def from_model(cls, row: m.ExchangePartner) -> ExchangePartner:
        return cls(id=str(row.id), note=row.note, created_at=row.created_at, row=row)

    @strawberry.field(description="The tenant that may send.")
    async def sender(self, info: Info) -> Tenant | None:
        row = await TenantById(info.context).load(self.row.sender_id)
        return Tenant.from_model(row) if row else None

    @strawberry.field(description="The tenant that may receive.")
    async def receiver(self, info: Info) -> Tenant | None:
        row = await TenantById(info.context).load(self.row.receiver_id)
        return Tenant.from_model(row) if row else None
