"""Search (全文检索) across what the viewer may read: documents (by the one read rule, and a
match in a hidden field only for those who may see the field), notices published to her,
and issues of publications she reads. Ranked, keyset-paginated on (rank, id), with
highlighted snippets.

PostgreSQL matches the segmented words against the tsvector (a query word matches itself
as a prefix, or all the shorter words the index splits it into) or, for partial words, the
trigram-indexed `terms` (LIKE); the embedded database finds each word in the text (LIKE).
"""

from __future__ import annotations

# ruff: noqa: S608 (SQL is assembled from our own fragments and $n placeholders only)
import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import ValuesQuery

from i18n import _
from models.access import Permission
from models.documents import Document, DocumentParticipant
from models.scope import TenantSql
from models.search import SearchEntry
from resolvers.context import Context
from resolvers.documents import flow_of
from resolvers.pagination import PageError, decode_cursor, encode_cursor
from services import indexing, notices, publications, usage
from services.documents import access, visibility

KINDS = ("document", "notice", "issue")
Words = list[tuple[str, list[str]]]
"""A query's words, each with the shorter words the index splits it into."""
LATIN = re.compile(r"[a-z]+")
TRIGRAM = 3
"""Characters a word needs before a trigram index can find it inside longer words; shorter
ones match as words and prefixes only (a shorter LIKE would read every row)."""
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


def _tsquery(words: Words) -> str:
    """Each word as itself or all its parts; a Latin word also as a prefix (typing `offic`
    finds office). Chinese words match exactly: the index holds their shorter words already,
    and an exact term lets the GIN index skip through the long lists of common ones."""
    groups = []
    for word, parts in words:
        alternatives = [f"'{word}':*" if LATIN.fullmatch(word) else f"'{word}'"]
        if parts:
            alternatives.append("(" + " & ".join(f"'{p}'" for p in parts) + ")")
        groups.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(groups)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search(
    ctx: Context, text: str, kinds: list[str] | None, first: int | None, after: str | None
) -> Hits:
    actor = ctx.actor
    words = indexing.query_words(text)
    size = first if first is not None else 20
    if size < 0 or size > ctx.max_page:
        raise PageError(_("first must be between 0 and {max_page}", max_page=ctx.max_page))
    if actor is None:
        return Hits([], False)
    usage.requests.add(actor.tenant_id, usage.Meter.SEARCH_QUERIES)
    if not words or size == 0:
        return Hits([], False)
    sql = TenantSql([actor.tenant_id])
    statement = Statement(sql.postgres())
    branches = []
    wanted = [k for k in KINDS if not kinds or k in kinds]
    found = await notices.reach(ctx.tenant_scope, actor.user_id) if wanted != ["document"] else None
    for kind in wanted:
        readable = statement.sub(await _readable(ctx, kind, found or notices.Reach(frozenset())))
        branches.append(
            f"SELECT {statement.hit_columns(words)} FROM search_entry s "
            f"WHERE s.kind = '{kind}' AND s.field = ''{sql.where('s', statement.params)} "
            f"AND {statement.match('s', words)} AND s.subject_id IN ({readable})"
        )
        if kind == "document":
            branches.append(statement.in_hidden(ctx, sql, readable, words))
    inner = " UNION ALL ".join(branches)
    rows = await sql.rows(statement.page(inner, after, size), statement.params)
    return Hits(await _without_concealed(ctx, rows[:size], words), len(rows) > size)


class Statement:
    """The parts of one search statement, written once for PostgreSQL and SQLite with `$n`
    parameters (collected in `params`)."""

    def __init__(self, postgres: bool) -> None:
        self.pg = postgres
        self.params: list[Any] = []

    def add(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def sub(self, query: ValuesQuery[Any]) -> str:
        """A query set as a subquery, its parameters appended."""
        query._choose_db_if_not_chosen()
        query._make_query()
        sql, values = query.query.get_parameterized_sql()
        base = len(self.params)
        self.params.extend(values)
        if self.pg:
            return re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + base}", sql)
        counter = iter(range(base + 1, base + len(values) + 1))
        return re.sub(r"\?", lambda _: f"${next(counter)}", sql)

    def match(self, alias: str, words: Words) -> str:
        """Every word matches: on PostgreSQL through the tsvector or, for words of at least
        TRIGRAM characters, inside longer words through the trigram-indexed terms; on SQLite
        anywhere in the text."""
        if self.pg:
            query = f"{alias}.tsv @@ to_tsquery('simple', {self.add(_tsquery(words))})"
            if min(len(w) for w, _ in words) < TRIGRAM:
                return f"({query})"
            likes = " AND ".join(f"{alias}.terms LIKE {self.add(_like(w))}" for w, _ in words)
            return f"({query} OR ({likes}))"
        text = f"lower({alias}.title || ' ' || {alias}.content)"
        return (
            "("
            + " AND ".join(f"{text} LIKE {self.add(_like(w))} ESCAPE '\\'" for w, _ in words)
            + ")"
        )

    def hit_columns(self, words: Words, hidden_only: bool = False) -> str:
        """What a hit row holds; `hidden_only` marks the rows of documents whose match is in
        hidden fields alone."""
        flag = 1 if hidden_only else 0
        rank = self.rank(words)
        return (
            f"s.id, s.kind, s.subject_id, s.title, s.content, {rank} AS rank, {flag} AS hidden_only"
        )

    def in_hidden(self, ctx: Context, sql: TenantSql, readable: str, words: Words) -> str:
        """Documents (their main rows) matched in hidden fields only, where hidden fields
        may show to the viewer; `_without_concealed` then applies the exact rule per hit. The
        readable subquery's parameters are shared with the document branch."""
        actor = ctx.actor
        assert actor is not None
        may_see = ""
        if not actor.has(Permission.DOCUMENTS_MANAGE):
            may_see = f" AND h.subject_id IN ({self.sub(_standing_candidates(ctx))})"
        return (
            f"SELECT {self.hit_columns(words, hidden_only=True)} FROM search_entry h "
            "JOIN search_entry s "
            "ON s.tenant_id = h.tenant_id AND s.kind = 'document' AND s.subject_id = h.subject_id "
            f"AND s.field = '' WHERE h.kind = 'document' AND h.field <> ''"
            f"{sql.where('h', self.params)} AND {self.match('h', words)} "
            f"AND h.subject_id IN ({readable}){may_see} AND NOT {self.match('s', words)}"
        )

    def rank(self, words: Words) -> str:
        """ts_rank_cd, plus 1 when the first word is in the title (rounded: cursors compare
        it exactly); on SQLite the title bonus alone."""
        title = f"{self.add(words[0][0])}"
        if not self.pg:
            return f"CASE WHEN instr(lower(s.title), {title}) > 0 THEN 1.0 ELSE 0.0 END"
        query = self.add(_tsquery(words))
        return (
            f"ROUND(CAST(ts_rank_cd(s.tsv, to_tsquery('simple', {query})) + CASE WHEN "
            f"strpos(lower(s.title), {title}) > 0 THEN 1 ELSE 0 END AS NUMERIC), 6)"
        )

    def page(self, inner: str, after: str | None, size: int) -> str:
        """Best first, keyset on (rank, id) after the cursor's hit."""
        keyset = ""
        if after:
            rank_after, id_after = decode_cursor(after, 2)
            try:
                rank = self.add(str(float(rank_after)) if self.pg else float(rank_after))
                key = self.add(str(uuid.UUID(id_after)))
            except (TypeError, ValueError) as error:
                raise PageError(_("The cursor is not valid")) from error
            if self.pg:
                rank, key = f"CAST({rank} AS NUMERIC)", f"CAST({key} AS UUID)"
            keyset = f" WHERE t.rank < {rank} OR (t.rank = {rank} AND t.id < {key})"
        limit = self.add(size + 1)
        return f"SELECT * FROM ({inner}) t{keyset} ORDER BY t.rank DESC, t.id DESC LIMIT {limit}"


async def _readable(ctx: Context, kind: str, found: notices.Reach) -> ValuesQuery[Any]:
    """The ids of what the viewer may open of one kind, by that domain's one read rule."""
    actor = ctx.actor
    assert actor is not None
    if kind == "document":
        return access.readable(actor).values("id")
    if kind == "notice":
        return notices.visible(actor, found, datetime.now(UTC)).values("id")
    return (await publications.readable_issues(actor, found)).values("id")


def _standing_candidates(ctx: Context) -> ValuesQuery[Any]:
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


async def _without_concealed(ctx: Context, rows: list[dict[str, Any]], words: Words) -> list[Hit]:
    """The hits, with snippets; a document matched only in fields hidden from the viewer
    (at every node where she stood) is left out, and its hidden text never shown."""
    hits = []
    for row in rows:
        key = uuid.UUID(str(row["subject_id"]))
        text = f"{row['title']}\n{row['content']}"
        if row["hidden_only"]:
            shown = await _shown_hidden_text(ctx, key, words)
            if shown is None:
                continue
            text = shown
        rank = float(row["rank"])
        cursor = encode_cursor([str(row["rank"]), str(row["id"])])
        hits.append(Hit(row["kind"], key, row["title"], snippet(text, words), rank, cursor))
    return hits


async def _shown_hidden_text(ctx: Context, key: uuid.UUID, words: Words) -> str | None:
    """The text of a hidden field of document `key` that matches and that the viewer may
    see (the one hidden-fields rule), or None."""
    actor, scope = ctx.actor, ctx.tenant_scope
    assert actor is not None
    document = await scope.query(Document).get(id=key)
    standing = (await visibility.standings(scope, actor.user_id, [key])).get(key, frozenset())
    concealed = visibility.concealed(actor, document, await flow_of(ctx, document), standing)
    entries = (
        await scope.query(SearchEntry).filter(kind="document", subject_id=key).exclude(field="")
    )
    shown = [e for e in entries if e.field not in concealed and _found_in(e.content, words)]
    return shown[0].content if shown else None


def _found_in(text: str, words: Words) -> bool:
    lowered = text.lower()
    return all(w in lowered or (parts and all(p in lowered for p in parts)) for w, parts in words)


def snippet(text: str, words: Words) -> str:
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
