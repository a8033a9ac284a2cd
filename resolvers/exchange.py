"""Reads behind the exchange fields: the recipient picker (交换伙伴), the incoming
box (收文箱), a document's dispatches with each recipient's status, and partner pairs.

The sender reads its own dispatch and recipient rows (statuses only); the receiver reads its
own incoming items. Nothing here reads the other side's rows."""

from __future__ import annotations

import uuid
from typing import Any

from strawberry import relay
from tortoise.expressions import Q

from models.access import Permission
from models.exchange import (
    Dispatch,
    DispatchRecipient,
    ExchangePartner,
    IncomingAttachment,
    IncomingItem,
)
from models.tenants import Tenant
from resolvers.context import Context
from resolvers.dataloaders import GroupedBy, Loader
from resolvers.documents import DocumentById, OfReadableDocument
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.tenants import TenantById
from services.exchange import incoming, partners
from services.exchange.partners import Relation

__all__ = ["Relation"]


class PairedWith(Loader[uuid.UUID, set[uuid.UUID]]):
    """Per sending tenant, the tenants a platform admin paired it with."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[set[uuid.UUID]]:
        return [await partners.paired_with(key) for key in keys]


class RecipientsByDispatch(GroupedBy[DispatchRecipient]):
    model, key, order = DispatchRecipient, "dispatch_id", ("id",)


class AttachmentsByIncoming(GroupedBy[IncomingAttachment]):
    model, key, order = IncomingAttachment, "incoming_id", ("name", "id")


async def _sender(ctx: Context) -> Tenant | None:
    actor = ctx.actor
    if actor is None or not actor.has(Permission.EXCHANGE_SEND):
        return None
    return await TenantById(ctx).load(actor.tenant_id)


async def recipients(ctx: Context, *, search: str | None, page: PageArgs) -> Page[Tenant]:
    """The tenants the viewer's tenant may send to (for holders of exchange.send)."""
    sender = await _sender(ctx)
    query = partners.recipients_of(sender) if sender else Tenant.filter(id=uuid.UUID(int=0))
    if search:
        query = query.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("code", "id"), page, ctx.max_page)


async def relation_to(ctx: Context, tenant: Tenant) -> Relation | None:
    sender = await _sender(ctx)
    if sender is None:
        return None
    paired = await PairedWith(ctx).load(sender.id)
    return partners.relation(sender, tenant, paired)


class RecipientById(Loader[uuid.UUID, Tenant | None]):
    """Tenants the viewer's tenant may send to (`relation_to`)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Tenant | None]:
        tenants = await TenantById(self.ctx).load_many(keys)
        return [t if t and await relation_to(self.ctx, t) else None for t in tenants]


async def recipient_units(ctx: Context, tenant: Tenant) -> list[Any]:
    """The units directly below a recipient's root, to address one (names only)."""
    if await relation_to(ctx, tenant) is None:
        return []
    return await partners.addressable_units(tenant)


async def incoming_items(
    ctx: Context, *, status: Any, search: str | None, page: PageArgs
) -> Page[IncomingItem]:
    """收文箱: the items the viewer may work, newest first."""
    actor = ctx.actor
    query = incoming.workable(actor) if actor else ctx.tenant_scope.query(IncomingItem)
    if status:
        query = query.filter(status=status)
    if search:
        query = query.filter(
            Q(title__icontains=search)
            | Q(number__icontains=search)
            | Q(sender_name__icontains=search)
        )
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


class IncomingItemById(Loader[uuid.UUID, IncomingItem | None]):
    """Items of the incoming box the viewer may work."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[IncomingItem | None]:
        if self.ctx.actor is None:
            return [None for _ in keys]
        rows = {i.id: i for i in await incoming.workable(self.ctx.actor).filter(id__in=keys)}
        return [rows.get(k) for k in keys]


class IncomingAttachmentById(Loader[uuid.UUID, IncomingAttachment | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[IncomingAttachment | None]:
        actor = self.ctx.actor
        if actor is None:
            return [None for _ in keys]
        return [await incoming.readable_attachment(actor, k) for k in keys]


async def dispatches_of(ctx: Context, document_id: relay.GlobalID) -> list[Dispatch]:
    """分发 of a document the viewer may read, oldest first."""
    key = node_uuid(document_id, "Document")
    document = await DocumentById(ctx).load(key) if isinstance(key, uuid.UUID) else None
    if document is None:
        return []
    return list(
        await ctx.tenant_scope.query(Dispatch).filter(document_id=document.id).order_by("id")
    )


class DispatchById(OfReadableDocument):
    model = Dispatch


class DispatchRecipientById(OfReadableDocument):
    model = DispatchRecipient


def _platform_admin(ctx: Context) -> bool:
    return bool(ctx.actor and ctx.actor.is_platform_admin)


async def partner_list(ctx: Context, *, tenant_id: Any, page: PageArgs) -> Page[ExchangePartner]:
    """Partner pairs, for platform admins; optionally those involving one tenant."""
    query = ExchangePartner.all()
    if not _platform_admin(ctx):
        query = query.filter(id=uuid.UUID(int=0))
    if tenant_id is not None:
        key = node_uuid(tenant_id, "Tenant") or uuid.UUID(int=0)
        query = query.filter(Q(sender_id=key) | Q(receiver_id=key))
    return await paginate(query, ("id",), page, ctx.max_page)


class PartnerById(Loader[uuid.UUID, ExchangePartner | None]):
    """Partner pairs, for platform admins."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[ExchangePartner | None]:
        if not _platform_admin(self.ctx):
            return [None for _ in keys]
        rows = {p.id: p for p in await ExchangePartner.filter(id__in=keys)}
        return [rows.get(k) for k in keys]
