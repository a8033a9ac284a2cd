"""Search (全文检索) across what the viewer may read: documents (by the one read rule, and a
match in a hidden field only for those who may see the field), notices published to her,
and issues of publications she reads. Ranked, keyset-paginated on (rank, id), with
highlighted snippets.

PostgreSQL matches the segmented words against the tsvector (a query word matches itself
as a prefix, or all the shorter words the index splits it into) or, for partial words, the
trigram-indexed `terms` (LIKE); the embedded database finds each word in the text (LIKE).
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.access import Permission
from models.documents import Document, DocumentParticipant
from models.search import SearchEntry
from models.scope import TenantSql
from resolvers.context import Context
from resolvers.documents import flow_of
from resolvers.pagination import PageError, decode_cursor, encode_cursor
from services import indexing, notices, publications
from services.documents import access, visibility

KINDS = ("document", "notice", "issue")
SNIPPET = 60
"""Characters of context around the first match."""


@dataclass(frozen=True)
class Hit:
    kind: str
    subject_id: uuid.UUID
    title: str
    snippet: str
    rank: float
    cursor: str


@dataclass(frozen=True)
class Hits:
    hits: list[Hit]
    has_next: bool


def _sub(query: QuerySet[Any], params: list[Any], postgres: bool) -> str:
    """A query set as a subquery of raw SQL, its parameters appended to `params`."""
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, values = query.query.get_parameterized_sql()
    base = len(params)
    params.extend(values)
    if postgres:
        return re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + base}", sql)
    counter = iter(range(base + 1, base + len(values) + 1))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


def _tsquery(words: list[tuple[str, list[str]]]) -> str:
    groups = []
    for word, parts in words:
        alternatives = [f"'{word}':*"]
        if parts:
            alternatives.append("(" + " & ".join(f"'{p}'" for p in parts) + ")")
        groups.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(groups)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _match(alias: str, words: list[tuple[str, list[str]]], params: list[Any], pg: bool) -> str:
    if pg:
        params.append(_tsquery(words))
        tsquery = f"to_tsquery('simple', ${len(params)})"
        params.append([_like(w) for w, _ in words])
        return f"({alias}.tsv @@ {tsquery} OR {alias}.terms LIKE ALL(${len(params)}::text[]))"
    clauses = []
    for word, _ in words:
        params.append(_like(word))
        clauses.append(
            f"lower({alias}.title || ' ' || {alias}.content) LIKE ${len(params)} ESCAPE '\\'"
        )
    return "(" + " AND ".join(clauses) + ")"


async def search(
    ctx: Context, text: str, kinds: list[str] | None, first: int | None, after: str | None
) -> Hits:
    actor = ctx.actor
    words = indexing.query_words(text)
    size = first if first is not None else 20
    if size < 0 or size > ctx.max_page:
        raise PageError(f"first must be between 0 and {ctx.max_page}")
    if actor is None or not words or size == 0:
        return Hits([], False)
    wanted = [k for k in KINDS if not kinds or k in kinds]
    sql = TenantSql([actor.tenant_id])
    pg = sql.postgres()
    params: list[Any] = []
    tenant = sql.where("s", params)
    rule = " OR ".join(
        [
            f"(s.kind = '{kind}' AND s.subject_id IN ({_sub(await _readable(ctx, kind), params, pg)}))"
            for kind in wanted
        ]
    )
    main = _match("s", words, params, pg)
    hidden = _match("h", words, params, pg)
    may_see_hidden = (
        "TRUE"
        if actor.has(Permission.DOCUMENTS_MANAGE)
        else "h.subject_id IN ({})".format(_sub(visibility_candidates(ctx), params, pg))
    )
    params.append(words[0][0])
    title_word = f"${len(params)}"
    if pg:
        params.append(_tsquery(words))
        rank_sql = (
            f"ROUND(CAST(ts_rank_cd(s.tsv, to_tsquery('simple', ${len(params)})) + CASE WHEN "
            f"strpos(lower(s.title), {title_word}) > 0 THEN 1 ELSE 0 END AS NUMERIC), 6)"
        )
    else:
        rank_sql = f"CASE WHEN instr(lower(s.title), {title_word}) > 0 THEN 1.0 ELSE 0.0 END"
    inner = (
        f"SELECT s.id, s.kind, s.subject_id, s.title, s.content, {rank_sql} AS rank "
        f"FROM search_entry s WHERE s.field = ''{tenant} AND ({rule}) AND ({main} OR "
        f"(s.kind = 'document' AND EXISTS (SELECT 1 FROM search_entry h WHERE "
        f"h.tenant_id = s.tenant_id AND h.kind = 'document' AND h.subject_id = s.subject_id "
        f"AND h.field <> '' AND {hidden} AND {may_see_hidden})))"
    )
    keyset = ""
    if after:
        rank_after, id_after = decode_cursor(after, 2)
        try:
            params += [
                str(float(rank_after)) if pg else float(rank_after),
                str(uuid.UUID(id_after)),
            ]
        except (TypeError, ValueError) as error:
            raise PageError("The cursor is not valid") from error
        rank_at = f"CAST(${len(params) - 1} AS NUMERIC)" if pg else f"${len(params) - 1}"
        id_at = f"CAST(${len(params)} AS UUID)" if pg else f"${len(params)}"
        keyset = f" WHERE t.rank < {rank_at} OR (t.rank = {rank_at} AND t.id < {id_at})"
    params.append(size + 1)
    statement = (
        f"SELECT * FROM ({inner}) t{keyset} ORDER BY t.rank DESC, t.id DESC LIMIT ${len(params)}"  # noqa: S608 (built from our own fragments; values are parameters)
    )
    rows = await sql.rows(statement, params)
    return Hits(await _without_concealed(ctx, rows[:size], words), len(rows) > size)


async def _readable(ctx: Context, kind: str) -> QuerySet[Any]:
    """The ids of what the viewer may open of one kind, by that domain's one read rule."""
    actor = ctx.actor
    assert actor is not None
    if kind == "document":
        return access.readable(actor).values("id")
    if kind == "notice":
        found = await notices.reach(ctx.tenant_scope, actor.user_id)
        return notices.visible(actor, found, datetime.now(UTC)).values("id")
    return (await publications.readable_issues(actor)).values("id")


def visibility_candidates(ctx: Context) -> QuerySet[Any]:
    """Documents where a hidden field may show to the viewer (checked exactly afterwards)."""
    actor = ctx.actor
    assert actor is not None
    mine = Subquery(
        ctx.tenant_scope.query(DocumentParticipant)
        .filter(user_id=actor.user_id)
        .values("document_id")
    )
    return (
        ctx.tenant_scope.query(Document)
        .filter(Q(initiator_id=actor.user_id) | Q(id__in=mine))
        .values("id")
    )


async def _without_concealed(
    ctx: Context, rows: list[dict[str, Any]], words: list[tuple[str, list[str]]]
) -> list[Hit]:
    """The hits, with snippets; a document found only in fields hidden from the viewer
    (at every node where she stood) is left out."""
    actor = ctx.actor
    assert actor is not None
    doc_ids = [uuid.UUID(str(r["subject_id"])) for r in rows if r["kind"] == "document"]
    documents = {d.id: d for d in await ctx.tenant_scope.query(Document).filter(id__in=doc_ids)}
    standings = (
        await visibility.standings(ctx.tenant_scope, actor.user_id, doc_ids) if doc_ids else {}
    )
    hits = []
    for row in rows:
        key = uuid.UUID(str(row["subject_id"]))
        text = f"{row['title']}\n{row['content']}"
        if not _found_in(text, words) and row["kind"] == "document":
            document = documents[key]
            concealed = visibility.concealed(
                actor, document, await flow_of(ctx, document), standings.get(key, frozenset())
            )
            shown = [
                e
                for e in await ctx.tenant_scope.query(SearchEntry)
                .filter(kind="document", subject_id=key)
                .exclude(field="")
                if e.field not in concealed and _found_in(e.content, words)
            ]
            if not shown:
                continue
            text = shown[0].content
        rank = float(row["rank"])
        cursor = encode_cursor([str(row["rank"]), str(row["id"])])
        hits.append(Hit(row["kind"], key, row["title"], snippet(text, words), rank, cursor))
    return hits


def _found_in(text: str, words: list[tuple[str, list[str]]]) -> bool:
    lowered = text.lower()
    return all(w in lowered or (parts and all(p in lowered for p in parts)) for w, parts in words)


def snippet(text: str, words: list[tuple[str, list[str]]]) -> str:
    """About SNIPPET characters around the first match, HTML-escaped, each match in <mark>."""
    terms = sorted({t for w, parts in words for t in (w, *parts)}, key=len, reverse=True)
    lowered = text.lower()
    positions = [p for t in terms if (p := lowered.find(t)) >= 0]
    start = max(0, min(positions) - SNIPPET // 3) if positions else 0
    piece = text[start : start + SNIPPET].replace("\n", " ")
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(piece):
        out += [html.escape(piece[last : m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        last = m.end()
    out.append(html.escape(piece[last:]))
    return ("…" if start else "") + "".join(out) + ("…" if start + SNIPPET < len(text) else "")
