"""Placements: components and resources put on a portal page. Checking what a client sends
(approved for the tenant, allowed for the viewer, settings matching the component's schema) and
loading stored ones with their components, versions and resources."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from i18n import _
from models.access import Actor, Permission
from models.base import new_id
from models.portal_components import (
    LayoutTemplate,
    PortalComponent,
    PortalComponentVersion,
    PortalResource,
    catalogue,
    visible_versions,
)
from models.scope import TenantScope
from services.errors import Code, Problem, ServiceError
from services.inputs import parse_id
from services.portal.applications import approved_ids
from services.portal.manifests import settings_problems, with_defaults

COLUMNS = {
    LayoutTemplate.ONE_COLUMN: 1,
    LayoutTemplate.TWO_COLUMNS: 2,
    LayoutTemplate.THREE_COLUMNS: 3,
}
MAX_PLACEMENTS = 60
NOWHERE = uuid.UUID(int=0)


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
    if len(placements) > MAX_PLACEMENTS:
        raise ServiceError.of(
            Code.TOO_LONG,
            _("A page holds at most {MAX_PLACEMENTS} placements", MAX_PLACEMENTS=MAX_PLACEMENTS),
            "placements",
        )
    offer = await _Offer.load(scope, placements, viewer)
    problems: list[Problem] = []
    stored = []
    for index, spec in enumerate(placements):
        before = len(problems)
        entry = _check(problems, ("placements", str(index)), spec, template, offer)
        if entry is not None and len(problems) == before:
            stored.append(entry)
    if problems:
        raise ServiceError(*problems)
    return stored


@dataclass
class _Offer:
    """What the placements being checked may use, loaded once for all of them."""

    tenant_id: uuid.UUID
    viewer: Actor | None
    components: dict[uuid.UUID, PortalComponent]
    versions: dict[tuple[uuid.UUID, str], PortalComponentVersion]
    resources: dict[uuid.UUID, PortalResource]
    approved: set[uuid.UUID]

    @classmethod
    async def load(
        cls, scope: TenantScope, placements: Sequence[PlacementSpec], viewer: Actor | None
    ) -> _Offer:
        tenant_id = scope.tenant_id
        component_keys = {parse_id(p.component_id) for p in placements if p.component_id}
        resource_keys = {parse_id(p.resource_id) for p in placements if p.resource_id}
        components = {
            c.id: c
            for c in await catalogue(PortalComponent, tenant_id).filter(
                id__in=[k for k in component_keys if k]
            )
        }
        versions = {
            (v.component_id, v.version): v
            for v in await visible_versions(tenant_id).filter(component_id__in=list(components))
        }
        resources = {
            r.id: r
            for r in await catalogue(PortalResource, tenant_id).filter(
                id__in=[k for k in resource_keys if k]
            )
        }
        approved = await approved_ids(scope)
        return cls(tenant_id, viewer, components, versions, resources, approved)

    def may_use(self, row: PortalComponent | PortalResource) -> bool:
        """The tenant's own, or another's that the tenant was approved for."""
        return row.tenant_id == self.tenant_id or row.id in self.approved


def _check(
    problems: list[Problem],
    at: tuple[str, ...],
    spec: PlacementSpec,
    template: LayoutTemplate,
    offer: _Offer,
) -> dict[str, Any] | None:
    if (spec.component_id is None) == (spec.resource_id is None):
        problems.append(
            Problem(Code.INVALID, _("Place either a component or a resource"), (*at, "componentId"))
        )
        return None
    if not 0 <= spec.column < COLUMNS[template]:
        problems.append(
            Problem(
                Code.INVALID,
                _(
                    "column must be 0 to {last_column} in {template}",
                    last_column=COLUMNS[template] - 1,
                    template=template.value,
                ),
                (*at, "column"),
            )
        )
    title = (spec.title or "").strip() or None
    if title and len(title) > 100:
        problems.append(Problem(Code.TOO_LONG, _("title is longer than 100 characters"), at))
    entry: dict[str, Any] = {"id": new_id().hex, "column": spec.column, "title": title}
    if spec.component_id is not None:
        component = offer.components.get(parse_id(spec.component_id) or NOWHERE)
        entry.update(_check_component(problems, at, spec, component, offer))
    else:
        resource = offer.resources.get(parse_id(spec.resource_id) or NOWHERE)
        entry.update(_check_resource(problems, at, spec, resource, offer))
    return entry


def _check_component(
    problems: list[Problem],
    at: tuple[str, ...],
    spec: PlacementSpec,
    component: PortalComponent | None,
    offer: _Offer,
) -> dict[str, Any]:
    if component is None:
        problems.append(Problem(Code.NOT_FOUND, _("Component not found"), (*at, "componentId")))
        return {}
    if not offer.may_use(component):
        problems.append(_not_approved("component", component.key, (*at, "componentId")))
        return {}
    number = spec.version or component.latest_version
    version = offer.versions.get((component.id, number))
    if version is None:
        problems.append(
            Problem(
                Code.NOT_FOUND,
                _("'{key}' has no version {number}", key=component.key, number=number),
                (*at, "version"),
            )
        )
        return {}
    needed = version.required_permission
    if offer.viewer is not None and needed and not offer.viewer.has(Permission(needed)):
        problems.append(
            Problem(
                Code.FORBIDDEN,
                _(
                    "The component '{key}' needs the permission {needed}",
                    key=component.key,
                    needed=needed,
                ),
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
    offer: _Offer,
) -> dict[str, Any]:
    if resource is None:
        problems.append(Problem(Code.NOT_FOUND, _("Resource not found"), (*at, "resourceId")))
        return {}
    if not offer.may_use(resource):
        problems.append(_not_approved("resource", resource.key, (*at, "resourceId")))
        return {}
    if spec.settings not in (None, {}):
        problems.append(Problem(Code.INVALID, _("A resource takes no settings"), (*at, "settings")))
    if spec.version is not None:
        problems.append(Problem(Code.INVALID, _("A resource has no versions"), (*at, "version")))
    return {"resourceId": str(resource.id), "settings": {}}


def _not_approved(kind: str, key: str, path: tuple[str, ...]) -> Problem:
    message = _(
        "The {kind} '{key}' is not approved for your tenant; apply for it first", kind=kind, key=key
    )
    return Problem(Code.FORBIDDEN, message, path)


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
    number_positions(loaded)
    return loaded


def number_positions(placements: list[ResolvedPlacement]) -> None:
    """Positions count from 0 in each column, in the order the placements were sent."""
    seen: dict[int, int] = {}
    for placement in placements:
        placement.position = seen.get(placement.column, 0)
        seen[placement.column] = placement.position + 1
