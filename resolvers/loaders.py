"""DataLoaders, one set per request, each answering a batch of keys with one SQL statement."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from models.base import TenantEntity
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.scope import TenantScope
from models.tenants import Tenant

M = TypeVar("M", bound=TenantEntity)
T = TypeVar("T")


def by_id(scope: TenantScope | None, model: type[M]) -> DataLoader[uuid.UUID, M | None]:
    async def load(keys: Sequence[uuid.UUID]) -> list[M | None]:
        if scope is None:
            return [None] * len(keys)
        rows = {row.id: row for row in await scope.query(model).filter(id__in=keys)}
        return [rows.get(k) for k in keys]

    return DataLoader(load)


def grouped(
    scope: TenantScope | None, model: type[M], key: str, order: tuple[str, ...], **related: Any
) -> DataLoader[uuid.UUID, list[M]]:
    """All rows whose `key` column equals each requested value, in `order`."""

    async def load(keys: Sequence[uuid.UUID]) -> list[list[M]]:
        if scope is None:
            return [[] for _ in keys]
        query = scope.query(model).filter(**{f"{key}__in": keys}).order_by(*order)
        if related:
            query = query.select_related(*related["select"])
        groups: dict[uuid.UUID, list[M]] = defaultdict(list)
        for row in await query:
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load)


async def _tenants(keys: Sequence[uuid.UUID]) -> list[Tenant | None]:
    rows = {t.id: t for t in await Tenant.filter(id__in=keys)}
    return [rows.get(k) for k in keys]


class Loaders:
    def __init__(self, scope: TenantScope | None) -> None:
        self.scope = scope
        self._domains: dict[str, Any] = {}
        self.tenant = DataLoader(_tenants)
        self.org_unit = by_id(scope, OrgUnit)
        self.user = by_id(scope, User)
        self.role = by_id(scope, Role)
        self.org_unit_children = grouped(scope, OrgUnit, "parent_id", ("sort_order", "name", "id"))
        self.memberships = grouped(
            scope, Membership, "user_id", ("created_at",), select=("org_unit",)
        )
        self.role_assignments = grouped(
            scope, RoleAssignment, "user_id", ("created_at",), select=("role",)
        )

    def domain(self, name: str, make: Callable[[TenantScope | None], T]) -> T:
        """A domain module's own loaders (`make(scope)`), made on first use in this request."""
        if name not in self._domains:
            self._domains[name] = make(self.scope)
        loaders: T = self._domains[name]
        return loaders
