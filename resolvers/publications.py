"""Reads behind the publication fields: the latest issues the viewer reads (信息刊物), the
publications of her tenant, articles for editors, and the contribution and adoption
statistics per unit (采用率)."""

from __future__ import annotations

# ruff: noqa: S608 (SQL is assembled from our own fragments and $n placeholders only)
import uuid
from dataclasses import dataclass
from typing import Any

from models.publications import (
    Article,
    ArticleStatus,
    Publication,
    PublicationIssue,
    PublicationKind,
)
from models.scope import TenantSql
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy, Loader
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import publications


class PublicationById(ById[Publication]):
    model = Publication


class IssueById(Loader[uuid.UUID, PublicationIssue | None]):
    """Issues the viewer may read (`services.publications.readable_issues`)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[PublicationIssue | None]:
        if self.ctx.actor is None:
            return [None] * len(keys)
        query = await publications.readable_issues(self.ctx.actor)
        rows = {i.id: i for i in await query.filter(id__in=keys)}
        return [rows.get(k) for k in keys]


class ArticlesByIssue(GroupedBy[Article]):
    model, key, order = Article, "issue_id", ("position", "id")


async def issue_list(
    ctx: Context, *, kinds: list[str] | None, publication_id: Any, page: PageArgs
) -> Page[PublicationIssue]:
    """Published issues the viewer reads, newest first."""
    if ctx.actor is None:
        return await paginate(
            ctx.tenant_scope.query(PublicationIssue).filter(id=None), ("id",), page, 1
        )
    query = (await publications.readable_issues(ctx.actor)).filter(status="published")
    if kinds:  # an unknown kind matches nothing
        known = [k for k in kinds if k in PublicationKind._value2member_map_]
        query = query.filter(publication__kind__in=known) if known else query.filter(id=None)
    if publication_id is not None:
        query = query.filter(publication_id=node_uuid(publication_id, "Publication"))
    return await paginate(query, ("published_at", "id"), page, ctx.max_page, descending=True)


async def publication_list(ctx: Context, page: PageArgs) -> Page[Publication]:
    ids = await publications.readable_publications(ctx.actor) if ctx.actor else []
    query = ctx.tenant_scope.query(Publication).filter(id__in=ids)
    return await paginate(query, ("title", "id"), page, ctx.max_page)


async def article_list(
    ctx: Context, publication: Publication, status: ArticleStatus | None, page: PageArgs
) -> Page[Article]:
    """Editors see every article; others their own contributions."""
    query = ctx.tenant_scope.query(Article).filter(publication_id=publication.id)
    actor = ctx.actor
    if actor is None or not publications.edits(actor):
        query = query.filter(author_id=actor.user_id if actor else None)
    if status is not None:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


@dataclass(frozen=True)
class UnitFigures:
    unit_id: uuid.UUID | None
    unit_name: str
    contributed: int
    adopted: int

    @property
    def adoption_rate(self) -> float:
        return round(self.adopted / self.contributed, 4) if self.contributed else 0.0


async def unit_statistics(
    ctx: Context, publication: Publication, year: int | None
) -> list[UnitFigures]:
    """Per contributing unit: articles contributed and adopted (采用) and the rate, ranked by
    adoptions then rate. One SQL statement."""
    sql = TenantSql([ctx.tenant_scope.tenant_id])
    params: list[Any] = [publication.id if sql.postgres() else str(publication.id)]
    tenant = sql.where("a", params)
    when = ""
    if year is not None:
        params.append(year)
        when = (
            f" AND EXTRACT(YEAR FROM a.created_at) = ${len(params)}"
            if sql.postgres()
            else f" AND CAST(strftime('%Y', a.created_at) AS INTEGER) = ${len(params)}"
        )
    rows = await sql.rows(
        "SELECT a.org_unit_id, MAX(a.unit_name) AS unit_name, COUNT(*) AS contributed, "
        f"SUM(CASE WHEN a.status = '{ArticleStatus.ADOPTED.value}' THEN 1 ELSE 0 END) AS adopted "
        f"FROM article a WHERE a.publication_id = $1{tenant}{when} "
        "GROUP BY a.org_unit_id",
        params,
    )
    figures = [
        UnitFigures(
            uuid.UUID(str(r["org_unit_id"])) if r["org_unit_id"] else None,
            str(r["unit_name"] or ""),
            int(r["contributed"]),
            int(r["adopted"] or 0),
        )
        for r in rows
    ]
    return sorted(figures, key=lambda f: (-f.adopted, -f.adoption_rate, f.unit_name))
