"""Reads and writes behind the portal fields: the component and resource catalogue (the
viewer's tenant's own plus the platform's standard set), service applications, layouts, the
resolved portal and the setup checklist."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import semver
from graphql import GraphQLSchema
from strawberry.dataloader import DataLoader
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
from resolvers.errors import Problem, attempt
from resolvers.ids import keep, node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import portal
from services.errors import ServiceError
from services.portal import (
    COLUMNS,
    MANIFEST_SCHEMA,
    Checklist,
    LayoutSource,
    ResolvedPlacement,
    ResolvedPortal,
    StepState,
    StepStatus,
)

__all__ = [  # for the schema, which may not import services
    "COLUMNS",
    "MANIFEST_SCHEMA",
    "Checklist",
    "LayoutSource",
    "ResolvedPlacement",
    "ResolvedPortal",
    "StepState",
    "StepStatus",
]

Result = tuple[Any, tuple[Problem, ...]]
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


class PortalLoaders:
    """Per-request DataLoaders of the portal, each one SQL statement per batch."""

    def __init__(self, scope: TenantScope | None) -> None:
        tenant = scope.tenant_id if scope else NOWHERE
        self.component: DataLoader[uuid.UUID, PortalComponent | None] = DataLoader(
            lambda keys: _by_id(catalogue(PortalComponent, tenant), keys)
        )
        self.resource: DataLoader[uuid.UUID, PortalResource | None] = DataLoader(
            lambda keys: _by_id(catalogue(PortalResource, tenant), keys)
        )
        self.version: DataLoader[uuid.UUID, PortalComponentVersion | None] = DataLoader(
            lambda keys: _by_id(visible_versions(tenant), keys)
        )
        self.versions_of = DataLoader(lambda keys: _versions_of(tenant, keys))
        self.application_for = DataLoader(lambda keys: _applications_for(tenant, keys))


def loaders(ctx: Context) -> PortalLoaders:
    return ctx.loaders.domain("portal", PortalLoaders)


async def _by_id(query: Any, keys: Sequence[uuid.UUID]) -> list[Any]:
    rows = {row.id: row for row in await query.filter(id__in=list(keys))}
    return [rows.get(k) for k in keys]


async def _versions_of(
    tenant_id: uuid.UUID, keys: Sequence[uuid.UUID]
) -> list[list[PortalComponentVersion]]:
    """Each component's versions, newest (by semver) first."""
    groups: dict[uuid.UUID, list[PortalComponentVersion]] = defaultdict(list)
    for row in await visible_versions(tenant_id).filter(component_id__in=list(keys)):
        groups[row.component_id].append(row)
    for rows in groups.values():
        rows.sort(key=lambda v: semver.Version.parse(v.version), reverse=True)
    return [groups.get(k, []) for k in keys]


async def _applications_for(
    tenant_id: uuid.UUID, keys: Sequence[uuid.UUID]
) -> list[ServiceApplication | None]:
    """The tenant's latest application for each component or resource."""
    latest: dict[uuid.UUID, ServiceApplication] = {}
    query = (
        TenantScope(tenant_id)
        .query(ServiceApplication)
        .filter(Q(component_id__in=list(keys)) | Q(resource_id__in=list(keys)))
    )
    for row in await query.order_by("created_at", "id"):
        target = row.component_id or row.resource_id
        if target is not None:
            latest[target] = row
    return [latest.get(k) for k in keys]


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


async def application_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[Any]:
    return await _by_id(_applications(ctx), keys)


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


async def layout_version_nodes(ctx: Context, keys: list[uuid.UUID]) -> list[Any]:
    return await _by_id(_layout_versions(ctx), keys)


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


# Writes ----------------------------------------------------------------------------------------


async def register_component(ctx: Context, input: Any, schema: GraphQLSchema) -> Result:
    return await attempt(
        portal.register_component(
            ctx.actor, manifest=input.manifest, standard=input.standard, operation_schema=schema
        )
    )


async def register_resource(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.register_resource(
            ctx.actor,
            key=input.key,
            name=input.name,
            kind=input.kind,
            endpoint_url=input.endpoint_url,
            method=input.method,
            interface=input.interface,
            help=input.help,
            example=input.example,
            standard=input.standard,
            allow_loopback=ctx.dev_mode,
        )
    )


async def update_resource(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.update_resource(
            ctx.actor,
            id=node_uuid(input.id, "PortalResource") or "",
            name=keep(input.name),
            kind=keep(input.kind),
            endpoint_url=keep(input.endpoint_url),
            method=keep(input.method),
            interface=keep(input.interface),
            help=keep(input.help),
            example=keep(input.example),
            expected_version=input.expected_version,
            allow_loopback=ctx.dev_mode,
        )
    )


async def check_resource_connection(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.check_resource_connection(
            ctx.actor,
            id=node_uuid(input.id, "PortalResource") or "",
            allow_loopback=ctx.dev_mode,
        )
    )


async def apply_for_service(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.apply_for_service(
            ctx.actor,
            component_id=node_uuid(input.component_id, "PortalComponent"),
            resource_id=node_uuid(input.resource_id, "PortalResource"),
            note=input.note,
        )
    )


async def review_service_application(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.review_service_application(
            ctx.actor,
            application_id=node_uuid(input.id, "ServiceApplication") or "",
            approve=input.approve,
            reason=input.reason,
        )
    )


async def set_theme(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.set_theme(
            ctx.actor,
            primary_color=keep(input.primary_color),
            accent_color=keep(input.accent_color),
            background_color=keep(input.background_color),
            text_color=keep(input.text_color),
            logo_url=keep(input.logo_url),
            expected_version=input.expected_version,
        )
    )


def _specs(placements: list[Any]) -> list[portal.PlacementSpec]:
    return [
        portal.PlacementSpec(
            component_id=node_uuid(p.component_id, "PortalComponent"),
            resource_id=node_uuid(p.resource_id, "PortalResource"),
            version=p.version,
            column=p.column,
            title=p.title,
            settings=p.settings,
        )
        for p in placements
    ]


async def publish_layout(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.publish_layout(
            ctx.actor,
            template=input.template,
            placements=_specs(input.placements),
            expected_version=input.expected_version,
        )
    )


async def rollback_layout(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.rollback_layout(
            ctx.actor, to_version=input.to_version, expected_version=input.expected_version
        )
    )


async def set_role_layout(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.set_role_layout(
            ctx.actor,
            role_id=node_uuid(input.role_id, "Role") or "",
            template=input.template,
            placements=_specs(input.placements),
            priority=input.priority,
            expected_version=input.expected_version,
        )
    )


async def clear_role_layout(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.clear_role_layout(ctx.actor, role_id=node_uuid(input.role_id, "Role") or "")
    )


async def set_my_layout(ctx: Context, input: Any) -> Result:
    return await attempt(
        portal.set_my_layout(
            ctx.actor,
            template=input.template,
            placements=_specs(input.placements),
            expected_version=input.expected_version,
        )
    )


async def reset_my_layout(ctx: Context, input: Any) -> Result:
    return await attempt(portal.reset_my_layout(ctx.actor, expected_version=input.expected_version))
