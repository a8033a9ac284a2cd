"""Building a row plan (`rows.py`): the operation's fields matched against the sources,
columns and joins the types declare; anything else raises `GiveWay`, and the operation keeps
its resolver plan."""

from __future__ import annotations

from collections.abc import Callable
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

from schema.compiled.compiler import Compiler, is_node_id
from schema.compiled.plan import GiveWay, leaf
from schema.compiled.rows import (
    COLUMN,
    JOIN,
    NODE_ID,
    SOURCES,
    TYPENAME,
    Connection,
    RowPlan,
    Select,
    Source,
    Table,
)
from schema.nodes import LoadedNode


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
    connection = Connection(nodes[0], field_def, source)
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
