"""Portal customisation: the tenant's theme, its published layout versions (with rollback), role
defaults and personal layouts, and which layout a user sees.

Resolution order: the user's personal layout, then the default of the first of the user's
roles that has one (lowest `priority` first, then role code), then the tenant's latest published
layout, then an empty one-column page. Placements the tenant may no longer use, or whose
component needs a permission the user lacks, are left out.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.directory import Role, RoleAssignment
from models.portal_components import LayoutTemplate, PortalLayout, PortalLayoutVersion, PortalTheme
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, require, signed_in
from services.inputs import parse_id
from services.portal.applications import approved_ids
from services.portal.common import record, scope_of
from services.portal.placements import (
    PlacementSpec,
    ResolvedPlacement,
    check_placements,
    load_placements,
    number_positions,
)
from services.portal.themes import theme_of
from services.uow import transaction
from subscriptions.topics import Topic


class LayoutSource(StrEnum):
    USER = "user"
    ROLE = "role"
    TENANT = "tenant"
    DEFAULT = "default"


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
                Code.NOT_FOUND,
                _("The layout has no version {to_version}", to_version=to_version),
                "toVersion",
            )
        current = await _latest(scope)
        if current is not None and current.number == to_version:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _("Version {to_version} is the current layout", to_version=to_version),
                "toVersion",
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
            _("Another version was published meanwhile; reload the layout"),
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
            raise ServiceError.of(Code.NOT_FOUND, _("Role not found"), "roleId")
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
            raise ServiceError.of(Code.NOT_FOUND, _("The role has no portal layout"), "roleId")
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
                Code.CONFLICT, _("The layout was saved meanwhile; reload it"), "expectedVersion"
            ) from exc
    check_version(existing.version, expected_version)
    existing.template = template
    existing.placements = placements
    if "priority" in owner:
        existing.priority = owner["priority"]
    existing.version += 1
    await existing.save()
    return existing


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
    number_positions(shown)
    return ResolvedPortal(
        source, template, theme, placements=shown, hidden=len(placements) - len(shown)
    )
