"""Reads and writes behind the tenant fields (租户, 在线注册)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.access import Actor, Permission
from models.tenants import Tenant, TenantApplication, TenantStatus
from resolvers.context import Context
from resolvers.errors import Code, Problem, attempt
from resolvers.ids import keep, node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import tenants

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


async def visible_tenant(ctx: Context, tenant_id: uuid.UUID) -> Tenant | None:
    tenant = await ctx.loaders.tenant.load(tenant_id)
    return tenant if tenant is not None and can_see(ctx.actor, tenant) else None


async def application_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[TenantApplication | None]:
    if not (ctx.actor and ctx.actor.is_platform_admin):
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


async def apply_for_tenant(
    ctx: Context, input: Any
) -> tuple[tuple[TenantApplication, str] | None, tuple[Problem, ...]]:
    """Anyone may apply, so calls are counted per client address (every call, refused ones
    included) before anything is checked."""
    wait = await ctx.limiter.hit(APPLY_RULE, ctx.client_address) if ctx.limiter else None
    if wait is not None:
        message = f"Too many applications from your address; try again in {wait} seconds"
        return None, (Problem(Code.RATE_LIMITED, message, retry_after=wait),)
    return await attempt(
        tenants.apply_for_tenant(
            ctx.actor,
            code=input.code,
            name=input.name,
            parent_code=input.parent_code,
            applicant_name=input.applicant_name,
            applicant_email=input.applicant_email,
            applicant_phone=input.applicant_phone,
            admin_username=input.admin_username,
            details=input.details,
        )
    )


async def application_status(secret: str) -> TenantApplication | None:
    """The application whose applicant holds `secret`; nothing else finds it."""
    if not secret or len(secret) > 200:
        return None
    return await TenantApplication.get_or_none(status_secret_hash=tenants.secret_hash(secret))


async def review_application(ctx: Context, input: Any) -> tuple[Any, tuple[Problem, ...]]:
    return await attempt(
        tenants.review_application(
            ctx.actor,
            application_id=node_uuid(input.id, "TenantApplication") or "",
            approve=input.approve,
            reason=input.reason,
        )
    )


async def create_tenant(ctx: Context, input: Any) -> tuple[Any, tuple[Problem, ...]]:
    return await attempt(
        tenants.create_tenant(
            ctx.actor,
            code=input.code,
            name=input.name,
            parent_id=node_uuid(input.parent_id, "Tenant"),
            admin_username=input.admin_username,
            admin_name=input.admin_name,
            admin_email=input.admin_email,
        )
    )


async def update_tenant(ctx: Context, input: Any) -> tuple[Tenant | None, tuple[Problem, ...]]:
    return await attempt(
        tenants.update_tenant(
            ctx.actor,
            tenant_id=node_uuid(input.id, "Tenant") or "",
            name=keep(input.name),
            settings=keep(input.settings),
            expected_version=input.expected_version,
        )
    )


async def set_tenant_status(ctx: Context, input: Any) -> tuple[Tenant | None, tuple[Problem, ...]]:
    return await attempt(
        tenants.set_tenant_status(
            ctx.actor, tenant_id=node_uuid(input.id, "Tenant") or "", status=input.status
        )
    )
