"""The publications queries (the `publications` portal component runs `publications`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from resolvers import publications as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.publications.types import Publication, PublicationIssue
from schema.types import Info


@strawberry.input(description="Narrows the issues listed.")
class PublicationFilter:
    kinds: list[str] | None = strawberry.field(
        default=None, description="Only publications of these kinds (journal, bulletin, …)."
    )
    publication_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only issues of this publication."
    )


@strawberry.type
class PublicationQuery:
    @strawberry.field(
        description="The latest published issues (期) of the publications (信息刊物) you read, "
        "received ones included, newest first."
    )
    async def publications(
        self,
        info: Info,
        filter: Annotated[
            PublicationFilter | None,
            strawberry.argument(description="Kinds of publication, or one publication."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PublicationIssue]:
        f = filter or PublicationFilter()
        page = await r.issue_list(
            info.context,
            kinds=f.kinds,
            publication_id=f.publication_id,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, PublicationIssue.from_model)

    @strawberry.field(
        description="刊物: the publications of your tenant you read (editors: all), by title."
    )
    async def periodicals(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Publication]:
        page = await r.publication_list(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, Publication.from_model)
