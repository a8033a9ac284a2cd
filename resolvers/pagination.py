"""Keyset (cursor) pagination: the cursor holds the sort key of the row, never an offset, so a
page costs the same at the millionth row as at the first."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from i18n import _

M = TypeVar("M", bound=Model)


class PageError(ValueError):
    """Bad paging arguments; reported to the client as a GraphQL error."""


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    query: QuerySet[M]


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values, default=str)).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as exc:
        raise PageError(_("The cursor is not valid")) from exc
    if not isinstance(values, list) or len(values) != size:
        raise PageError(_("The cursor does not belong to this list"))
    return values


def _after(order: tuple[str, ...], values: list[Any], descending: bool) -> Q:
    """Rows strictly after `values` in lexicographic (order) order."""
    op = "lt" if descending else "gt"
    clauses = []
    for i, name in enumerate(order):
        equal = {order[j]: values[j] for j in range(i)}
        clauses.append(Q(**equal, **{f"{name}__{op}": values[i]}))
    result = clauses[0]
    for clause in clauses[1:]:
        result |= clause
    return result


@dataclass(frozen=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


async def paginate(
    query: QuerySet[M],
    order: tuple[str, ...],
    args: PageArgs,
    max_page: int,
    *,
    descending: bool = False,
) -> Page[M]:
    """`order` ends with a unique column (the id) so every cursor names one position;
    `descending` reverses every key (newest first)."""
    first, after, last, before = args.first, args.after, args.last, args.before
    if first is not None and last is not None:
        raise PageError(_("Pass either first or last, not both"))
    size = first if last is None else last
    if size is None:
        size = max_page
    if size < 0:
        raise PageError(_("first and last must not be negative"))
    if size > max_page:
        raise PageError(
            _(
                "A page holds at most {max_page} items; you asked for {size}",
                max_page=max_page,
                size=size,
            )
        )
    backwards = last is not None
    paged = query
    if after:
        paged = paged.filter(_after(order, _decode(query, order, after), descending))
    if before:
        paged = paged.filter(_after(order, _decode(query, order, before), not descending))
    direction = "-" if backwards != descending else ""
    rows = await paged.order_by(*(direction + f for f in order)).limit(size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    cursors = [encode_cursor([_plain(getattr(r, f)) for f in order]) for r in rows]
    return Page(
        rows=rows,
        cursors=cursors,
        has_next=more if not backwards else before is not None,
        has_previous=more if backwards else after is not None,
        query=query,
    )


def _decode(query: QuerySet[M], order: tuple[str, ...], cursor: str) -> list[Any]:
    fields = query.model._meta.fields_map
    try:
        return [
            None if raw is None else fields[name].to_python_value(raw)
            for name, raw in zip(order, decode_cursor(cursor, len(order)), strict=True)
        ]
    except (TypeError, ValueError) as exc:
        raise PageError(_("The cursor does not belong to this list")) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
