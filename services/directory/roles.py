"""Roles (permission codes with a data scope) and their assignment to users, anchored at an
org unit or at the holder's own units. Nobody hands out more than they hold."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from i18n import _
from models.access import Actor, DataScope, Permission
from models.directory import OrgUnit, Role, RoleAssignment, User
from models.scope import TenantScope
from services.directory.common import (
    keep_an_administrator,
    manage,
    record,
    save_new,
    user_org_paths,
)
from services.errors import Code, ServiceError, check_version, require, signed_in
from services.inputs import KEEP, Checks, apply_changes
from services.rows import found, locked
from services.uow import transaction
from subscriptions.topics import Topic

TENANT_PERMISSIONS = frozenset(p.value for p in Permission) - {Permission.PLATFORM_ADMIN.value}
SCOPE_ORDER = list(DataScope)


async def create_role(
    actor: Actor | None,
    *,
    code: str,
    name: str,
    description: str = "",
    permissions: list[str],
    data_scope: DataScope,
) -> Role:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name", max_length=100)
        description = (description or "").strip()
        permissions = _check_permissions(checks, actor, permissions)
    async with transaction(actor) as work:
        if await scope.query(Role).filter(code=code).exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("The role code '{code}' is taken", code=code), "code"
            )
        role = await save_new(
            scope.create(
                Role,
                code=code,
                name=name,
                description=description,
                permissions=permissions,
                data_scope=data_scope,
            ),
            "code",
        )
        record(
            work,
            actor,
            Topic.ROLE_CREATED,
            role,
            {"code": code, "permissions": permissions, "dataScope": data_scope.value},
        )
    return role


async def update_role(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: Any = KEEP,
    description: Any = KEEP,
    permissions: Any = KEEP,
    data_scope: Any = KEEP,
    expected_version: int | None = None,
) -> Role:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name", max_length=100)
        if description is not KEEP:
            description = (description or "").strip()
        if permissions is not KEEP:
            permissions = _check_permissions(checks, actor, permissions)
    async with transaction(actor) as work:
        role = await locked(scope, Role, id, _("Role"), "id")
        check_version(role.version, expected_version)
        if role.is_system and (permissions is not KEEP or data_scope is not KEEP):
            raise ServiceError.of(
                Code.INVALID, _("A system role keeps its permissions and data scope"), "permissions"
            )
        changes = apply_changes(
            role, name=name, description=description, permissions=permissions, data_scope=data_scope
        )
        if changes:
            role.version += 1
            await role.save()
            record(work, actor, Topic.ROLE_UPDATED, role, changes)
    return role


async def delete_role(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        role = await locked(scope, Role, id, _("Role"), "id")
        if role.is_system:
            raise ServiceError.of(Code.INVALID, _("A system role cannot be deleted"), "id")
        if await scope.query(RoleAssignment).filter(role_id=role.id).exists():
            raise ServiceError.of(Code.IN_USE, _("Unassign the role from its holders first"), "id")
        await role.delete()
        record(work, actor, Topic.ROLE_DELETED, role, {"code": role.code})
    return role.id


def _check_permissions(checks: Checks, actor: Actor, permissions: Iterable[str]) -> list[str]:
    """Known tenant permissions only, and none the actor does not hold itself."""
    cleaned = sorted(set(permissions))
    for code in cleaned:
        if code not in TENANT_PERMISSIONS:
            checks.fail(Code.INVALID, _("Unknown permission '{code}'", code=code), "permissions")
        elif code not in actor.permissions:
            checks.fail(
                Code.FORBIDDEN,
                _("You cannot hand out '{code}': you do not hold it", code=code),
                "permissions",
            )
    return cleaned


# Role assignments ------------------------------------------------------------------------------


async def assign_role(
    actor: Actor | None,
    *,
    user_id: uuid.UUID | str,
    role_id: uuid.UUID | str,
    org_unit_id: uuid.UUID | str | None = None,
) -> RoleAssignment:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, _("User"), "userId")
        role = await found(scope, Role, role_id, _("Role"), "roleId")
        anchor = (
            await found(scope, OrgUnit, org_unit_id, _("Org unit"), "orgUnitId")
            if org_unit_id
            else None
        )
        manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        if anchor:
            manage(actor, paths=(anchor.path,))
        _no_escalation(actor, role)
        exists = scope.query(RoleAssignment).filter(
            user_id=user.id, role_id=role.id, org_unit_id=anchor.id if anchor else None
        )
        if await exists.exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("The user already holds this role there"), "roleId"
            )
        assignment = await scope.create(
            RoleAssignment,
            user_id=user.id,
            role_id=role.id,
            org_unit_id=anchor.id if anchor else None,
        )
        record(
            work,
            actor,
            Topic.ROLE_ASSIGNED,
            assignment,
            {
                "userId": str(user.id),
                "role": role.code,
                "orgUnitId": org_unit_id and str(org_unit_id),
            },
        )
    return assignment


async def unassign_role(actor: Actor | None, *, id: uuid.UUID | str) -> RoleAssignment:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        assignment = await found(scope, RoleAssignment, id, _("Role assignment"), "id")
        user = await locked(scope, User, assignment.user_id, _("User"), "id")
        role = await found(scope, Role, assignment.role_id, _("Role"), "id")
        manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        _no_escalation(actor, role)
        await keep_an_administrator(scope, "id", user_id=user.id, assignment_id=assignment.id)
        await assignment.delete()
        record(
            work,
            actor,
            Topic.ROLE_UNASSIGNED,
            assignment,
            {"userId": str(user.id), "role": role.code},
        )
    return assignment


def _no_escalation(actor: Actor, role: Role) -> None:
    missing = set(role.permissions) - actor.permissions
    widest = actor.widest_scope(Permission.DIRECTORY_MANAGE)
    if missing or widest is None or SCOPE_ORDER.index(role.data_scope) > SCOPE_ORDER.index(widest):
        raise ServiceError.of(
            Code.FORBIDDEN,
            _("The role '{code}' reaches further than your own grants", code=role.code),
            "roleId",
        )


# Roles from the portal -------------------------------------------------------------------------


async def set_portal_roles(
    actor: Actor | None,
    *,
    user_id: uuid.UUID | str,
    names: Iterable[str],
    role_map: dict[str, str],
) -> bool:
    """The portal's role names for a person (SCIM `roles`, or the roles claim of a sign-in):
    kept as sent, and the roles the map can grant made to match them, granted or taken away
    (demotion), each change audited. The map owns the roles it names (held tenant-wide, without
    an anchor); other roles are never touched. True when anything changed."""
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    names = list(dict.fromkeys(n for n in names if n))
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, _("User"), "id")
        owned = {r.code: r for r in await scope.query(Role).filter(code__in=set(role_map.values()))}
        wanted = {role_map[n] for n in names if n in role_map and role_map[n] in owned}
        held = {
            a.role_id: a
            for a in await scope.query(RoleAssignment).filter(
                user_id=user.id, org_unit_id=None, role_id__in=[r.id for r in owned.values()]
            )
        }
        changed = False
        for code, role in sorted(owned.items()):
            if code in wanted and role.id not in held:
                grant = await scope.create(RoleAssignment, user_id=user.id, role_id=role.id)
                data = {"userId": str(user.id), "role": code, "source": "portal"}
                record(work, actor, Topic.ROLE_ASSIGNED, grant, data)
                changed = True
            elif code not in wanted and role.id in held:
                await held[role.id].delete()
                data = {"userId": str(user.id), "role": code, "source": "portal"}
                record(work, actor, Topic.ROLE_UNASSIGNED, held[role.id], data)
                changed = True
        if (user.portal_roles or []) != names:
            user.portal_roles = names or None
            user.version += 1
            await user.save(update_fields=["portal_roles", "version", "updated_at"])
            record(work, actor, Topic.USER_UPDATED, user, {"portalRoles": names})
            changed = True
    return changed
