"""Exchange between departments (公文交换): partner pairs (交换伙伴), distributing a completed
发文 (分发) with each recipient's status, and the incoming box (收文箱) with signing (签收) and
returning (退回)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import exchange as m
from models.tenants import Tenant as TenantRow
from resolvers import exchange as r
from resolvers.errors import Problem
from resolvers.exchange import Relation
from resolvers.pagination import PageArgs
from schema.connection import Connection, node_keys
from schema.directory import OrgUnit, User
from schema.documents import Document, SecrecyEnum, UrgencyEnum
from schema.errors import UserError, user_errors
from schema.tenants import Tenant, TenantStatusEnum
from schema.types import Info

RecipientRoleEnum = strawberry.enum(
    m.RecipientRole, name="RecipientRole", description="主送 (MAIN) or 抄送 (COPY)."
)
RecipientStatusEnum = strawberry.enum(
    m.RecipientStatus,
    name="RecipientStatus",
    description="SENT (not yet in the receiver's box), DELIVERED, SIGNED (签收) or RETURNED.",
)
IncomingStatusEnum = strawberry.enum(
    m.IncomingStatus, name="IncomingStatus", description="PENDING, SIGNED (签收) or RETURNED."
)
ExchangeRelationEnum = strawberry.enum(
    Relation,
    name="ExchangeRelation",
    description="Why a tenant may receive: below the sender, its parent, or a partner pair.",
)


def _gid(type_name: str, key: uuid.UUID | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(key)) if key else None


async def _user(info: Info, user_id: uuid.UUID | None) -> User | None:
    if user_id is None:
        return None
    row = await info.context.loaders.user.load(user_id)
    return User.from_model(row) if row else None


@strawberry.type(name="ExchangeOrgUnit", description="An org unit of a recipient, to address.")
class ExchangeOrgUnit:
    id: relay.GlobalID
    name: str
    code: str | None


@strawberry.type(
    name="ExchangeRecipient",
    description="A tenant the viewer's tenant may send documents to (交换伙伴).",
)
class ExchangeRecipient(relay.Node):
    id: relay.NodeID[str]
    tenant_id: relay.GlobalID = strawberry.field(description="The tenant's own global id.")
    code: str
    name: str
    status: TenantStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="What is sent to a SUSPENDED tenant waits until it is active again."
    )
    row: strawberry.Private[TenantRow]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ExchangeRecipient | None]:
        rows = await r.recipient_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field
    async def relation(self, info: Info) -> ExchangeRelationEnum | None:  # type: ignore[valid-type]
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
    name: str
    content_type: str
    size: int
    sha256: str


@strawberry.type(
    name="DispatchRecipient",
    description="One receiver of a dispatch as the sender sees it: where it went and its status.",
)
class DispatchRecipient(relay.Node):
    id: relay.NodeID[str]
    receiver_tenant_id: relay.GlobalID
    receiver_code: str
    receiver_name: str
    org_unit_id: relay.GlobalID | None = strawberry.field(
        description="The receiver's org unit it was addressed to; null for the whole tenant."
    )
    org_unit_name: str | None
    role: RecipientRoleEnum  # type: ignore[valid-type]
    status: RecipientStatusEnum  # type: ignore[valid-type]
    sent_at: datetime
    delivered_at: datetime | None
    signed_at: datetime | None
    returned_at: datetime | None
    return_reason: str | None = strawberry.field(description="Why the receiver returned it.")
    delivery_attempts: int
    delivery_error: str | None = strawberry.field(
        description="Why the last delivery attempt failed (it is retried)."
    )

    @classmethod
    def from_model(cls, row: m.DispatchRecipient) -> DispatchRecipient:
        return cls(
            id=str(row.id),
            receiver_tenant_id=relay.GlobalID("Tenant", str(row.receiver_tenant_id)),
            receiver_code=row.receiver_code,
            receiver_name=row.receiver_name,
            org_unit_id=_gid("OrgUnit", row.receiver_unit_id),
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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DispatchRecipient | None]:
        rows = await r.dispatch_recipient_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]


@strawberry.type(
    name="Dispatch", description="分发: one sending of a completed 发文, with what left."
)
class Dispatch(relay.Node):
    id: relay.NodeID[str]
    comment: str | None = strawberry.field(description="The sender's note; it does not leave.")
    sent_at: datetime
    title: str
    number: str | None
    urgency: UrgencyEnum  # type: ignore[valid-type]
    secrecy: SecrecyEnum  # type: ignore[valid-type]
    public_fields: JSON = strawberry.field(description="The form fields marked x-public.")
    attachments: list[SentAttachment]
    row: strawberry.Private[m.Dispatch]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Dispatch | None]:
        rows = await r.dispatch_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field
    async def document(self, info: Info) -> Document | None:
        row = await info.context.loaders.document.load(self.row.document_id)
        return Document.from_model(row) if row else None

    @strawberry.field
    async def sent_by(self, info: Info) -> User | None:
        return await _user(info, self.row.sent_by_id)

    @strawberry.field(description="Each receiver with its status, in the order named.")
    async def recipients(self, info: Info) -> list[DispatchRecipient]:
        rows = await info.context.loaders.dispatch_recipients.load(self.row.id)
        return [DispatchRecipient.from_model(row) for row in rows]


@strawberry.type(
    name="IncomingAttachment", description="An attachment of an incoming item (the sent file)."
)
class IncomingAttachment(relay.Node):
    id: relay.NodeID[str]
    name: str
    content_type: str
    size: int
    sha256: str
    row: strawberry.Private[m.IncomingAttachment]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[IncomingAttachment | None]:
        rows = await r.incoming_attachment_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="A link for you alone, valid for a few minutes.")
    def download_url(self, info: Info) -> str | None:
        return r.download_link(info.context, self.row)


@strawberry.type(
    name="IncomingItem",
    description="收文箱: a copy another tenant sent, to sign for (签收) or return (退回).",
)
class IncomingItem(relay.Node):
    id: relay.NodeID[str]
    status: IncomingStatusEnum  # type: ignore[valid-type]
    role: RecipientRoleEnum  # type: ignore[valid-type]
    title: str
    number: str | None = strawberry.field(description="The sender's 文号.")
    urgency: UrgencyEnum  # type: ignore[valid-type]
    secrecy: SecrecyEnum  # type: ignore[valid-type]
    sender_code: str
    sender_name: str = strawberry.field(description="The issuing department (发文机关).")
    public_fields: JSON = strawberry.field(description="The fields the sender's form marks public.")
    sent_at: datetime
    received_at: datetime
    handled_at: datetime | None
    return_reason: str | None
    reminded_at: datetime | None
    row: strawberry.Private[m.IncomingItem]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[IncomingItem | None]:
        rows = await r.incoming_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="The unit it is addressed to; null for the whole tenant.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.row.org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.row.org_unit_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="Who signed for or returned it.")
    async def handled_by(self, info: Info) -> User | None:
        return await _user(info, self.row.handled_by_id)

    @strawberry.field(description="The 收文 document started on signing, if you may read it.")
    async def document(self, info: Info) -> Document | None:
        if self.row.document_id is None:
            return None
        row = await info.context.loaders.document.load(self.row.document_id)
        return Document.from_model(row) if row else None

    @strawberry.field
    async def attachments(self, info: Info) -> list[IncomingAttachment]:
        rows = await info.context.loaders.incoming_attachments.load(self.row.id)
        return [IncomingAttachment.from_model(row) for row in rows]


@strawberry.type(
    name="ExchangePartner",
    description="A platform admin's decision that one tenant may send to another.",
)
class ExchangePartner(relay.Node):
    id: relay.NodeID[str]
    note: str
    created_at: datetime
    row: strawberry.Private[m.ExchangePartner]

    @classmethod
    def from_model(cls, row: m.ExchangePartner) -> ExchangePartner:
        return cls(id=str(row.id), note=row.note, created_at=row.created_at, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ExchangePartner | None]:
        rows = await r.partner_nodes(info.context, node_keys(node_ids))
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field
    async def sender(self, info: Info) -> Tenant | None:
        row = await info.context.loaders.tenant.load(self.row.sender_id)
        return Tenant.from_model(row) if row else None

    @strawberry.field
    async def receiver(self, info: Info) -> Tenant | None:
        row = await info.context.loaders.tenant.load(self.row.receiver_id)
        return Tenant.from_model(row) if row else None


# Queries ---------------------------------------------------------------------------------------


@strawberry.input
class IncomingFilter:
    status: IncomingStatusEnum | None = None  # type: ignore[valid-type]
    search: str | None = strawberry.field(default=None, description="Title, number or sender.")


@strawberry.type
class ExchangeQuery:
    @strawberry.field(
        description="Tenants the viewer's tenant may send documents to (needs exchange.send)."
    )
    async def exchange_recipients(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ExchangeRecipient]:
        page = await r.recipients(
            info.context, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, ExchangeRecipient.from_model)

    @strawberry.field(description="收文箱: the incoming items you may work, newest first.")
    async def incoming_items(
        self,
        info: Info,
        filter: IncomingFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[IncomingItem]:
        f = filter or IncomingFilter()
        page = await r.incoming_items(
            info.context,
            status=f.status,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, IncomingItem.from_model)

    @strawberry.field(
        description="分发 of a document you may read, oldest first, each recipient's status."
    )
    async def dispatches(self, info: Info, document_id: relay.GlobalID) -> list[Dispatch]:
        rows = await r.dispatches_of(info.context, document_id)
        return [Dispatch.from_model(row) for row in rows]

    @strawberry.field(description="Partner pairs (platform admins); optionally of one tenant.")
    async def exchange_partners(
        self,
        info: Info,
        tenant_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ExchangePartner]:
        page = await r.partner_list(
            info.context, tenant_id=tenant_id, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, ExchangePartner.from_model)


# Mutations -------------------------------------------------------------------------------------


@strawberry.input
class AddExchangePartnerInput:
    sender_id: relay.GlobalID
    receiver_id: relay.GlobalID
    both_directions: bool = strawberry.field(
        default=True, description="Also let the receiver send to the sender."
    )
    note: str | None = None


@strawberry.input
class RemoveExchangePartnerInput:
    id: relay.GlobalID


@strawberry.input
class DispatchRecipientInput:
    tenant_id: relay.GlobalID = strawberry.field(
        description="A Tenant (or ExchangeRecipient) id from exchangeRecipients."
    )
    role: RecipientRoleEnum = m.RecipientRole.MAIN  # type: ignore[valid-type]
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of its units (ExchangeRecipient.orgUnits); default: all."
    )


@strawberry.input
class DispatchDocumentInput:
    id: relay.GlobalID
    recipients: list[DispatchRecipientInput]
    comment: str | None = strawberry.field(
        default=None, description="A note kept with the dispatch; it does not leave."
    )


@strawberry.input
class SignIncomingItemInput:
    id: relay.GlobalID
    document_type_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The 收文 type to start; default: the setting exchange.receiptType, else "
        "the tenant's only receipt type.",
    )
    comment: str | None = None


@strawberry.input
class ReturnIncomingItemInput:
    id: relay.GlobalID
    reason: str


@strawberry.type
class ExchangePartnersPayload:
    partners: list[ExchangePartner]
    errors: list[UserError]


@strawberry.type
class RemoveExchangePartnerPayload:
    removed_id: relay.GlobalID | None
    errors: list[UserError]


@strawberry.type
class DispatchPayload:
    dispatch: Dispatch | None
    errors: list[UserError]


@strawberry.type
class IncomingItemPayload:
    incoming_item: IncomingItem | None
    document: Document | None = strawberry.field(
        default=None, description="The 收文 document started by signing."
    )
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[Any, tuple[Problem, ...]]) -> IncomingItemPayload:
        row, problems = result
        return cls(
            incoming_item=IncomingItem.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class ExchangeMutation:
    @strawberry.mutation(description="Pair two tenants for exchange (platform admins).")
    async def add_exchange_partner(
        self, info: Info, input: AddExchangePartnerInput
    ) -> ExchangePartnersPayload:
        rows, problems = await r.add_partner(info.context, input)
        return ExchangePartnersPayload(
            partners=[ExchangePartner.from_model(row) for row in rows or []],
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Remove one direction of a pair (platform admins).")
    async def remove_exchange_partner(
        self, info: Info, input: RemoveExchangePartnerInput
    ) -> RemoveExchangePartnerPayload:
        key, problems = await r.remove_partner(info.context, input)
        return RemoveExchangePartnerPayload(
            removed_id=_gid("ExchangePartner", key), errors=user_errors(problems)
        )

    @strawberry.mutation(
        description="分发 a completed or archived 发文 you may read to partner tenants "
        "(exchange.send). Each tenant (or unit) receives a document once."
    )
    async def dispatch_document(self, info: Info, input: DispatchDocumentInput) -> DispatchPayload:
        row, problems = await r.dispatch_document(info.context, input)
        return DispatchPayload(
            dispatch=Dispatch.from_model(row) if row else None, errors=user_errors(problems)
        )

    @strawberry.mutation(
        description="签收 an incoming item (exchange.receive): starts a 收文 document in your "
        "tenant's own flow, submitted by you."
    )
    async def sign_incoming_item(
        self, info: Info, input: SignIncomingItemInput
    ) -> IncomingItemPayload:
        payload = IncomingItemPayload.of(await r.sign_incoming(info.context, input))
        if payload.incoming_item is not None and payload.incoming_item.row.document_id:
            row = await info.context.loaders.document.load(payload.incoming_item.row.document_id)
            payload.document = Document.from_model(row) if row else None
        return payload

    @strawberry.mutation(description="退回 an incoming item to its sender, with a reason.")
    async def return_incoming_item(
        self, info: Info, input: ReturnIncomingItemInput
    ) -> IncomingItemPayload:
        return IncomingItemPayload.of(await r.return_incoming(info.context, input))
