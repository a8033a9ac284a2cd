"""Who asks for statistics, about which tenants, over which period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from i18n import _
from models.access import Permission
from models.scope import TenantSql
from models.stats import RollupState
from models.tenants import Tenant
from resolvers.context import Context
from resolvers.ids import node_uuid
from resolvers.tenants import visible_tenant
from services import stats
from services.errors import Code, ServiceError, signed_in

DEFAULT_TIME_ZONE = stats.DEFAULT_TIME_ZONE
MAX_SPAN = timedelta(days=3 * 366)
DEFAULT_SPAN = timedelta(days=30)
MAX_ROWS = 500


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class StatsScope:
    """The tenants and the half-open period [since, until) a statistics query covers."""

    tenants: list[Tenant]
    every_tenant: bool
    since: datetime
    until: datetime
    time_zone: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    rolled_up_at: datetime | None = None
    """Set when the platform-wide view is answered from the rollups built at this time."""

    @property
    def days(self) -> tuple[date, date]:
        """The first and last day of the period in its time zone (rollups count whole days)."""
        zone = ZoneInfo(self.time_zone)
        last = self.until - timedelta(microseconds=1)
        return self.since.astimezone(zone).date(), last.astimezone(zone).date()

    @property
    def tenant_ids(self) -> list[uuid.UUID]:
        return [t.id for t in self.tenants]

    @cached_property
    def sql(self) -> TenantSql:
        """Where and how its statements run: over its tenants, or every tenant."""
        return TenantSql(None if self.every_tenant else self.tenant_ids)

    def where(self, alias: str, params: list[Any]) -> str:
        """`AND <alias>.tenant_id = ANY($n)`, unless the platform admin asked for everything."""
        return self.sql.where(alias, params)


def is_admin(ctx: Context) -> bool:
    actor = ctx.actor
    return actor is not None and (actor.is_platform_admin or actor.has(Permission.TENANT_ADMIN))


async def stats_scope(
    ctx: Context,
    *,
    tenant_id: Any,
    include_children: bool,
    since: datetime | None,
    until: datetime | None,
    time_zone: str,
) -> StatsScope:
    """Check who asks and what for; raises ServiceError (FORBIDDEN, NOT_FOUND, INVALID)."""
    actor = signed_in(ctx.actor)
    if not is_admin(ctx):
        raise ServiceError.of(Code.FORBIDDEN, _("Statistics are for tenant administrators"))
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ServiceError.of(
            Code.INVALID, _("Unknown time zone '{time_zone}'", time_zone=time_zone), "timeZone"
        ) from exc
    until = _aware(until) or datetime.now(UTC)
    since = _aware(since) or until - DEFAULT_SPAN
    if not since < until or until - since > MAX_SPAN:
        raise ServiceError.of(Code.INVALID, _("Ask for a period of up to three years"), "from")
    every = False
    if tenant_id is not None:
        key = node_uuid(tenant_id, "Tenant")
        tenant = await visible_tenant(ctx, key) if isinstance(key, uuid.UUID) else None
        if tenant is None:
            raise ServiceError.of(Code.NOT_FOUND, _("Tenant not found"), "tenant")
    else:
        tenant = await Tenant.get(id=actor.tenant_id)
        every = actor.is_platform_admin
    tenants = [tenant]
    if include_children and not every:
        tenants = await Tenant.filter(path__startswith=tenant.path).order_by("path")
    if every:
        tenants = []
    rolled_up_at = None
    if every and TenantSql.postgres():  # rollups are built on PostgreSQL only
        state = await RollupState.get_or_none(name="platform")
        if state is not None and state.time_zone == time_zone:
            rolled_up_at = state.built_at
    return StatsScope(tenants, every, since, until, time_zone, rolled_up_at=rolled_up_at)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
