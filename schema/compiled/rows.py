"""Row plans: a query (registered or not) that selects only columns, joins and paging of types
is answered from one SELECT per root field (`totalCount` rides on it as an uncorrelated
subquery, evaluated once; an empty page asks for it on its own), read straight
from the records: no model objects, no strawberry objects, no resolver calls.

What it reads, and under which rule, is what the resolvers use, not a second spelling:
- a root field's rows: its `Source`, the resolver's own unpaged queryset, paged as
  `resolvers/pagination.py` pages (the same size checks, cursors and `pageInfo`);
- a type's columns: `LoadedNode.columns` (what `from_model` copies unchanged), converted by
  the model field's `to_python_value` and serialised by the GraphQL type, as the general path;
- a join: `LoadedNode.joins`, with the target loader's `visible(ctx)` queryset (tenant scope,
  the documents' read rule) as `LEFT JOIN (…) ON id = <foreign key>`, so a row the loader
  would not return is null.

The statement of a (viewer, arguments) is built once and kept: the SQL of a read rule
depends on the viewer's grants, not on the request. Anything else gives way to the resolver
plan (and that to normal execution): a field not listed, backwards paging, bad paging
arguments, a null where none may be, any error; so errors always come from the general path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
)
from graphql.execution.values import get_argument_values
from strawberry.relay.utils import to_base64
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.scope import TenantSql
from resolvers.dataloaders import ById
from resolvers.pagination import (
    PageArgs,
    PageError,
    Window,
    cursor_values,
    encode_cursor,
    page_size,
    plain,
    window,
)
from schema.compiled.plan import GiveWay
from schema.compiled.sql import Statement
from schema.nodes import LoadedNode

PAGING = ("first", "after", "last", "before")
KEEP = 1024
"""Statements kept per plan (one per viewer and arguments)."""


@dataclass(frozen=True)
class Source:
    """A root connection field answered by rows: `rows(ctx, *shape)` is its resolver's
    unpaged queryset (None: give way), `shape` the GraphQL arguments it depends on; any
    other argument but paging must be absent."""

    node: type[LoadedNode]
    rows: Callable[..., QuerySet[Any] | None]
    order: tuple[str, ...]
    descending: bool
    shape: tuple[str, ...] = ()

    @property
    def model(self) -> type[Model]:
        """The table of the nodes, as their type's loader reads it."""
        model: type[Model] = getattr(self.node.loader, "model")  # noqa: B009 (not on Loader)
        return model


SOURCES: dict[tuple[str, str], Source] = {}
"""By (GraphQL type, field): the root fields a row plan may answer."""

COLUMN, NODE_ID, TYPENAME, JOIN = "column", "node_id", "typename", "join"


class Table:
    """The fields selected on one loaded type at one place, read from its alias's columns."""

    __slots__ = ("alias", "fields", "model", "origin")

    def __init__(self, origin: type[LoadedNode], model: type[Model], alias: str) -> None:
        self.origin = origin
        self.model = model
        self.alias = alias
        self.fields: list[tuple[str, str, Any, Any, bool]] = []
        """(kind, response key, column index or name, converter or table, non-null)."""

    def render(self, record: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, key, at, how, non_null in self.fields:
            if kind is COLUMN:
                value = record[at]
                if value is not None:
                    value = how(value)
                elif non_null:
                    raise GiveWay
            elif kind is JOIN:
                if record[at] is None:
                    if non_null:
                        raise GiveWay
                    value = None
                else:
                    value = how.render(record)
            elif kind is NODE_ID:
                value = to_base64(how, str(record[at]))
            else:
                value = how
            out[key] = value
        return out


class Select:
    """The statement's columns and joins, gathered while compiling."""

    def __init__(self) -> None:
        self.columns: list[str] = []
        self.joins: list[tuple[Table, type[ById[Any]], Table, str]] = []
        """(joined table, its loader, the table it hangs from, that one's foreign key column)."""

    def column(self, table: Table, name: str) -> int:
        self.columns.append(f'{table.alias}."{table.model._meta.fields_db_projection[name]}"')
        return len(self.columns) - 1

    def join(self, origin: type[LoadedNode], parent: Table, foreign_key: str) -> Table:
        """A table joined by its id, with the rows its type's loader would return."""
        loader = origin.loader
        if not issubclass(loader, ById):
            raise GiveWay
        table = Table(origin, loader.model, f"t{len(self.joins) + 1}")
        self.joins.append((table, loader, parent, foreign_key))
        return table


class Connection:
    """One root connection field: its rows, `totalCount`, `pageInfo` and edges."""

    def __init__(self, node: FieldNode, field_def: Any, source: Source) -> None:
        self.node = node
        self.field_def = field_def
        self.source = source
        self.select = Select()
        root = Table(source.node, source.model, "t0")
        self.model = source.model
        self.order = [self.select.column(root, name) for name in source.order]
        self.to_python = [
            self.model._meta.fields_map[name].to_python_value for name in source.order
        ]
        self.fields: list[tuple[str, str, Any]] = []
        """(field name, response key, what: the fields selected below it, or a type name)."""
        self.count = False
        self.names: dict[str, str] = {}
        """Type names of the connection's page info and edges, for `__typename`."""
        self.statements: dict[tuple[Any, ...], Built] = {}

    async def run(self, ex: Any) -> dict[str, Any]:
        ctx, source = ex.context_value, self.source
        args = get_argument_values(self.field_def, self.node, ex.variable_values)
        if any(v is not None for k, v in args.items() if k not in PAGING + source.shape):
            raise GiveWay
        page = PageArgs(args.get("first"), args.get("after"), args.get("last"), args.get("before"))
        if page.last is not None or page.before is not None or ctx.scope is None:
            raise GiveWay
        try:
            size = page_size(page, ctx.max_page)
            cursor = cursor_values(self.model, source.order, page.after) if page.after else []
        except PageError as exc:
            raise GiveWay from exc
        shape = tuple(args.get(name) for name in source.shape)
        key = (ctx.actor, ctx.scope.tenant_id, shape, bool(cursor))
        built = self.statements.get(key) or self._build(ctx, shape, len(cursor), key)
        records = await built.tenant.records(built.rows, [*built.params, *cursor, size + 1])
        total = 0
        if self.count and records:
            total = records[0][-1]
        elif self.count:  # no row to carry it
            count = await built.tenant.records(built.count, built.params[: built.root_params])
            total = count[0][0]
        return self._render(window(records, size, page), total)

    def _build(self, ctx: Any, shape: tuple[Any, ...], cursor: int, key: tuple[Any, ...]) -> Built:
        rows = self.source.rows(ctx, *shape)
        if rows is None:
            raise GiveWay
        statement = Statement()
        root = statement.query(rows)
        tenant = TenantSql([ctx.scope.tenant_id])
        scoped = f" WHERE TRUE{tenant.where('t0', statement.params)}"
        root_params = len(statement.params)
        count = f"SELECT count(*) FROM {root} AS t0{scoped}"  # noqa: S608 (names from model metadata, values as parameters)
        columns = [*self.select.columns, f"({count})"] if self.count else self.select.columns
        text = [f"SELECT {', '.join(columns)} FROM {root} AS t0"]  # noqa: S608
        for joined, loader, parent, foreign_key in self.select.joins:
            visible = loader.visible(ctx)
            if visible is None:
                raise GiveWay
            text.append(
                f" LEFT JOIN {statement.query(visible)} AS {joined.alias}"
                f' ON {joined.alias}."id" = {parent.alias}."{foreign_key}"'
            )
        keys = [self.select.columns[i] for i in self.order]
        n = len(statement.params)
        text.append(scoped)
        if cursor:
            past = "<" if self.source.descending else ">"
            places = ", ".join(f"${n + i + 1}" for i in range(cursor))
            text.append(f" AND ({', '.join(keys)}) {past} ({places})")
        direction = " DESC" if self.source.descending else ""
        text.append(f" ORDER BY {', '.join(k + direction for k in keys)} LIMIT ${n + cursor + 1}")
        built = Built("".join(text), count, statement.params, root_params, tenant)
        if len(self.statements) >= KEEP:
            self.statements.clear()
        self.statements[key] = built
        return built

    def _render(self, page: Window[Any], total: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, what in self.fields:
            if name == "totalCount":
                out[key] = total
            elif name == "pageInfo":
                ends = (
                    [self._cursor(page.rows[0]), self._cursor(page.rows[-1])]
                    if page.rows
                    else [None, None]
                )
                info = {
                    "hasNextPage": page.has_next,
                    "hasPreviousPage": page.has_previous,
                    "startCursor": ends[0],
                    "endCursor": ends[1],
                    "__typename": self.names["pageInfo"],
                }
                out[key] = {k: info[f] for k, f in what}
            elif name == "edges":
                out[key] = [{k: self._edge(record, f) for k, f in what} for record in page.rows]
            else:
                out[key] = what
        return out

    def _edge(self, record: Any, what: Any) -> Any:
        if what == "cursor":
            return self._cursor(record)
        if what == "__typename":
            return self.names["edges"]
        return what.render(record)

    def _cursor(self, record: Any) -> str:
        return encode_cursor(
            [plain(f(record[i])) for f, i in zip(self.to_python, self.order, strict=True)]
        )


@dataclass(frozen=True)
class Built:
    rows: str
    count: str
    params: list[Any]
    root_params: int
    """The first parameters (the root queryset's and the tenant's): those of the count."""
    tenant: TenantSql
    """Runs the statements; its tenant predicate (`WHERE t0.tenant_id = …`) is in both."""


class RowPlan:
    """The root fields of one operation: connections, or `__typename`."""

    def __init__(self, roots: list[tuple[str, Connection | str]]) -> None:
        self.roots = roots

    async def execute(self, ex: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, root in self.roots:
            out[key] = root if isinstance(root, str) else await root.run(ex)
        return out
