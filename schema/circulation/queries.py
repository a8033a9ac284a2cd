"""Circulation queries: the 待阅 / 已阅 boxes and a document's circulations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from resolvers import circulation as r
from resolvers.circulation import ReadStatus
from resolvers.pagination import PageArgs
from schema.circulation.types import Circulation, CirculationRecipient
from schema.connection import Connection
from schema.types import Info

First = Annotated[int | None, strawberry.argument(description="Page size (at most the cap).")]
Cursor = Annotated[str | None, strawberry.argument(description="A cursor from pageInfo.")]


@strawberry.type
class CirculationQuery:
    @strawberry.field(description="Documents circulated to you, newest first: 待阅 / 已阅.")
    async def my_circulations(
        self,
        info: Info,
        status: Annotated[
            ReadStatus | None,
            strawberry.argument(description="UNREAD (待阅), READ (已阅); null: both."),
        ] = None,
        first: First = None,
        after: Cursor = None,
        last: First = None,
        before: Cursor = None,
    ) -> Connection[CirculationRecipient]:
        page = await r.my_circulations(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, CirculationRecipient.from_model)

    @strawberry.field(
        description="The circulations of a document you may read, oldest first, each with "
        "its recipients' read times (what the sender checks before urging)."
    )
    async def document_circulations(
        self,
        info: Info,
        document_id: Annotated[relay.GlobalID, strawberry.argument(description="The document.")],
    ) -> list[Circulation]:
        rows = await r.of_document(info.context, document_id)
        return [Circulation.from_model(x) for x in rows]
