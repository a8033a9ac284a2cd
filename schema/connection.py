"""Relay connections over keyset pages, with an optional `totalCount`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic

import strawberry
from strawberry import relay
from strawberry.relay.types import NodeType

from resolvers.pagination import Page


@strawberry.type(description="A page of a list, with cursors to the next and previous pages.")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    _page: strawberry.Private[Page[Any] | None] = None

    @strawberry.field(description="How many items match, ignoring paging (one COUNT query).")
    async def total_count(self) -> int:
        return await self._page.query.count() if self._page else 0

    @classmethod
    def of(cls, page: Page[Any], convert: Callable[[Any], NodeType]) -> Connection[NodeType]:
        edges = [
            relay.Edge(cursor=cursor, node=convert(row))
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            _page=page,
        )


First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size from the start (or after `after`); at most the page cap "
        "(OFFICECLOUD_MAX_PAGE_SIZE, default 100), more is a BAD_USER_INPUT error."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Opaque cursor (`endCursor` of the previous page)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page size from the end (or before `before`); at most the page cap."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Opaque cursor (`startCursor` of the next page)."),
]
