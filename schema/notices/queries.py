"""The notices query (the `public-notices` portal component runs it)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import notices as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.notices.types import Notice
from schema.types import Info


@strawberry.input(description="Narrows the notices listed.")
class NoticeFilter:
    category: str | None = strawberry.field(default=None, description="Only this category.")
    authored_by_me: bool = strawberry.field(
        default=False,
        description="Your own notices in every state (drafts included), instead of those "
        "published to you.",
    )


@strawberry.type
class NoticeQuery:
    @strawberry.field(
        description="通知公告 published to you and in force (whole tenant, your units or the "
        "units above them, your roles), pinned first, then newest."
    )
    async def notices(
        self,
        info: Info,
        filter: Annotated[
            NoticeFilter | None,
            strawberry.argument(description="A category, or your own notices instead."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Notice]:
        f = filter or NoticeFilter()
        page = await r.notice_list(
            info.context,
            category=f.category,
            authored=f.authored_by_me,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Notice.from_model)
