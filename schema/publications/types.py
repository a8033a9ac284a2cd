"""Publications (信息刊物), their issues (期), articles (稿件) and adoption figures (采用率)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from models import publications as m
from resolvers import publications as r
from resolvers.pagination import PageArgs
from schema.connection import After, Connection, First
from schema.directory.types import OrgUnit
from schema.nodes import LoadedNode
from schema.types import Info, describe_values
from services.publications import label

strawberry.enum(
    m.IssueStatus,
    name="IssueStatus",
    description="DRAFT while assembled; PENDING while its approval flow runs; PUBLISHED "
    "(numbered 第N期); REJECTED by the approval (editable again).",
)
describe_values(
    m.IssueStatus,
    {
        "DRAFT": "Being assembled by the editor.",
        "PENDING": "In its approval flow.",
        "PUBLISHED": "Published, numbered 第N期.",
        "REJECTED": "Its approval flow did not complete; editable again.",
    },
)
strawberry.enum(
    m.ArticleStatus,
    name="ArticleStatus",
    description="SUBMITTED (投稿), SELECTED for an issue not yet published, ADOPTED (采用: "
    "in a published issue) or DECLINED.",
)
describe_values(
    m.ArticleStatus,
    {
        "SUBMITTED": "投稿: contributed, not placed yet.",
        "SELECTED": "Placed in an issue not published yet.",
        "ADOPTED": "采用: in a published issue.",
        "DECLINED": "The editor will not use it.",
    },
)


@strawberry.type(name="Article", description="稿件: an article a unit contributed.")
class Article(relay.Node):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text.")
    unit_name: str = strawberry.field(description="The contributing unit's name.")
    status: m.ArticleStatus = strawberry.field(description="Where it stands.")
    position: int = strawberry.field(description="Its place in its issue (from 1).")
    created_at: datetime = strawberry.field(description="When it was contributed.")
    adopted_at: datetime | None = strawberry.field(description="When its issue was published.")
    row: strawberry.Private[m.Article]

    @classmethod
    def from_model(cls, row: m.Article) -> Article:
        return cls(
            id=str(row.id),
            title=row.title,
            body=row.body,
            unit_name=row.unit_name,
            status=row.status,
            position=row.position,
            created_at=row.created_at,
            adopted_at=row.adopted_at,
            row=row,
        )

    @strawberry.field(description="The contributing unit; null in a received copy.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.row.org_unit_id)


@strawberry.type(description="One unit's contributions to a publication (排名 by adoptions).")
class UnitPublicationFigures:
    unit_name: str = strawberry.field(description="The unit's name.")
    contributed: int = strawberry.field(description="Articles contributed (投稿).")
    adopted: int = strawberry.field(description="Articles adopted (采用) in published issues.")
    adoption_rate: float = strawberry.field(description="采用率: adopted / contributed, 0 to 1.")
    unit_id: strawberry.Private[object]

    @classmethod
    def of(cls, figures: r.UnitFigures) -> UnitPublicationFigures:
        return cls(
            unit_name=figures.unit_name,
            contributed=figures.contributed,
            adopted=figures.adopted,
            adoption_rate=figures.adoption_rate,
            unit_id=figures.unit_id,
        )

    @strawberry.field(description="The unit.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.unit_id)  # type: ignore[arg-type]


@strawberry.type(name="Publication", description="信息刊物, e.g. 《政务信息》.")
class Publication(LoadedNode):
    id: relay.NodeID[str]
    title: str = strawberry.field(description="Its title.")
    kind: str = strawberry.field(description="journal, bulletin (简报), briefing or newsletter.")
    description: str = strawberry.field(description="What it covers.")
    to_everyone: bool = strawberry.field(description="Read by the whole tenant.")
    received: bool = strawberry.field(description="Received by subscription from another tenant.")
    row: strawberry.Private[m.Publication]

    loader = r.PublicationById

    @classmethod
    def from_model(cls, row: m.Publication) -> Publication:
        return cls(
            id=str(row.id),
            title=row.title,
            kind=row.kind.value,
            description=row.description,
            to_everyone=row.to_everyone,
            received=row.source_publication_id is not None,
            row=row,
        )

    @strawberry.field(
        description="Articles: every one for editors, your own contributions otherwise."
    )
    async def articles(
        self,
        info: Info,
        status: Annotated[
            m.ArticleStatus | None, strawberry.argument(description="Only articles in this state.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Article]:
        page = await r.article_list(info.context, self.row, status, PageArgs(first, after))
        return Connection.of(page, Article.from_model)

    @strawberry.field(
        description="Contributions and adoptions per unit (采用率), best first; `year` counts "
        "articles contributed that year only."
    )
    async def unit_statistics(
        self,
        info: Info,
        year: Annotated[
            int | None,
            strawberry.argument(description="Count articles contributed this year (e.g. 2026)."),
        ] = None,
    ) -> list[UnitPublicationFigures]:
        figures = await r.unit_statistics(info.context, self.row, year)
        return [UnitPublicationFigures.of(f) for f in figures]


@strawberry.type(name="PublicationIssue", description="One issue (期) of a publication.")
class PublicationIssue(LoadedNode):
    id: relay.NodeID[str]
    theme: str = strawberry.field(description="This issue's theme, if any.")
    issue: str = strawberry.field(description="e.g. 2026年第3期; empty until published.")
    year: int | None = strawberry.field(description="Its year, once numbered.")
    number: int | None = strawberry.field(description="第N期 within the year, once published.")
    status: m.IssueStatus = strawberry.field(description="Where it stands.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    cover_url: str | None = strawberry.field(
        description="A cover image; none are stored yet, so always null."
    )
    received: bool = strawberry.field(description="A copy received by subscription.")
    version: int = strawberry.field(description="Changes with every change.")
    row: strawberry.Private[m.PublicationIssue]

    loader = r.IssueById

    @classmethod
    def from_model(cls, row: m.PublicationIssue) -> PublicationIssue:
        return cls(
            id=str(row.id),
            theme=row.theme,
            issue=label(row),
            year=row.year,
            number=row.number,
            status=row.status,
            published_at=row.published_at,
            cover_url=None,
            received=row.source_issue_id is not None,
            version=row.version,
            row=row,
        )

    @strawberry.field(description="Its articles, in order.")
    async def articles(self, info: Info) -> list[Article]:
        return [
            Article.from_model(a) for a in await r.ArticlesByIssue(info.context).load(self.row.id)
        ]

    @strawberry.field(description="Its publication.")
    async def publication(self, info: Info) -> Publication | None:
        return await Publication.load(info, self.row.publication_id)

    @strawberry.field(description="The publication's title, e.g. 《政务信息》.")
    async def title(self, info: Info) -> str:
        row = await r.PublicationById(info.context).load(self.row.publication_id)
        return row.title if row else ""

    @strawberry.field(
        description="The publication's kind: journal, bulletin, briefing, newsletter."
    )
    async def kind(self, info: Info) -> str:
        row = await r.PublicationById(info.context).load(self.row.publication_id)
        return row.kind.value if row else ""
