"""search: one query across the documents, notices and publication issues the viewer may
read, ranked, with highlighted snippets."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from i18n import _, text_of
from resolvers import search as r
from resolvers.pagination import PageError
from schema.documents.types import Document
from schema.notices.types import Notice
from schema.publications.types import PublicationIssue
from schema.types import Info, describe_values


class SearchKind(StrEnum):
    DOCUMENT = "document"
    NOTICE = "notice"
    ISSUE = "issue"


strawberry.enum(
    SearchKind,
    name="SearchKind",
    description="What a hit is: a document (公文), a notice (通知公告) or an issue of a "
    "publication (信息刊物).",
)

describe_values(
    SearchKind,
    {
        "DOCUMENT": "A document (公文).",
        "NOTICE": "A notice (通知公告).",
        "ISSUE": "An issue (期) of a publication.",
    },
)

SearchSubject = Annotated[
    Document | Notice | PublicationIssue,
    strawberry.union("SearchSubject", description="The thing found."),
]


@strawberry.type(description="One thing found.")
class SearchHit:
    kind: SearchKind = strawberry.field(description="What it is.")
    id: relay.GlobalID = strawberry.field(description="The global id of the thing found.")
    title: str = strawberry.field(description="Its title.")
    snippet: str = strawberry.field(
        description="Text around the first match, HTML-escaped, each match in <mark>…</mark>."
    )
    rank: float = strawberry.field(description="Relevance; higher first.")
    hit: strawberry.Private[r.Hit]

    @strawberry.field(description="The thing itself (null if it became unreadable since).")
    async def subject(self, info: Info) -> SearchSubject | None:
        key = self.hit.subject_id
        if self.hit.kind == "document":
            return await Document.load(info, key)
        if self.hit.kind == "notice":
            return await Notice.load(info, key)
        return await PublicationIssue.load(info, key)


@strawberry.type(description="A hit and its cursor.")
class SearchEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the hits after this one.")
    node: SearchHit = strawberry.field(description="The hit.")


@strawberry.type(description="A page of hits, best first.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits of this page.")
    has_next_page: bool = strawberry.field(description="Whether more hits follow.")
    end_cursor: str | None = strawberry.field(description="The last hit's cursor.")


TYPE_NAMES = {"document": "Document", "notice": "Notice", "issue": "PublicationIssue"}


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="全文检索 across what you may read: documents (title, number, the form "
        "fields not hidden from you, attachment names), notices published to you and issues "
        "of the publications you read. Chinese is matched by word (jieba); a word also "
        "matches as a prefix, and inside longer words on PostgreSQL."
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="Words to find, at most 200.")],
        kinds: Annotated[
            list[SearchKind] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Hits per page (default 20).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the page before.")
        ] = None,
    ) -> SearchConnection:
        if len(query) > 200:
            raise GraphQLError(
                _("query is longer than 200 characters"), extensions={"code": "BAD_USER_INPUT"}
            )
        try:
            found = await r.search(
                info.context, query, [k.value for k in kinds] if kinds else None, first, after
            )
        except PageError as error:
            raise GraphQLError(text_of(error), extensions={"code": "BAD_USER_INPUT"}) from None
        edges = [
            SearchEdge(
                cursor=h.cursor,
                node=SearchHit(
                    kind=SearchKind(h.kind),
                    id=relay.GlobalID(TYPE_NAMES[h.kind], str(h.subject_id)),
                    title=h.title,
                    snippet=h.snippet,
                    rank=h.rank,
                    hit=h,
                ),
            )
            for h in found.hits
        ]
        return SearchConnection(
            edges=edges,
            has_next_page=found.has_next,
            end_cursor=edges[-1].cursor if edges else None,
        )
