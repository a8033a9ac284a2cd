"""Reads and writes behind the exchange fields: the recipient picker (交换伙伴), the incoming
box (收文箱), a document's dispatches with each recipient's status, and partner pairs.

The sender reads its own dispatch and recipient rows (statuses only); the receiver reads its
own incoming items. Nothing here reads the other side's rows."""

from __future__ import annotations

import uuid
from typing import Any

from strawberry import relay
from tortoise.expressions import Q

from models.access import Permission
from models.exchange import Dispatch, DispatchRecipient, ExchangePartner, IncomingItem
from models.tenants import Tenant
from resolvers.context import Context
from resolvers.errors import attempt
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services.exchange import dispatch, incoming, partners
from services.exchange.dispatch import RecipientSpec
from services.exchange.partners import Relation

Result = tuple[Any, tuple[Any, ...]]
__all__ = ["Relation"]
TENANT_TYPES = ("Tenant", "ExchangeRecipient")


async def _sender(ctx: Context) -> Tenant | None:
    actor = ctx.actor
    if actor is None or not actor.has(Permission.EXCHANGE_SEND):
        return None
    return await ctx.loaders.tenant.load(actor.tenant_id)


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
    paired = await ctx.loaders.exchange_paired.load(sender.id)
    return partners.relation(sender, tenant, paired)


async def recipient_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[Tenant | None]:
    tenants = await ctx.loaders.tenant.load_many(keys)
    return [t if t and await relation_to(ctx, t) else None for t in tenants]


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


async def incoming_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[IncomingItem | None]:
    if ctx.actor is None:
        return [None for _ in keys]
    rows = {i.id: i for i in await incoming.workable(ctx.actor).filter(id__in=keys)}
    return [rows.get(k) for k in keys]


async def incoming_attachment_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[Any]:
    if ctx.actor is None:
        return [None for _ in keys]
    return [await incoming.readable_attachment(ctx.actor, k) for k in keys]


def download_link(ctx: Context, row: Any) -> str | None:
    """Only reached through an item the viewer may work."""
    if ctx.attachments is None or ctx.actor is None:
        return None
    return ctx.attachments.link(row.tenant_id, row.id, ctx.actor.user_id)


async def dispatches_of(ctx: Context, document_id: relay.GlobalID) -> list[Dispatch]:
    """分发 of a document the viewer may read, oldest first."""
    key = node_uuid(document_id, "Document")
    document = await ctx.loaders.document.load(key) if isinstance(key, uuid.UUID) else None
    if document is None:
        return []
    return list(
        await ctx.tenant_scope.query(Dispatch).filter(document_id=document.id).order_by("id")
    )


async def dispatch_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[Dispatch | None]:
    rows = {d.id: d for d in await ctx.tenant_scope.query(Dispatch).filter(id__in=keys)}
    return await _of_readable(ctx, rows, keys)


async def dispatch_recipient_nodes(
    ctx: Context, keys: list[uuid.UUID]
) -> list[DispatchRecipient | None]:
    rows = {r.id: r for r in await ctx.tenant_scope.query(DispatchRecipient).filter(id__in=keys)}
    return await _of_readable(ctx, rows, keys)


async def _of_readable(ctx: Context, rows: dict[uuid.UUID, Any], keys: list[uuid.UUID]) -> Any:
    documents = await ctx.loaders.document.load_many([r.document_id for r in rows.values()])
    allowed = {d.id for d in documents if d}
    return [r if (r := rows.get(k)) and r.document_id in allowed else None for k in keys]


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


async def partner_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[ExchangePartner | None]:
    if not _platform_admin(ctx):
        return [None for _ in keys]
    rows = {p.id: p for p in await ExchangePartner.filter(id__in=keys)}
    return [rows.get(k) for k in keys]


# Writes ----------------------------------------------------------------------------------------


def _tenant_key(gid: relay.GlobalID | None) -> uuid.UUID | str:
    """A tenant named by its Tenant or ExchangeRecipient global id."""
    if gid is None or gid.type_name not in TENANT_TYPES:
        return ""
    return node_uuid(relay.GlobalID("Tenant", gid.node_id), "Tenant") or ""


async def add_partner(ctx: Context, input: Any) -> Result:
    return await attempt(
        partners.add_partner(
            ctx.actor,
            sender_id=_tenant_key(input.sender_id),
            receiver_id=_tenant_key(input.receiver_id),
            both_directions=input.both_directions,
            note=input.note,
        )
    )


async def remove_partner(ctx: Context, input: Any) -> Result:
    return await attempt(
        partners.remove_partner(ctx.actor, id=node_uuid(input.id, "ExchangePartner") or "")
    )


async def dispatch_document(ctx: Context, input: Any) -> Result:
    specs = [
        RecipientSpec(
            tenant_id=_tenant_key(r.tenant_id),
            role=r.role,
            org_unit_id=node_uuid(r.org_unit_id, "OrgUnit"),
        )
        for r in input.recipients
    ]
    return await attempt(
        dispatch.dispatch_document(
            ctx.actor,
            document_id=node_uuid(input.id, "Document") or "",
            recipients=specs,
            comment=input.comment,
        )
    )


async def sign_incoming(ctx: Context, input: Any) -> Result:
    return await attempt(
        incoming.sign(
            ctx.actor,
            incoming_id=node_uuid(input.id, "IncomingItem") or "",
            document_type_id=node_uuid(input.document_type_id, "DocumentType"),
            comment=input.comment,
        )
    )


async def return_incoming(ctx: Context, input: Any) -> Result:
    return await attempt(
        incoming.return_item(
            ctx.actor,
            incoming_id=node_uuid(input.id, "IncomingItem") or "",
            reason=input.reason,
        )
    )
