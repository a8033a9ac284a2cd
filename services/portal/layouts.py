"""Portal customisation: the tenant's theme, its published layout versions (with rollback), role
defaults and personal layouts, and which layout a user sees.

Resolution order: the user's personal layout, then the default of the first of the user's
roles that has one (lowest `priority` first, then role code), then the tenant's latest published
layout, then an empty one-column page. Placements the tenant may no longer use, or whose
component needs a permission the user lacks, are left out.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from yarl import URL

from models.access import Actor, Permission
from models.base import new_id
from models.directory import Role, RoleAssignment
from models.portal_components import (
    LayoutTemplate,
    PortalComponent,
    PortalComponentVersion,
    PortalLayout,
    PortalLayoutVersion,
    PortalResource,
    PortalTheme,
    catalogue,
    visible_versions,
)
from models.scope import TenantScope
from services.errors import Code, Problem, ServiceError, check_version, require, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.portal.applications import approved_ids
from services.portal.common import record, scope_of
from services.portal.manifests import settings_problems, with_defaults
from services.uow import transaction
from subscriptions.topics import Topic

COLUMNS = {
    LayoutTemplate.ONE_COLUMN: 1,
    LayoutTemplate.TWO_COLUMNS: 2,
    LayoutTemplate.THREE_COLUMNS: 3,
}
MAX_PLACEMENTS = 60
NOWHERE = uuid.UUID(int=0)
HEX_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3,4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")
DEFAULT_THEME = {
    "primary_color": "#1F5FAD",
    "accent_color": "#C8102E",
    "background_color": "#F5F7FA",
    "text_color": "#1F2329",
}


class LayoutSource(StrEnum):
    USER = "user"
    ROLE = "role"
    TENANT = "tenant"
    DEFAULT = "default"


@dataclass(frozen=True)
class PlacementSpec:
    """One component (or resource) placed on a page, as a client sends it."""

    component_id: uuid.UUID | str | None = None
    resource_id: uuid.UUID | str | None = None
    version: str | None = None
    column: int = 0
    title: str | None = None
    settings: Any = None


@dataclass
class ResolvedPlacement:
    id: str
    column: int
    position: int
    title: str | None
    settings: Any
    component: PortalComponent | None = None
    component_version: PortalComponentVersion | None = None
    resource: PortalResource | None = None


@dataclass
class ResolvedPortal:
    source: LayoutSource
    template: LayoutTemplate
    theme: PortalTheme
    placements: list[ResolvedPlacement] = field(default_factory=list)
    role: Role | None = None
    layout_version: int | None = None
    hidden: int = 0
    """Placements left out: not approved for the tenant, or the user lacks the permission."""


# Theme -----------------------------------------------------------------------------------------


async def set_theme(
    actor: Actor | None,
    *,
    primary_color: Any = KEEP,
    accent_color: Any = KEEP,
    background_color: Any = KEEP,
    text_color: Any = KEEP,
    logo_url: Any = KEEP,
    expected_version: int | None = None,
) -> PortalTheme:
    actor = require(actor, Permission.TENANT_ADMIN)
    colours = {
        "primary_color": primary_color,
        "accent_color": accent_color,
        "background_color": background_color,
        "text_color": text_color,
    }
    with Checks() as checks:
        for name, value in colours.items():
            if value is not KEEP:
                colours[name] = _colour(checks, value, _camel(name))
        if logo_url not in (KEEP, None):
            logo_url = _logo(checks, logo_url)
    async with transaction(actor) as work:
        theme = await scope_of(actor).query(PortalTheme).select_for_update().get_or_none()
        theme = theme or default_theme(actor.tenant_id)
        check_version(theme.version, expected_version)
        changes = apply_changes(theme, **colours, logo_url=logo_url)
        if changes or theme.version == 0:
            theme.version += 1
            try:
                await theme.save()
            except IntegrityError as exc:
                raise ServiceError.of(
                    Code.CONFLICT, "The theme was set meanwhile; reload it", "expectedVersion"
                ) from exc
            record(work, actor.tenant_id, Topic.PORTAL_THEME_CHANGED, theme, changes)
    return theme


def default_theme(tenant_id: uuid.UUID) -> PortalTheme:
    """The theme of a tenant that has not chosen one (not saved)."""
    return PortalTheme(tenant_id=tenant_id, logo_url=None, version=0, **DEFAULT_THEME)


async def theme_of(scope: TenantScope) -> PortalTheme:
    return await scope.query(PortalTheme).get_or_none() or default_theme(scope.tenant_id)


# Tenant layout versions ------------------------------------------------------------------------


async def publish_layout(
    actor: Actor | None,
    *,
    template: LayoutTemplate,
    placements: Sequence[PlacementSpec],
    expected_version: int | None = None,
) -> PortalLayoutVersion:
    """Publish the tenant's default page as a new version; `expected_version` is the number the
    client based it on (0 for the first)."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        stored = await check_placements(scope, template, placements, viewer=None)
        row = await _new_version(actor, scope, template, stored, expected_version, None)
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_LAYOUT_PUBLISHED,
            row,
            {"number": row.number, "template": template.value, "placements": len(stored)},
        )
    return row


async def rollback_layout(
    actor: Actor | None, *, to_version: int, expected_version: int | None = None
) -> PortalLayoutVersion:
    """Publish a copy of an earlier version as the newest one; history is never rewritten."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        source = await scope.query(PortalLayoutVersion).get_or_none(number=to_version)
        if source is None:
            raise ServiceError.of(
                Code.NOT_FOUND, f"The layout has no version {to_version}", "toVersion"
            )
        current = await _latest(scope)
        if current is not None and current.number == to_version:
            raise ServiceError.of(
                Code.INVALID_STATE, f"Version {to_version} is the current layout", "toVersion"
            )
        row = await _new_version(
            actor, scope, source.template, source.placements, expected_version, to_version
        )
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_LAYOUT_ROLLED_BACK,
            row,
            {"number": row.number, "restoredFrom": to_version},
        )
    return row


async def _latest(scope: TenantScope) -> PortalLayoutVersion | None:
    return await scope.query(PortalLayoutVersion).order_by("-number").first()


async def _new_version(
    actor: Actor,
    scope: TenantScope,
    template: LayoutTemplate,
    placements: list[dict[str, Any]],
    expected_version: int | None,
    restored_from: int | None,
) -> PortalLayoutVersion:
    current = await _latest(scope)
    number = current.number if current else 0
    check_version(number, expected_version)
    try:
        return await scope.create(
            PortalLayoutVersion,
            number=number + 1,
            template=template,
            placements=placements,
            published_by_id=actor.user_id,
            published_by_name=actor.name[:100],
            restored_from=restored_from,
        )
    except IntegrityError as exc:
        raise ServiceError.of(
            Code.CONFLICT,
            "Another version was published meanwhile; reload the layout",
            "expectedVersion",
        ) from exc


# Role defaults and personal layouts ------------------------------------------------------------


async def set_role_layout(
    actor: Actor | None,
    *,
    role_id: uuid.UUID | str,
    template: LayoutTemplate,
    placements: Sequence[PlacementSpec],
    priority: int = 100,
    expected_version: int | None = None,
) -> PortalLayout:
    """The default page of a role's holders; a user with several roles gets the one with the
    lowest priority."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        role = await scope.get(Role, role_id)
        if role is None:
            raise ServiceError.of(Code.NOT_FOUND, "Role not found", "roleId")
        stored = await check_placements(scope, template, placements, viewer=None)
        existing = await scope.query(PortalLayout).select_for_update().get_or_none(role_id=role.id)
        row = await _save_layout(
            scope, existing, expected_version, template, stored, role_id=role.id, priority=priority
        )
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_ROLE_LAYOUT_SET,
            row,
            {"role": role.code, "priority": priority, "placements": len(stored)},
        )
    return row


async def clear_role_layout(actor: Actor | None, *, role_id: uuid.UUID | str) -> PortalLayout:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        key = parse_id(role_id)
        row = (
            await scope.query(PortalLayout).select_for_update().get_or_none(role_id=key)
            if key
            else None
        )
        if row is None:
            raise ServiceError.of(Code.NOT_FOUND, "The role has no portal layout", "roleId")
        await row.delete()
        record(work, actor.tenant_id, Topic.PORTAL_ROLE_LAYOUT_CLEARED, row, {"roleId": key})
    return row


async def set_my_layout(
    actor: Actor | None,
    *,
    template: LayoutTemplate,
    placements: Sequence[PlacementSpec],
    expected_version: int | None = None,
) -> PortalLayout:
    """Any signed-in user's personal layout, from what the tenant may use and the user may see."""
    actor = signed_in(actor)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        stored = await check_placements(scope, template, placements, viewer=actor)
        existing = (
            await scope.query(PortalLayout).select_for_update().get_or_none(user_id=actor.user_id)
        )
        row = await _save_layout(
            scope, existing, expected_version, template, stored, user_id=actor.user_id
        )
        record(
            work,
            actor.tenant_id,
            Topic.PORTAL_PERSONAL_LAYOUT_SET,
            row,
            {"userId": actor.user_id, "placements": len(stored)},
        )
    return row


async def reset_my_layout(
    actor: Actor | None, *, expected_version: int | None = None
) -> PortalLayout | None:
    """Drop the personal layout: the user sees the role or tenant default again."""
    actor = signed_in(actor)
    scope = scope_of(actor)
    async with transaction(actor) as work:
        row = await scope.query(PortalLayout).select_for_update().get_or_none(user_id=actor.user_id)
        check_version(row.version if row else 0, expected_version)
        if row is not None:
            await row.delete()
            record(
                work,
                actor.tenant_id,
                Topic.PORTAL_PERSONAL_LAYOUT_RESET,
                row,
                {"userId": actor.user_id},
            )
    return row


async def _save_layout(
    scope: TenantScope,
    existing: PortalLayout | None,
    expected_version: int | None,
    template: LayoutTemplate,
    placements: list[dict[str, Any]],
    **owner: Any,
) -> PortalLayout:
    if existing is None:
        check_version(0, expected_version)
        try:
            return await scope.create(
                PortalLayout, template=template, placements=placements, **owner
            )
        except IntegrityError as exc:
            raise ServiceError.of(
                Code.CONFLICT, "The layout was saved meanwhile; reload it", "expectedVersion"
            ) from exc
    check_version(existing.version, expected_version)
    existing.template = template
    existing.placements = placements
    if "priority" in owner:
        existing.priority = owner["priority"]
    existing.version += 1
    await existing.save()
    return existing


# Placements ------------------------------------------------------------------------------------


async def check_placements(
    scope: TenantScope,
    template: LayoutTemplate,
    placements: Sequence[PlacementSpec],
    *,
    viewer: Actor | None,
) -> list[dict[str, Any]]:
    """The placements as stored, or a ServiceError with every problem: unknown or unapproved
    components and resources, columns outside the template, settings that do not match the
    component's settings schema (each with its path), permissions the viewer lacks."""
    problems: list[Problem] = []
    if len(placements) > MAX_PLACEMENTS:
        raise ServiceError.of(
            Code.TOO_LONG, f"A page holds at most {MAX_PLACEMENTS} placements", "placements"
        )
    component_keys = {parse_id(p.component_id) for p in placements if p.component_id is not None}
    resource_keys = {parse_id(p.resource_id) for p in placements if p.resource_id is not None}
    components = {
        c.id: c
        for c in await catalogue(PortalComponent, scope.tenant_id).filter(
            id__in=[k for k in component_keys if k]
        )
    }
    versions = {
        (v.component_id, v.version): v
        for v in await visible_versions(scope.tenant_id).filter(component_id__in=list(components))
    }
    resources = {
        r.id: r
        for r in await catalogue(PortalResource, scope.tenant_id).filter(
            id__in=[k for k in resource_keys if k]
        )
    }
    approved = await approved_ids(scope)
    stored = []
    for index, spec in enumerate(placements):
        at = ("placements", str(index))
        before = len(problems)
        if (spec.component_id is None) == (spec.resource_id is None):
            problems.append(
                Problem(
                    Code.INVALID, "Place either a component or a resource", (*at, "componentId")
                )
            )
            continue
        if not 0 <= spec.column < COLUMNS[template]:
            problems.append(
                Problem(
                    Code.INVALID,
                    f"column must be 0 to {COLUMNS[template] - 1} in {template.value}",
                    (*at, "column"),
                )
            )
        title = (spec.title or "").strip() or None
        if title and len(title) > 100:
            problems.append(Problem(Code.TOO_LONG, "title is longer than 100 characters", at))
        entry: dict[str, Any] = {"id": new_id().hex, "column": spec.column, "title": title}
        if spec.component_id is not None:
            component = components.get(parse_id(spec.component_id) or NOWHERE)
            entry.update(
                _check_component(
                    problems, at, spec, component, versions, approved, scope.tenant_id, viewer
                )
            )
        else:
            resource = resources.get(parse_id(spec.resource_id) or NOWHERE)
            entry.update(_check_resource(problems, at, spec, resource, approved, scope.tenant_id))
        if len(problems) == before:
            stored.append(entry)
    if problems:
        raise ServiceError(*problems)
    return stored


def _check_component(
    problems: list[Problem],
    at: tuple[str, ...],
    spec: PlacementSpec,
    component: PortalComponent | None,
    versions: dict[tuple[uuid.UUID, str], PortalComponentVersion],
    approved: set[uuid.UUID],
    tenant_id: uuid.UUID,
    viewer: Actor | None,
) -> dict[str, Any]:
    if component is None:
        problems.append(Problem(Code.NOT_FOUND, "Component not found", (*at, "componentId")))
        return {}
    if component.tenant_id != tenant_id and component.id not in approved:
        problems.append(
            Problem(
                Code.FORBIDDEN,
                f"The component '{component.key}' is not approved for your tenant; apply for it"
                " first",
                (*at, "componentId"),
            )
        )
        return {}
    number = spec.version or component.latest_version
    version = versions.get((component.id, number))
    if version is None:
        problems.append(
            Problem(Code.NOT_FOUND, f"'{component.key}' has no version {number}", (*at, "version"))
        )
        return {}
    needed = version.required_permission
    if viewer is not None and needed and not viewer.has(Permission(needed)):
        problems.append(
            Problem(
                Code.FORBIDDEN,
                f"The component '{component.key}' needs the permission {needed}",
                (*at, "componentId"),
            )
        )
    schema = version.manifest["settingsSchema"]
    settings = with_defaults(schema, {} if spec.settings is None else spec.settings)
    problems.extend(settings_problems(schema, settings, *at, "settings"))
    return {
        "componentId": str(component.id),
        "componentVersionId": str(version.id),
        "version": version.version,
        "settings": settings,
    }


def _check_resource(
    problems: list[Problem],
    at: tuple[str, ...],
    spec: PlacementSpec,
    resource: PortalResource | None,
    approved: set[uuid.UUID],
    tenant_id: uuid.UUID,
) -> dict[str, Any]:
    if resource is None:
        problems.append(Problem(Code.NOT_FOUND, "Resource not found", (*at, "resourceId")))
        return {}
    if resource.tenant_id != tenant_id and resource.id not in approved:
        problems.append(
            Problem(
                Code.FORBIDDEN,
                f"The resource '{resource.key}' is not approved for your tenant; apply for it"
                " first",
                (*at, "resourceId"),
            )
        )
        return {}
    if spec.settings not in (None, {}):
        problems.append(Problem(Code.INVALID, "A resource takes no settings", (*at, "settings")))
    if spec.version is not None:
        problems.append(Problem(Code.INVALID, "A resource has no versions", (*at, "version")))
    return {"resourceId": str(resource.id), "settings": {}}


# Resolution ------------------------------------------------------------------------------------


async def resolve_portal(actor: Actor | None) -> ResolvedPortal:
    """The page the signed-in user sees (see the module docstring for the order)."""
    actor = signed_in(actor)
    scope = scope_of(actor)
    theme = await theme_of(scope)
    personal = await scope.query(PortalLayout).get_or_none(user_id=actor.user_id)
    if personal is not None:
        return await _resolved(
            scope, actor, theme, LayoutSource.USER, personal.template, personal.placements
        )
    held = (
        await scope.query(RoleAssignment)
        .filter(user_id=actor.user_id)
        .values_list("role_id", flat=True)
    )
    role_layouts = [
        row
        for row in await scope.query(PortalLayout).filter(role_id__in=held).select_related("role")
        if row.role is not None
    ]
    if role_layouts:
        chosen = min(role_layouts, key=_role_order)
        resolved = await _resolved(
            scope, actor, theme, LayoutSource.ROLE, chosen.template, chosen.placements
        )
        resolved.role = chosen.role
        return resolved
    published = await _latest(scope)
    if published is not None:
        resolved = await _resolved(
            scope, actor, theme, LayoutSource.TENANT, published.template, published.placements
        )
        resolved.layout_version = published.number
        return resolved
    return ResolvedPortal(LayoutSource.DEFAULT, LayoutTemplate.ONE_COLUMN, theme)


def _role_order(row: PortalLayout) -> tuple[int, str]:
    return row.priority, row.role.code if row.role else ""


async def _resolved(
    scope: TenantScope,
    actor: Actor,
    theme: PortalTheme,
    source: LayoutSource,
    template: LayoutTemplate,
    placements: list[dict[str, Any]],
) -> ResolvedPortal:
    loaded = await load_placements(scope, placements)
    approved = await approved_ids(scope)
    shown: list[ResolvedPlacement] = []
    for placement in loaded:
        target = placement.component or placement.resource
        version = placement.component_version
        needed = version.required_permission if version else None
        if (
            target is None
            or (target.tenant_id != scope.tenant_id and target.id not in approved)
            or (needed and not actor.has(Permission(needed)))
        ):
            continue
        shown.append(placement)
    _number(shown)
    return ResolvedPortal(
        source, template, theme, placements=shown, hidden=len(placements) - len(shown)
    )


async def load_placements(
    scope: TenantScope, placements: list[dict[str, Any]]
) -> list[ResolvedPlacement]:
    """Stored placements with their components, versions and resources (three queries)."""
    version_ids = [p["componentVersionId"] for p in placements if p.get("componentVersionId")]
    resource_ids = [p["resourceId"] for p in placements if p.get("resourceId")]
    versions = {}
    if version_ids:
        visible = visible_versions(scope.tenant_id).filter(id__in=version_ids)
        versions = {str(v.id): v for v in await visible.select_related("component")}
    resources = {}
    if resource_ids:
        found = catalogue(PortalResource, scope.tenant_id).filter(id__in=resource_ids)
        resources = {str(r.id): r for r in await found}
    loaded = []
    for stored in placements:
        version = versions.get(stored.get("componentVersionId") or "")
        component = version.component if version else None
        loaded.append(
            ResolvedPlacement(
                id=stored["id"],
                column=stored["column"],
                position=0,
                title=stored.get("title"),
                settings=with_defaults(
                    version.manifest["settingsSchema"] if version else {},
                    stored.get("settings") or {},
                ),
                component=component,
                component_version=version,
                resource=resources.get(stored.get("resourceId") or ""),
            )
        )
    _number(loaded)
    return loaded


def _number(placements: list[ResolvedPlacement]) -> None:
    """Positions count from 0 in each column, in the order the placements were sent."""
    seen: dict[int, int] = {}
    for placement in placements:
        placement.position = seen.get(placement.column, 0)
        seen[placement.column] = placement.position + 1


# Shared ----------------------------------------------------------------------------------------


def _colour(checks: Checks, value: Any, field: str) -> str:
    cleaned = (value or "").strip() if isinstance(value, str) else ""
    if not cleaned:
        checks.fail(Code.REQUIRED, f"{field} must not be empty", field)
    elif not HEX_COLOUR.fullmatch(cleaned):
        checks.fail(
            Code.INVALID,
            f"{field} '{cleaned}' is not a CSS hex colour (#RGB, #RGBA, #RRGGBB or #RRGGBBAA)",
            field,
        )
    return cleaned


def _logo(checks: Checks, value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if len(cleaned) > 2000:
        checks.fail(Code.TOO_LONG, "logoUrl is longer than 2000 characters", "logoUrl")
        return cleaned
    try:
        url = URL(cleaned)
    except ValueError:
        url = URL()
    absolute = url.scheme in ("http", "https") and bool(url.host)
    local = cleaned.startswith("/") and not cleaned.startswith("//")
    if any(c.isspace() for c in cleaned) or not (absolute or local):
        checks.fail(
            Code.INVALID,
            "logoUrl must be an http(s) URL or a path on this site starting with '/'",
            "logoUrl",
        )
    return cleaned


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
