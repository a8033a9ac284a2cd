"""Row plans: a registered query that selects only columns, joins and paging of loaded types
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
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.values import get_argument_values
from strawberry.relay.utils import to_base64
from tortoise.models import Model
from tortoise.queryset import QuerySet

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
from schema.compiled.compiler import Compiler, is_node_id
from schema.compiled.plan import GiveWay, leaf
from schema.compiled.sql import Statement, fetch
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
    model: type[Model]
    rows: Callable[..., QuerySet[Any] | None]
    order: tuple[str, ...]
    descending: bool
    shape: tuple[str, ...] = ()


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

    def __init__(self, key: str, node: FieldNode, field_def: Any, source: Source) -> None:
        self.key = key
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
        records = await fetch(built.rows, [*built.params, *cursor, size + 1])
        total = 0
        if self.count and records:
            total = records[0][-1]
        elif self.count:  # no row to carry it
            total = (await fetch(built.count, built.params[: built.root_params]))[0][0]
        return self._render(window(records, size, page), total)

    def _build(self, ctx: Any, shape: tuple[Any, ...], cursor: int, key: tuple[Any, ...]) -> Built:
        rows = self.source.rows(ctx, *shape)
        if rows is None:
            raise GiveWay
        statement = Statement()
        root = statement.query(rows)
        root_params = len(statement.params)
        count = f"SELECT count(*) FROM {root} AS t0"  # noqa: S608 (names from model metadata, values as parameters)
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
        if cursor:
            past = "<" if self.source.descending else ">"
            places = ", ".join(f"${n + i + 1}" for i in range(cursor))
            text.append(f" WHERE ({', '.join(keys)}) {past} ({places})")
        direction = " DESC" if self.source.descending else ""
        text.append(f" ORDER BY {', '.join(k + direction for k in keys)} LIMIT ${n + cursor + 1}")
        built = Built("".join(text), count, statement.params, root_params)
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
    """The first parameters, which are the root queryset's: those of the count."""


class RowPlan:
    """The root fields of one operation: connections, or `__typename`."""

    def __init__(self, roots: list[tuple[str, Connection | str]]) -> None:
        self.roots = roots

    async def execute(self, ex: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, root in self.roots:
            out[key] = root if isinstance(root, str) else await root.run(ex)
        return out


def compile_rows(compiler: Compiler) -> RowPlan | None:
    """The row plan of the compiler's operation, or None when any field is not one."""
    query = compiler.schema.query_type
    roots: list[tuple[str, Connection | str]] = []
    try:
        for key, nodes in compiler.collect(query, [compiler.operation.selection_set]).items():
            name = nodes[0].name.value
            if name == "__typename":
                roots.append((key, query.name))
                continue
            source = SOURCES.get((query.name, name))
            if source is None:
                return None
            roots.append((key, _connection(compiler, key, nodes, query.fields[name], source)))
    except GiveWay:
        return None
    return RowPlan(roots)


PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")


def _connection(
    compiler: Compiler, key: str, nodes: list[FieldNode], field_def: Any, source: Source
) -> Connection:
    connection = Connection(key, nodes[0], field_def, source)
    gtype = get_named_type(field_def.type)
    for k, found in compiler.collect(gtype, _below(nodes)).items():
        name = found[0].name.value
        if name == "totalCount":
            connection.count = True
            connection.fields.append((name, k, None))
        elif name == "pageInfo":
            info = get_named_type(gtype.fields[name].type)
            what = [
                (ik, n[0].name.value) for ik, n in compiler.collect(info, _below(found)).items()
            ]
            if any(f not in PAGE_INFO for _, f in what):
                raise GiveWay
            connection.names[name] = info.name
            connection.fields.append((name, k, what))
        elif name == "edges":
            edge = get_named_type(gtype.fields[name].type)
            connection.names[name] = edge.name
            connection.fields.append((name, k, _edges(compiler, connection, edge, found)))
        elif name == "__typename":
            connection.fields.append((name, k, gtype.name))
        else:
            raise GiveWay
    return connection


def _edges(
    compiler: Compiler, connection: Connection, edge: Any, nodes: list[FieldNode]
) -> list[tuple[str, Any]]:
    what: list[tuple[str, Any]] = []
    for k, found in compiler.collect(edge, _below(nodes)).items():
        name = found[0].name.value
        if name in ("cursor", "__typename"):
            what.append((k, name))
        elif name == "node":
            table = Table(connection.source.node, connection.model, "t0")
            _table(
                compiler, connection.select, table, get_named_type(edge.fields[name].type), found
            )
            what.append((k, table))
        else:
            raise GiveWay
    return what


def _table(
    compiler: Compiler,
    select: Select,
    table: Table,
    gtype: GraphQLObjectType,
    nodes: list[FieldNode],
) -> None:
    origin = table.origin
    if _origin(gtype) is not origin:
        raise GiveWay
    for key, found in compiler.collect(gtype, _below(nodes)).items():
        name = found[0].name.value
        if name == "__typename":
            table.fields.append((TYPENAME, key, None, gtype.name, False))
            continue
        field_def = gtype.fields.get(name)
        if field_def is None or field_def.args or found[0].arguments:
            raise GiveWay
        definition = field_def.extensions.get("strawberry-definition")
        python = definition.python_name
        non_null = isinstance(field_def.type, GraphQLNonNull)
        inner = field_def.type.of_type if non_null else field_def.type
        if is_node_id(definition, gtype) and origin.resolve_id_attr() == "id":
            table.fields.append((NODE_ID, key, select.column(table, "id"), gtype.name, True))
        elif python in origin.columns and getattr(field_def.resolve, "_is_default", False):
            if not is_leaf_type(inner):
                raise GiveWay
            convert = _converter(table.model._meta.fields_map[python], inner)
            table.fields.append((COLUMN, key, select.column(table, python), convert, non_null))
        elif python in origin.joins and is_object_type(inner):
            target = _origin(inner)
            if not (isinstance(target, type) and issubclass(target, LoadedNode)):
                raise GiveWay
            foreign_key = table.model._meta.fields_db_projection[origin.joins[python]]
            joined = select.join(target, table, foreign_key)
            _table(compiler, select, joined, inner, found)
            table.fields.append((JOIN, key, select.column(joined, "id"), joined, non_null))
        else:
            raise GiveWay


def _origin(gtype: Any) -> Any:
    return getattr(gtype.extensions.get("strawberry-definition"), "origin", None)


def _below(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set]


def _converter(field: Any, gtype: Any) -> Callable[[Any], Any]:
    """The database value as the general path serialises it: the model's Python value, then
    the GraphQL type's `serialize`; an enum's few values are converted once each."""
    complete = leaf(gtype)
    to_python = field.to_python_value

    def convert(value: Any) -> Any:
        return complete(None, to_python(value), None, None)

    if not isinstance(gtype, GraphQLEnumType):
        return convert
    known: dict[Any, Any] = {}

    def enum(value: Any) -> Any:
        found = known.get(value)
        if found is None:
            found = known[value] = convert(value)
        return found

    return enum
