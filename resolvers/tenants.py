"""Reads behind the tenant fields (租户, 在线注册), and the rate limit of registration."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from i18n import _
from models.access import Actor, Permission
from models.tenants import Tenant, TenantApplication, TenantStatus
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.pagination import Page, PageArgs, paginate
from services import tenants
from services.errors import Code, Problem

APPLY_RULE = "applyForTenant"


def visible_tenants(ctx: Context) -> QuerySet[Tenant]:
    """Platform admins see every tenant; a tenant admin its own and those below; others theirs."""
    actor = ctx.actor
    if actor is None:
        return Tenant.filter(id=None)
    if actor.is_platform_admin:
        return Tenant.all()
    if actor.has(Permission.TENANT_ADMIN):
        return Tenant.filter(path__startswith=actor.tenant_path)
    return Tenant.filter(id=actor.tenant_id)


async def tenant_list(
    ctx: Context, *, status: TenantStatus | None, search: str | None, page: PageArgs
) -> Page[Tenant]:
    query = visible_tenants(ctx)
    if status:
        query = query.filter(status=status)
    if search:
        query = query.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("code", "id"), page, ctx.max_page)


def can_see(actor: Actor | None, tenant: Tenant) -> bool:
    """The rule of `visible_tenants`, for one loaded tenant."""
    if actor is None:
        return False
    if actor.is_platform_admin:
        return True
    if actor.has(Permission.TENANT_ADMIN):
        return tenant.path.startswith(actor.tenant_path)
    return tenant.id == actor.tenant_id


class TenantById(Loader[uuid.UUID, Tenant | None]):
    """Any tenant (tenants are global rows): for fields whose parent already passed a rule."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Tenant | None]:
        rows = {t.id: t for t in await Tenant.filter(id__in=keys)}
        return [rows.get(k) for k in keys]


class VisibleTenantById(Loader[uuid.UUID, Tenant | None]):
    """Tenants the viewer may see (`can_see`)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[Tenant | None]:
        rows = await TenantById(self.ctx).load_many(keys)
        return [t if t is not None and can_see(self.ctx.actor, t) else None for t in rows]


async def visible_tenant(ctx: Context, tenant_id: uuid.UUID) -> Tenant | None:
    return await VisibleTenantById(ctx).load(tenant_id)


class ApplicationById(Loader[uuid.UUID, TenantApplication | None]):
    """Registrations, for platform admins only."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[TenantApplication | None]:
        if not (self.ctx.actor and self.ctx.actor.is_platform_admin):
            return [None for _ in keys]
        rows = {a.id: a for a in await TenantApplication.filter(id__in=keys)}
        return [rows.get(k) for k in keys]


async def applications(ctx: Context, *, status: Any, page: PageArgs) -> Page[TenantApplication]:
    query = TenantApplication.all()
    if not (ctx.actor and ctx.actor.is_platform_admin):
        query = query.filter(id=None)
    if status:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page)


async def rate_limited(ctx: Context) -> Problem | None:
    """Anyone may apply for a tenant, so calls are counted per client address (every call,
    refused ones included) before anything is checked."""
    wait = await ctx.limiter.hit(APPLY_RULE, ctx.client_address) if ctx.limiter else None
    if wait is None:
        return None
    message = _("Too many applications from your address; try again in {wait} seconds", wait=wait)
    return Problem(Code.RATE_LIMITED, message, retry_after=wait)


async def application_status(secret: str) -> TenantApplication | None:
    """The application whose applicant holds `secret`; nothing else finds it."""
    if not secret or len(secret) > 200:
        return None
    return await TenantApplication.get_or_none(status_secret_hash=tenants.secret_hash(secret))
