"""Exchange queries: whom the viewer's tenant may send to, the incoming box (收文箱), a
document's dispatches and the partner pairs."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from models import exchange as m
from resolvers import exchange as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.exchange.types import Dispatch, ExchangePartner, ExchangeRecipient, IncomingItem
from schema.types import Info


@strawberry.input(description="Which incoming items to list.")
class IncomingFilter:
    status: m.IncomingStatus | None = strawberry.field(
        default=None, description="Only items in this status (待签收, 已签收, 已退回)."
    )
    search: str | None = strawberry.field(default=None, description="Title, number or sender.")


@strawberry.type
class ExchangeQuery:
    @strawberry.field(
        description="Tenants the viewer's tenant may send documents to (needs exchange.send)."
    )
    async def exchange_recipients(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description=("Part of the department's code or name.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ExchangeRecipient]:
        page = await r.recipients(
            info.context, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, ExchangeRecipient.from_model)

    @strawberry.field(description="收文箱: the incoming items you may work, newest first.")
    async def incoming_items(
        self,
        info: Info,
        filter: Annotated[
            IncomingFilter | None,
            strawberry.argument(description="By status (待签收, 已签收, 已退回)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    async def dispatches(
        self,
        info: Info,
        document_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of the Document whose dispatches to list."),
        ],
    ) -> list[Dispatch]:
        rows = await r.dispatches_of(info.context, document_id)
        return [Dispatch.from_model(row) for row in rows]

    @strawberry.field(description="Partner pairs (platform admins); optionally of one tenant.")
    async def exchange_partners(
        self,
        info: Info,
        tenant_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description=("Global id of a Tenant whose partners to list; default the viewer's.")
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ExchangePartner]:
        page = await r.partner_list(
            info.context, tenant_id=tenant_id, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, ExchangePartner.from_model)
