"""The SQL of Tortoise querysets, for splicing into a row plan's statement: the read rules
stay the querysets the loaders run (`visible`), rendered here instead of being spelled twice."""

from __future__ import annotations

import re
from typing import Any

from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.queryset import QuerySet

PLACEHOLDER = re.compile(r"\$(\d+)")


class Statement:
    """SQL text with `$n` placeholders and its parameters, built up piece by piece."""

    __slots__ = ("params", "text")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.params: list[Any] = []

    def add(self, text: str) -> None:
        self.text.append(text)

    def value(self, value: Any) -> str:
        """The placeholder of one more parameter."""
        self.params.append(value)
        return f"${len(self.params)}"

    def query(self, query: QuerySet[Any]) -> str:
        """`query` as a parenthesised subquery, its placeholders renumbered after ours."""
        query._choose_db_if_not_chosen()
        query._make_query()
        text, params = query.query.get_parameterized_sql()
        offset = len(self.params)
        self.params.extend(params)
        return "(" + PLACEHOLDER.sub(lambda m: f"${int(m.group(1)) + offset}", text) + ")"

    def sql(self) -> str:
        return "".join(self.text)


def on_asyncpg() -> bool:
    """Row plans speak PostgreSQL; on the embedded SQLite default the resolvers answer."""
    return isinstance(connections.get("default"), AsyncpgDBClient)


async def fetch(text: str, params: list[Any]) -> list[Any]:
    """Records through Tortoise's client: its pool, its transaction if one is open, its log."""
    _, rows = await connections.get("default").execute_query(text, params)
    return list(rows)
