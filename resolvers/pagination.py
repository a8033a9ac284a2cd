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
R = TypeVar("R")


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


def page_size(args: PageArgs, max_page: int) -> int:
    """The rows a page holds, or `PageError` for arguments no page answers."""
    if args.first is not None and args.last is not None:
        raise PageError(_("Pass either first or last, not both"))
    size = args.first if args.last is None else args.last
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
    return size


def after(query: QuerySet[M], order: tuple[str, ...], cursor: str, descending: bool) -> Q:
    """The condition of rows past `cursor` in `order`."""
    return _after(order, cursor_values(query.model, order, cursor), descending)


@dataclass(frozen=True)
class Window(Generic[R]):
    """One page's rows in their order, with what `pageInfo` says about it."""

    rows: list[R]
    has_next: bool
    has_previous: bool


def window(fetched: list[R], size: int, args: PageArgs) -> Window[R]:
    """The page from the `size + 1` rows fetched in paging order (`last` reads backwards)."""
    backwards = args.last is not None
    more = len(fetched) > size
    rows = fetched[:size]
    if backwards:
        rows.reverse()
    return Window(
        rows,
        has_next=more if not backwards else args.before is not None,
        has_previous=more if backwards else args.after is not None,
    )


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
    size = page_size(args, max_page)
    paged = query
    if args.after:
        paged = paged.filter(after(query, order, args.after, descending))
    if args.before:
        paged = paged.filter(after(query, order, args.before, not descending))
    direction = "-" if (args.last is not None) != descending else ""
    page = window(await paged.order_by(*(direction + f for f in order)).limit(size + 1), size, args)
    cursors = [encode_cursor([plain(getattr(r, f)) for f in order]) for r in page.rows]
    return Page(
        rows=page.rows,
        cursors=cursors,
        has_next=page.has_next,
        has_previous=page.has_previous,
        query=query,
    )


def cursor_values(model: type[Model], order: tuple[str, ...], cursor: str) -> list[Any]:
    """The sort key a cursor names, as the model's values; `PageError` if it names none."""
    fields = model._meta.fields_map
    try:
        return [
            None if raw is None else fields[name].to_python_value(raw)
            for name, raw in zip(order, decode_cursor(cursor, len(order)), strict=True)
        ]
    except (TypeError, ValueError) as exc:
        raise PageError(_("The cursor does not belong to this list")) from exc


def plain(value: Any) -> Any:
    """A cursor's JSON value of a sort key."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
