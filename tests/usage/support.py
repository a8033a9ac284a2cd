"""Helpers the usage tests share: the platform admin's calls that allocate resources."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from auth.viewer import actor_for
from models.access import Actor
from models.directory import OrgUnit, User
from models.scope import TenantScope
from models.tenants import Tenant
from services import usage
from services.errors import ServiceError
from tests.conftest import Department, GraphQL, gid

ALLOCATION = "allocation { maxUsers maxStorageBytes maxMonthlyDocuments apiRequestsPerMinute "
ALLOCATION += "expiresAt suspendAt suspendedForExpiry version package { code } }"
USAGE = (
    "query($tenant: ID, $children: Boolean!, $from: Date) { tenantUsage(tenant: $tenant, "
    "includeChildren: $children, from: $from) { tenant { code } "
    "allocation { package { code } expiresAt } "
    "quotas { limit maximum used percent } current { meter key value } "
    "rolledUp: current(rolledUp: true) { meter key value } "
    "days { day values { meter key value } } "
    "rolledUpDays: days(rolledUp: true) { day values { meter key value } } } }"
)

INBOX = "{ myNotifications(first: 50) { edges { node { kind text link } } } }"


async def set_limits(gql: GraphQL, token: str, tenant: Tenant, **limits: Any) -> dict[str, Any]:
    result = await gql.mutate(
        "setTenantLimits", {"id": gid("Tenant", tenant.id), **limits}, ALLOCATION, token=token
    )
    assert result["errors"] == [], result["errors"]
    allocation: dict[str, Any] = result["allocation"]
    return allocation


async def create_package(gql: GraphQL, token: str, **values: Any) -> str:
    result = await gql.mutate("createServicePackage", values, "package { id }", token=token)
    assert result["errors"] == [], result["errors"]
    package_id: str = result["package"]["id"]
    return package_id


def figure(values: list[dict[str, Any]], meter: str, key: str = "") -> float:
    """A meter's value in a list of `{meter key value}`, 0 when absent."""
    return next((v["value"] for v in values if v["meter"] == meter and v["key"] == key), 0.0)


async def root_unit(department: Department) -> str:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    return gid("OrgUnit", root.id)


async def watch(now: datetime) -> None:
    """One pass of the watch job, waiting while a server's loop makes its own."""
    for _ in range(100):
        if await usage.watch(now) is not None:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the watch job stayed locked by another process")


async def inbox(gql: GraphQL, user: User, tenant: Tenant) -> list[dict[str, Any]]:
    """Her notifications (kind, text, link) through GraphQL, newest first."""
    seen = await gql(INBOX, token=gql.token(user, tenant))
    return [e["node"] for e in seen.data["myNotifications"]["edges"]]


async def platform_actor(admin: User) -> Actor:
    """The platform admin as an actor, for calling the services in process."""
    tenant = await Tenant.get(id=admin.tenant_id)
    return await actor_for(TenantScope(tenant.id), admin, tenant)


async def refused(call: Any) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """The (code, message, field) of each problem the call was refused with."""
    try:
        await call
    except ServiceError as error:
        return [(p.code.value, str(p.message), p.field) for p in error.problems]
    raise AssertionError("not refused")
