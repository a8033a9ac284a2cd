"""Reads behind the portal fields: the component and resource catalogue (the
viewer's tenant's own plus the platform's standard set), service applications, layouts, the
resolved portal and the setup checklist."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import semver
from tortoise.expressions import Q

from models.access import Permission
from models.portal_components import (
    PortalComponent,
    PortalComponentVersion,
    PortalLayout,
    PortalLayoutVersion,
    PortalResource,
    ServiceApplication,
    catalogue,
    review_queue,
    visible_versions,
)
from models.scope import TenantScope
from models.tenants import ApplicationStatus
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.pagination import Page, PageArgs, paginate
from services import portal
from services.errors import ServiceError

NOWHERE = uuid.UUID(int=0)


def _tenant(ctx: Context) -> uuid.UUID:
    return ctx.scope.tenant_id if ctx.scope else NOWHERE


def _scope(ctx: Context, allowed: bool = True) -> TenantScope:
    """The viewer's tenant, or a scope that matches nothing (signed out, or not allowed)."""
    return ctx.scope if ctx.scope and allowed else TenantScope(NOWHERE)


def _is_admin(ctx: Context) -> bool:
    return bool(ctx.actor and ctx.actor.has(Permission.TENANT_ADMIN))


def _is_platform_admin(ctx: Context) -> bool:
    return bool(ctx.actor and ctx.actor.is_platform_admin)


class ComponentById(Loader[uuid.UUID, PortalComponent | None]):
    """Components of the viewer's tenant and of the standard set."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[PortalComponent | None]:
        return await _by_id(catalogue(PortalComponent, _tenant(self.ctx)), keys)


class ResourceById(Loader[uuid.UUID, PortalResource | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[PortalResource | None]:
        return await _by_id(catalogue(PortalResource, _tenant(self.ctx)), keys)


class ComponentVersionById(Loader[uuid.UUID, PortalComponentVersion | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[PortalComponentVersion | None]:
        return await _by_id(visible_versions(_tenant(self.ctx)), keys)


class VersionsByComponent(Loader[uuid.UUID, list[PortalComponentVersion]]):
    """Each component's versions, newest (by semver) first."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[list[PortalComponentVersion]]:
        groups: dict[uuid.UUID, list[PortalComponentVersion]] = defaultdict(list)
        for row in await visible_versions(_tenant(self.ctx)).filter(component_id__in=keys):
            groups[row.component_id].append(row)
        for rows in groups.values():
            rows.sort(key=lambda v: semver.Version.parse(v.version), reverse=True)
        return [groups.get(k, []) for k in keys]


class ApplicationForTarget(Loader[uuid.UUID, ServiceApplication | None]):
    """The tenant's latest application for each component or resource."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[ServiceApplication | None]:
        latest: dict[uuid.UUID, ServiceApplication] = {}
        query = (
            _scope(self.ctx)
            .query(ServiceApplication)
            .filter(Q(component_id__in=keys) | Q(resource_id__in=keys))
        )
        for row in await query.order_by("created_at", "id"):
            target = row.component_id or row.resource_id
            if target is not None:
                latest[target] = row
        return [latest.get(k) for k in keys]


async def _by_id(query: Any, keys: Sequence[uuid.UUID]) -> list[Any]:
    rows = {row.id: row for row in await query.filter(id__in=list(keys))}
    return [rows.get(k) for k in keys]


# Catalogue -------------------------------------------------------------------------------------


async def components(
    ctx: Context,
    *,
    search: str | None,
    category: Any,
    standard: bool | None,
    page: PageArgs,
) -> Page[PortalComponent]:
    query = catalogue(PortalComponent, _tenant(ctx))
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    if category:
        query = query.filter(category=category)
    if standard is not None:
        query = query.filter(standard=standard)
    return await paginate(query, ("key", "id"), page, ctx.max_page)


async def resources(
    ctx: Context, *, search: str | None, kind: Any, standard: bool | None, page: PageArgs
) -> Page[PortalResource]:
    query = catalogue(PortalResource, _tenant(ctx))
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    if kind:
        query = query.filter(kind=kind)
    if standard is not None:
        query = query.filter(standard=standard)
    return await paginate(query, ("key", "id"), page, ctx.max_page)


async def component_by_key(ctx: Context, key: str) -> PortalComponent | None:
    """The tenant's own component with this key, else the standard one."""
    rows = await catalogue(PortalComponent, _tenant(ctx)).filter(key=key)
    return min(rows, key=lambda row: row.standard) if rows else None


def manageable(ctx: Context, resource: PortalResource) -> bool:
    """Whether the viewer may see a resource's configuration and last check."""
    if resource.tenant_id != _tenant(ctx):
        return False
    return _is_platform_admin(ctx) if resource.standard else _is_admin(ctx)


# Applications ----------------------------------------------------------------------------------


def _applications(ctx: Context) -> Any:
    """Platform admins see every tenant's applications; a tenant admin its tenant's."""
    if _is_platform_admin(ctx):
        return review_queue()
    return _scope(ctx, _is_admin(ctx)).query(ServiceApplication)


async def service_applications(
    ctx: Context, *, status: ApplicationStatus | None, page: PageArgs
) -> Page[ServiceApplication]:
    query = _applications(ctx)
    if status:
        query = query.filter(status=status)
    return await paginate(query, ("id",), page, ctx.max_page)


class ServiceApplicationById(Loader[uuid.UUID, ServiceApplication | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[ServiceApplication | None]:
        return await _by_id(_applications(self.ctx), keys)


# Layouts ---------------------------------------------------------------------------------------


def _layout_versions(ctx: Context) -> Any:
    return _scope(ctx, _is_admin(ctx)).query(PortalLayoutVersion)


async def layout_history(ctx: Context, *, page: PageArgs) -> Page[PortalLayoutVersion]:
    """Newest first (keyset on the version number, descending)."""
    query = _layout_versions(ctx)
    size = page.first if page.first is not None or page.last is not None else ctx.max_page
    flipped = PageArgs(first=page.last, after=page.before, last=size, before=page.after)
    result = await paginate(query, ("number",), flipped, ctx.max_page)
    result.rows.reverse()
    result.cursors.reverse()
    return Page(
        rows=result.rows,
        cursors=result.cursors,
        has_next=result.has_previous,
        has_previous=result.has_next,
        query=result.query,
    )


class LayoutVersionById(Loader[uuid.UUID, PortalLayoutVersion | None]):
    async def batch_load(self, keys: list[uuid.UUID]) -> list[PortalLayoutVersion | None]:
        return await _by_id(_layout_versions(self.ctx), keys)


async def current_layout(ctx: Context) -> PortalLayoutVersion | None:
    row: PortalLayoutVersion | None = await _layout_versions(ctx).order_by("-number").first()
    return row


async def role_layouts(ctx: Context) -> list[PortalLayout]:
    if not _is_admin(ctx) or ctx.scope is None:
        return []
    rows: list[PortalLayout] = (
        await ctx.scope.query(PortalLayout)
        .filter(role_id__not_isnull=True)
        .select_related("role")
        .order_by("priority", "role__code")
    )
    return rows


async def my_layout(ctx: Context) -> PortalLayout | None:
    if ctx.actor is None or ctx.scope is None:
        return None
    return await ctx.scope.query(PortalLayout).get_or_none(user_id=ctx.actor.user_id)


async def placements(ctx: Context, stored: list[dict[str, Any]]) -> list[portal.ResolvedPlacement]:
    if ctx.scope is None:
        return []
    return await portal.load_placements(ctx.scope, stored)


async def resolved_portal(ctx: Context) -> portal.ResolvedPortal | None:
    if ctx.actor is None:
        return None
    return await portal.resolve_portal(ctx.actor)


async def setup_checklist(ctx: Context) -> portal.Checklist | None:
    try:
        return await portal.setup_checklist(ctx.actor)
    except ServiceError:
        return None
