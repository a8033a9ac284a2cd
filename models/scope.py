"""The one way to read or write tenant-owned rows: every query carries the tenant id, raw SQL
included (`TenantSql`)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from tortoise import connections
from tortoise.queryset import QuerySet

from models.base import TenantEntity

M = TypeVar("M", bound=TenantEntity)


class TenantScope:
    __slots__ = ("tenant_id",)

    def __init__(self, tenant_id: uuid.UUID) -> None:
        self.tenant_id = tenant_id

    def __repr__(self) -> str:
        return f"TenantScope({self.tenant_id})"

    def query(self, model: type[M]) -> QuerySet[M]:
        return model.filter(tenant_id=self.tenant_id)

    async def get(self, model: type[M], id: uuid.UUID | str | None) -> M | None:
        if id is None:
            return None
        try:
            key = id if isinstance(id, uuid.UUID) else uuid.UUID(str(id))
        except ValueError:
            return None
        return await self.query(model).get_or_none(id=key)

    async def create(self, model: type[M], **values: Any) -> M:
        return await model.create(tenant_id=self.tenant_id, **values)

    async def bulk_create(
        self,
        model: type[M],
        rows: list[M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
    ) -> None:
        for row in rows:
            row.tenant_id = self.tenant_id
        await model.bulk_create(rows, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


def across_tenants(model: type[M]) -> QuerySet[M]:
    """Rows of every tenant, for system workers (timers, relays) that act per row afterwards.
    Request handling never uses this."""
    return model.all()


class TenantSql:
    """Raw SQL over tenant-owned tables (statistics), and the one way to run it outside the
    models: a statement is written once for PostgreSQL and SQLite with `$n` parameters, and
    each carries the tenant predicate `where()` adds, unless the SQL is for every tenant
    (`TenantSql(None)`: the platform admin's figures). `rows()` refuses a statement that
    forgot it; `tests/server/test_repository.py` refuses raw SQL anywhere else."""

    __slots__ = ("tenant_ids",)

    def __init__(self, tenant_ids: Iterable[uuid.UUID] | None) -> None:
        self.tenant_ids = None if tenant_ids is None else list(tenant_ids)

    @staticmethod
    def postgres() -> bool:
        return bool(connections.get("default").capabilities.dialect == "postgres")

    def where(self, alias: str, params: list[Any]) -> str:
        """` AND <alias>.tenant_id` is one of the tenants (its ids appended to `params`);
        nothing for every tenant."""
        if self.tenant_ids is None:
            return ""
        params.append(self.tenant_ids)
        column, ids = f"{alias}.tenant_id", f"${len(params)}"
        if self.postgres():
            return f" AND {column} = ANY({ids})"
        return f" AND {column} IN (SELECT value FROM json_each({ids}))"  # noqa: S608 (an alias and a $n only)

    async def rows(self, statement: str, params: list[Any]) -> list[dict[str, Any]]:
        self._check(statement, params)
        if not self.postgres():
            statement = re.sub(r"\$(\d+)", r"?\1", statement)
            params = [_sqlite_value(p) for p in params]
        rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
            statement, params
        )
        return rows

    async def records(self, statement: str, params: list[Any]) -> list[Any]:
        """As `rows`, on PostgreSQL only, as the driver's records (read by position): the
        compiled row plans (`schema/compiled/rows.py`) build no dict per row."""
        self._check(statement, params)
        _, rows = await connections.get("default").execute_query(statement, params)
        return list(rows)

    def _check(self, statement: str, params: list[Any]) -> None:
        if self.tenant_ids is not None and not any(p is self.tenant_ids for p in params):
            raise ValueError(f"No tenant predicate (TenantSql.where) in: {statement}")


def _sqlite_value(value: Any) -> Any:
    """A parameter as SQLite stores it (UUIDs, dates and UTC timestamps as text, arrays as
    JSON)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return json.dumps([_sqlite_value(v) for v in value])
    return value
