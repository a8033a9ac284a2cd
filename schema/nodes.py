"""Nodes fetched by id (`node(id:)`, `nodes(ids:)`) through the loader their type names."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar, Literal, Self, overload

from strawberry import relay

from resolvers.dataloaders import Loader
from schema.types import Info

NOWHERE = uuid.UUID(int=0)


def node_keys(node_ids: Iterable[str]) -> list[uuid.UUID]:
    """Database ids from the node ids of global ids; a malformed one matches nothing."""
    keys = []
    for node_id in node_ids:
        try:
            keys.append(uuid.UUID(node_id))
        except ValueError:
            keys.append(NOWHERE)
    return keys


class LoadedNode(relay.Node):
    """A type fetched by id: `loader` answers its rows (None where the viewer may not see one,
    so the read rule is the loader's) and `from_model` turns a row into the type. Types that
    are only listed derive from `relay.Node` instead, and `node(id:)` answers null for them."""

    loader: ClassVar[type[Loader[uuid.UUID, Any]]]
    columns: ClassVar[tuple[str, ...]] = ()
    """Fields that are the row's attributes of the same name, unchanged (`copied`): a
    compiled plan may read them from the table's columns (`schema/compiled/rows.py`)."""
    joins: ClassVar[dict[str, str]] = {}
    """Fields (by Python name) that are `<their type>.load(info, row.<column>)`: the row of
    another loaded type by a foreign key, where the viewer may see it."""

    @classmethod
    def from_model(cls, row: Any) -> Self:
        raise NotImplementedError

    @classmethod
    def copied(cls, row: Any) -> dict[str, Any]:
        return {name: getattr(row, name) for name in cls.columns}

    @classmethod
    async def load(cls, info: Info, key: uuid.UUID | None) -> Self | None:
        """The row `key` through the request's loader, as this type; None if not visible."""
        row = await cls.loader(info.context).load(key) if key is not None else None
        return cls.from_model(row) if row is not None else None

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: Literal[True]
    ) -> Iterable[Self]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: Literal[False] = ...
    ) -> Iterable[Self | None]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool
    ) -> Iterable[Self] | Iterable[Self | None]: ...

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Iterable[Self] | Iterable[Self | None]:
        rows = await cls.loader(info.context).load_many(node_keys(node_ids))
        return [cls.from_model(row) if row is not None else None for row in rows]
