"""Reads and writes behind the portal fields: access rules, SCIM tokens and access statistics.

Statistics are bucketed per UTC day in SQL (one statement per kind of row), always for the
viewer's own tenant.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from graphql import GraphQLError
from tortoise import connections

from models.access import Permission
from models.scope import TenantScope
from models.sso import AccessEvent, AccessRule, ComponentUsage, ScimToken
from resolvers.context import Context
from resolvers.directory import NOWHERE
from resolvers.errors import Problem, attempt
from resolvers.ids import keep, node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import sso

Result = tuple[Any, tuple[Problem, ...]]
MAX_DAYS = 366


def _admin(ctx: Context) -> uuid.UUID:
    """The viewer's tenant, if the viewer administers it; else FORBIDDEN as a GraphQL error."""
    actor = ctx.actor
    if actor is None or not actor.has(Permission.TENANT_ADMIN):
        raise GraphQLError(
            "Only tenant administrators may read this", extensions={"code": "FORBIDDEN"}
        )
    return actor.tenant_id


def count_use(viewer: Any, component: str) -> None:
    sso.usage.add(viewer.tenant.id, viewer.user.id, component)


async def access_rule_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[AccessRule | None]:
    """Rules by id, for tenant admins of the rules' tenant only."""
    actor = ctx.actor
    if actor is None or not actor.has(Permission.TENANT_ADMIN):
        return [None] * len(keys)
    rows = {row.id: row for row in await ctx.tenant_scope.query(AccessRule).filter(id__in=keys)}
    return [rows.get(k) for k in keys]


async def access_rules(ctx: Context, page: PageArgs) -> Page[AccessRule]:
    _admin(ctx)
    return await paginate(ctx.tenant_scope.query(AccessRule), ("id",), page, ctx.max_page)


async def scim_tokens(ctx: Context, page: PageArgs) -> Page[ScimToken]:
    _admin(ctx)
    return await paginate(ctx.tenant_scope.query(ScimToken), ("id",), page, ctx.max_page)


async def access_events(
    ctx: Context, *, kind: Any, start: date, end: date, page: PageArgs
) -> Page[AccessEvent]:
    _admin(ctx)
    since, until = _bounds(start, end)
    query = ctx.tenant_scope.query(AccessEvent).filter(created_at__gte=since, created_at__lt=until)
    if kind:
        query = query.filter(kind=kind)
    return await paginate(query, ("id",), page, ctx.max_page)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start or (end - start).days > MAX_DAYS:
        raise GraphQLError(
            f"to must not precede from, and the range is at most {MAX_DAYS} days",
            extensions={"code": "BAD_USER_INPUT"},
        )
    return (
        datetime.combine(start, time.min, UTC),
        datetime.combine(end + timedelta(days=1), time.min, UTC),
    )


@dataclass
class ComponentUse:
    component: str
    uses: int = 0
    users: int = 0


@dataclass
class AccessDay:
    day: date
    sign_ins: int = 0
    failed_sign_ins: int = 0
    sign_outs: int = 0
    active_users: int = 0
    components: list[ComponentUse] = field(default_factory=list)


async def access_stats(ctx: Context, start: date, end: date) -> list[AccessDay]:
    """The viewer's tenant, one bucket per day from `start` to `end` (inclusive)."""
    return await access_days([_admin(ctx)], start, end)


class _Params:
    """Positional parameters in the connection's dialect ($n for PostgreSQL, ? for SQLite)."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        if not self.postgres:
            value = _iso(value) if isinstance(value, datetime) else str(value)
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def tenants(self, ids: list[uuid.UUID] | None) -> str:
        if ids is None:
            return "1 = 1"
        if self.postgres:
            return f"tenant_id = ANY({self(ids)})"
        return f"tenant_id IN ({', '.join(self(i) for i in ids) or 'NULL'})"


async def access_days(
    tenant_ids: list[uuid.UUID] | None, start: date, end: date
) -> list[AccessDay]:
    """Access statistics of these tenants (None: every tenant), one bucket per day (UTC) from
    `start` to `end` inclusive, empty days included. Also behind `statistics.access`."""
    await sso.usage.flush()
    since, until = _bounds(start, end)
    days = {
        start + timedelta(days=i): AccessDay(start + timedelta(days=i))
        for i in range((end - start).days + 1)
    }
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    day_of = "(created_at AT TIME ZONE 'UTC')::date" if postgres else "date(created_at)"

    def in_events(p: _Params) -> str:
        return f"{p.tenants(tenant_ids)} AND created_at >= {p(since)} AND created_at < {p(until)}"

    def in_days(p: _Params) -> str:
        return f"{p.tenants(tenant_ids)} AND day >= {p(start)} AND day <= {p(end)}"

    p = _Params(postgres)
    _, events = await connection.execute_query(
        f"SELECT {day_of} AS day, kind, COUNT(*) AS n FROM portal_access_event "  # noqa: S608
        f"WHERE {in_events(p)} GROUP BY 1, 2",
        p.values,
    )
    p = _Params(postgres)
    _, uses = await connection.execute_query(
        "SELECT day, component, SUM(count) AS uses, COUNT(DISTINCT user_id) AS users "  # noqa: S608
        f"FROM portal_component_usage WHERE {in_days(p)} GROUP BY 1, 2 ORDER BY 1, 2",
        p.values,
    )
    p = _Params(postgres)
    _, active = await connection.execute_query(
        "SELECT day, COUNT(DISTINCT user_id) AS n FROM ("  # noqa: S608
        f"SELECT {day_of} AS day, user_id FROM portal_access_event WHERE {in_events(p)} "
        "AND kind = 'sign_in' AND user_id IS NOT NULL "
        f"UNION SELECT day, user_id FROM portal_component_usage WHERE {in_days(p)}"
        ") AS active GROUP BY day",
        p.values,
    )
    for row in events:
        bucket = days.get(_day(row["day"]))
        if bucket is None:
            continue
        if row["kind"] == "sign_in":
            bucket.sign_ins = int(row["n"])
        elif row["kind"] == "sign_in_failed":
            bucket.failed_sign_ins = int(row["n"])
        else:
            bucket.sign_outs = int(row["n"])
    for row in uses:
        bucket = days.get(_day(row["day"]))
        if bucket is not None:
            bucket.components.append(
                ComponentUse(str(row["component"]), int(row["uses"]), int(row["users"]))
            )
    for row in active:
        bucket = days.get(_day(row["day"]))
        if bucket is not None:
            bucket.active_users = int(row["n"])
    return list(days.values())


def _iso(moment: datetime) -> str:
    return moment.isoformat(" ")


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def access_log_lines(
    tenant_id: uuid.UUID, start: date, end: date, batch: int = 2000
) -> AsyncIterator[list[dict[str, Any]]]:
    """The export's lines in batches: access events, then per-day component use (keyset)."""
    since, until = _bounds(start, end)
    after = NOWHERE
    while True:
        events = (
            await TenantScope(tenant_id)
            .query(AccessEvent)
            .filter(created_at__gte=since, created_at__lt=until, id__gt=after)
            .order_by("id")
            .limit(batch)
            .values(
                "id", "kind", "user_id", "subject", "method", "reason", "client_id", "created_at"
            )
        )
        if events:
            yield [
                {
                    "type": "access_event",
                    "id": str(e["id"]),
                    "kind": str(e["kind"]),
                    "userId": str(e["user_id"]) if e["user_id"] else None,
                    "subject": e["subject"],
                    "method": e["method"],
                    "reason": e["reason"],
                    "clientId": e["client_id"],
                    "at": e["created_at"].isoformat(),
                }
                for e in events
            ]
        if len(events) < batch:
            break
        after = events[-1]["id"]
    after = NOWHERE
    while True:
        uses = (
            await TenantScope(tenant_id)
            .query(ComponentUsage)
            .filter(day__gte=start, day__lte=end, id__gt=after)
            .order_by("id")
            .limit(batch)
            .values("id", "user_id", "component", "day", "count", "first_at", "last_at")
        )
        if uses:
            yield [
                {
                    "type": "component_use",
                    "userId": str(u["user_id"]),
                    "component": u["component"],
                    "day": str(u["day"]),
                    "count": u["count"],
                    "firstAt": u["first_at"].isoformat(),
                    "lastAt": u["last_at"].isoformat(),
                }
                for u in uses
            ]
        if len(uses) < batch:
            break
        after = uses[-1]["id"]


# Writes ----------------------------------------------------------------------------------------


async def create_access_rule(ctx: Context, input: Any) -> Result:
    kind = input.subject_type
    type_name = {"user": "User", "org_unit": "OrgUnit", "role": "Role"}[kind.value]
    return await attempt(
        sso.create_access_rule(
            ctx.actor,
            subject_type=kind,
            subject_id=node_uuid(input.subject_id, type_name) or "",
            components=list(input.components),
            note=input.note or "",
        )
    )


async def update_access_rule(ctx: Context, input: Any) -> Result:
    return await attempt(
        sso.update_access_rule(
            ctx.actor,
            id=node_uuid(input.id, "AccessRule") or "",
            components=keep(input.components),
            note=keep(input.note),
            expected_version=input.expected_version,
        )
    )


async def delete_access_rule(ctx: Context, input: Any) -> Result:
    return await attempt(
        sso.delete_access_rule(ctx.actor, id=node_uuid(input.id, "AccessRule") or "")
    )


async def create_scim_token(ctx: Context, input: Any) -> Result:
    return await attempt(sso.create_scim_token(ctx.actor, name=input.name))


async def rotate_scim_token(ctx: Context, input: Any) -> Result:
    return await attempt(
        sso.rotate_scim_token(ctx.actor, id=node_uuid(input.id, "ScimToken") or "")
    )


async def revoke_scim_token(ctx: Context, input: Any) -> Result:
    return await attempt(
        sso.revoke_scim_token(ctx.actor, id=node_uuid(input.id, "ScimToken") or "")
    )
