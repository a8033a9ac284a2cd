"""Reads behind the portal sign-in fields: access rules, SCIM tokens and access statistics.

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

from i18n import _
from models.access import Permission
from models.scope import TenantScope, TenantSql
from models.sso import AccessEvent, AccessRule, ComponentUsage, ScimToken
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.directory import NOWHERE
from resolvers.pagination import Page, PageArgs, paginate
from services import sso

MAX_DAYS = 366


def _admin(ctx: Context) -> uuid.UUID:
    """The viewer's tenant, if the viewer administers it; else FORBIDDEN as a GraphQL error."""
    actor = ctx.actor
    if actor is None or not actor.has(Permission.TENANT_ADMIN):
        raise GraphQLError(
            _("Only tenant administrators may read this"), extensions={"code": "FORBIDDEN"}
        )
    return actor.tenant_id


def count_use(viewer: Any, component: str) -> None:
    sso.usage.add(viewer.tenant.id, viewer.user.id, component)


class AccessRuleById(Loader[uuid.UUID, AccessRule | None]):
    """Rules by id, for tenant admins of the rules' tenant only."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[AccessRule | None]:
        actor = self.ctx.actor
        if actor is None or not actor.has(Permission.TENANT_ADMIN):
            return [None] * len(keys)
        query = self.ctx.tenant_scope.query(AccessRule).filter(id__in=keys)
        rows = {row.id: row for row in await query}
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
            _(
                "to must not precede from, and the range is at most {MAX_DAYS} days",
                MAX_DAYS=MAX_DAYS,
            ),
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
    return await access_days(TenantSql([_admin(ctx)]), start, end)


async def access_days(sql: TenantSql, start: date, end: date) -> list[AccessDay]:
    """Access statistics of the tenants of `sql`, one bucket per day (UTC) from `start` to
    `end` inclusive, empty days included. Also behind `statistics.access`."""
    await sso.usage.flush()
    since, until = _bounds(start, end)
    days = {
        start + timedelta(days=i): AccessDay(start + timedelta(days=i))
        for i in range((end - start).days + 1)
    }
    day_of = "(created_at AT TIME ZONE 'UTC')::date" if sql.postgres() else "date(created_at)"
    params: list[Any] = [since, until]
    events = await sql.rows(
        f"SELECT {day_of} AS day, kind, COUNT(*) AS n FROM portal_access_event e "  # noqa: S608
        f"WHERE created_at >= $1 AND created_at < $2{sql.where('e', params)} GROUP BY 1, 2",
        params,
    )
    params = [start, end]
    uses = await sql.rows(
        "SELECT day, component, SUM(count) AS uses, COUNT(DISTINCT user_id) AS users "  # noqa: S608
        f"FROM portal_component_usage u WHERE day >= $1 AND day <= $2{sql.where('u', params)} "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        params,
    )
    params = [since, until, start, end]
    active = await sql.rows(
        "SELECT day, COUNT(DISTINCT user_id) AS n FROM ("  # noqa: S608
        f"SELECT {day_of} AS day, user_id FROM portal_access_event e WHERE created_at >= $1 "
        f"AND created_at < $2{sql.where('e', params)} AND kind = 'sign_in' "
        "AND user_id IS NOT NULL UNION SELECT day, user_id FROM portal_component_usage u "
        f"WHERE day >= $3 AND day <= $4{sql.where('u', params)}) AS active GROUP BY day",
        params,
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
