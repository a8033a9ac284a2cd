"""Shared typing helpers for the schema modules."""

from __future__ import annotations

from enum import Enum

import strawberry

from resolvers.context import Context

Info = strawberry.Info[Context, None]


def describe_values(enum: type[Enum], descriptions: dict[str, str]) -> None:
    """Describe the GraphQL values of an enum registered with `strawberry.enum(...)`: the
    vocabulary's Python enums live in `models`/`workflow`, which do not know strawberry."""
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = descriptions.get(value.name, value.description)
    unknown = set(descriptions) - {value.name for value in definition.values}
    assert not unknown, f"{enum.__name__} has no values {sorted(unknown)}"
