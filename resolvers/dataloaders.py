"""DataLoaders: one class per question, one instance per request, made on first use.

`UserById(ctx).load(key)` returns the loader of this request (kept in `ctx.loaders`, keyed by
its class), so every field of one request shares its batches and its cache, as in Saleor's
`graphql/core/dataloaders.py`. Each domain module of `resolvers` defines its own loaders; a
batch is answered with one SQL statement, through the request's tenant scope.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Self, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.queryset import QuerySet

from models.base import TenantEntity
from resolvers.context import Context

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=TenantEntity)


class Loader(DataLoader[K, V]):
    """Subclasses answer `batch_load(keys)` in the order of the keys."""

    ctx: Context

    def __new__(cls, ctx: Context) -> Self:
        loader = ctx.loaders.get(cls)
        if loader is None:
            loader = ctx.loaders[cls] = super().__new__(cls)
        assert isinstance(loader, cls)
        return loader

    def __init__(self, ctx: Context) -> None:
        if "ctx" not in vars(self):  # the request's instance keeps its cache
            self.ctx = ctx
            super().__init__(self.batch_load)

    async def batch_load(self, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError


class ById(Loader[uuid.UUID, M | None], Generic[M]):
    """Rows of `model` by id in the viewer's tenant; None for a missing or foreign id."""

    model: type[M]

    @classmethod
    def visible(cls, ctx: Context) -> QuerySet[M] | None:
        """Every row the viewer may see through this loader (None: none), as one query; a
        compiled plan joins the same query (`schema/compiled/rows.py`)."""
        return ctx.scope.query(cls.model) if ctx.scope is not None else None

    async def batch_load(self, keys: list[uuid.UUID]) -> list[M | None]:
        visible = self.visible(self.ctx)
        if visible is None:
            return [None] * len(keys)
        rows = {row.id: row for row in await visible.filter(id__in=keys)}
        return [rows.get(k) for k in keys]


class GroupedBy(Loader[uuid.UUID, list[M]], Generic[M]):
    """All rows of `model` whose `key` column equals each requested value, in `order`."""

    model: type[M]
    key: str
    order: tuple[str, ...]
    related: tuple[str, ...] = ()
    where: ClassVar[dict[str, Any]] = {}
    """Further conditions every row meets."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[list[M]]:
        scope = self.ctx.scope
        if scope is None:
            return [[] for _ in keys]
        query = scope.query(self.model).filter(**{f"{self.key}__in": keys}, **self.where)
        query = query.order_by(*self.order)
        if self.related:
            query = query.select_related(*self.related)
        groups: dict[Any, list[M]] = defaultdict(list)
        for row in await query:
            groups[getattr(row, self.key)].append(row)
        return [groups.get(k, []) for k in keys]
