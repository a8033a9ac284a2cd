"""The operating alerts (运行告警) an administrator sees."""

from __future__ import annotations

import uuid

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from models.scope import across_tenants
from models.stats import Alert, AlertStatus
from models.tenants import Tenant
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.pagination import Page, PageArgs, paginate
from resolvers.stats.scope import is_admin


def visible_alerts(ctx: Context) -> QuerySet[Alert]:
    """Admins see the alerts of the tenants they see (their own and those below); the platform
    admin every alert; everyone else none."""
    actor = ctx.actor
    if not is_admin(ctx) or actor is None:
        return across_tenants(Alert).filter(id=None)
    if actor.is_platform_admin:
        return across_tenants(Alert)
    below = Subquery(Tenant.filter(path__startswith=actor.tenant_path).values("id"))
    return across_tenants(Alert).filter(tenant_id__in=below)


async def alerts(ctx: Context, *, status: AlertStatus | None, page: PageArgs) -> Page[Alert]:
    query = visible_alerts(ctx)
    if status is not None:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page, descending=True)


class AlertById(Loader[uuid.UUID, Alert | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[Alert | None]:
        rows = {a.id: a for a in await visible_alerts(self.ctx).filter(id__in=keys)}
        return [rows.get(k) for k in keys]
