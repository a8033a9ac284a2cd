"""The run-time half of a compiled plan: objects, fields, completion of values."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from graphql import FieldNode, GraphQLBoolean, GraphQLInt, GraphQLObjectType, GraphQLString
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from strawberry.relay.utils import to_base64

Complete = Callable[[Any, Any, Any, Any], Any]
"""(executor, value, path, info) -> the completed value, or an awaitable of it."""
INT_MAX = 2**31


class GiveWay(Exception):
    """The compiled plan cannot answer this request: run the operation normally."""


class ObjectPlan:
    """The fields selected on one object type at one place in the operation."""

    __slots__ = ("fields", "gtype", "is_type_of", "name")

    def __init__(self, gtype: GraphQLObjectType, fields: list[FieldPlan]) -> None:
        self.gtype = gtype
        self.name = gtype.name
        self.fields = fields
        self.is_type_of: Any = gtype.is_type_of
        """strawberry's is an isinstance check that ignores its `info`."""

    def execute(self, ex: Any, source: Any, path: Path | None) -> Any:
        if self.is_type_of is not None and not self.is_type_of(source, None):
            raise GiveWay
        out: dict[str, Any] = {}
        waiting: list[tuple[str, Any]] = []
        try:
            self._fields(ex, source, path, out, ex.is_awaitable, waiting)
        except Exception as exc:
            if waiting:
                return settle(exc, [a for _, a in waiting])
            raise
        if waiting:
            return _fill(out, waiting)
        return out

    def _fields(
        self,
        ex: Any,
        source: Any,
        path: Path | None,
        out: dict[str, Any],
        is_awaitable: Any,
        waiting: list[tuple[str, Any]],
    ) -> None:
        for f in self.fields:
            key = f.key
            kind = f.kind
            if kind is PLAIN:
                fpath = Path(path, key, self.name) if f.may_wait else None
                value = f.complete(ex, f.getter(source), fpath, None)
            elif kind is TYPENAME:
                value = self.name
            elif kind is NODE_ID:
                value = to_base64(self.name, str(f.getter(source)))
            else:
                fpath = Path(path, key, self.name)
                info = ex.build_resolve_info(f.field_def, f.nodes, self.gtype, fpath)
                args = (
                    get_argument_values(f.field_def, f.nodes[0], ex.variable_values)
                    if f.has_args
                    else {}
                )
                value = f.field_def.resolve(source, info, **args)
                if is_awaitable(value):
                    value = _then(value, f.complete, ex, fpath, info)
                else:
                    value = f.complete(ex, value, fpath, info)
            if f.may_wait and is_awaitable(value):
                waiting.append((key, value))
            out[key] = value


PLAIN, TYPENAME, NODE_ID, RESOLVE = "plain", "typename", "node_id", "resolve"


class FieldPlan:
    __slots__ = (
        "complete",
        "field_def",
        "getter",
        "has_args",
        "key",
        "kind",
        "may_wait",
        "nodes",
    )

    def __init__(self, key: str, kind: str, nodes: list[FieldNode], field_def: Any) -> None:
        self.key = key
        self.kind = kind
        self.nodes = nodes
        self.field_def = field_def
        self.getter: Callable[[Any], Any] = _none
        self.complete: Complete = _identity
        self.has_args = bool(field_def and (field_def.args or nodes[0].arguments))
        self.may_wait = kind is RESOLVE


def _none(_source: Any) -> None:
    return None


def _identity(_ex: Any, value: Any, _path: Path, _info: Any) -> Any:
    return value


async def _then(awaitable: Any, complete: Complete, ex: Any, path: Path, info: Any) -> Any:
    value = await awaitable
    done = complete(ex, value, path, info)
    if ex.is_awaitable(done):
        return await done
    return done


async def _fill(out: dict[str, Any], waiting: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(waiting) == 1:
        key, awaitable = waiting[0]
        out[key] = await awaitable
        return out
    values = await asyncio.gather(*(a for _, a in waiting), return_exceptions=True)
    for (key, _), value in zip(waiting, values, strict=True):
        if isinstance(value, BaseException):
            raise value
        out[key] = value
    return out


async def settle(exc: Exception, started: list[Any]) -> Any:
    """Lets what already started finish (as graphql-core would) before giving way: nothing
    is left unawaited."""
    await asyncio.gather(*started, return_exceptions=True)
    raise exc


async def gather_list(items: list[Any], where: list[int]) -> list[Any]:
    values = await asyncio.gather(*(items[i] for i in where), return_exceptions=True)
    for i, value in zip(where, values, strict=True):
        if isinstance(value, BaseException):
            raise value
        items[i] = value
    return items


def leaf(gtype: Any) -> Complete:
    serialize = gtype.serialize

    def general(_ex: Any, value: Any, _path: Path, _info: Any) -> Any:
        if value is None:
            return None
        done = serialize(value)
        if done is None or done is Undefined:
            raise GiveWay
        return done

    exact = {GraphQLString: str, GraphQLBoolean: bool}.get(gtype)
    if exact is not None:

        def same(ex: Any, value: Any, path: Path, info: Any) -> Any:
            return value if value.__class__ is exact else general(ex, value, path, info)

        return same
    if gtype is GraphQLInt:

        def small_int(ex: Any, value: Any, path: Path, info: Any) -> Any:
            if value.__class__ is int and -INT_MAX <= value < INT_MAX:
                return value
            return general(ex, value, path, info)

        return small_int
    return general
