"""The directory of a tenant: org units, users, roles and role assignments.

Every change is checked against the actor's `directory.manage` grants and their data scope
(分级管理): an org-unit administrator manages only the units it is anchored at (and below).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.access import Actor, DataScope, Permission
from models.audit import AuditEntry
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.scope import TenantScope
from models.sso import PortalSession
from services.errors import Code, ServiceError, check_version, not_found, require, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.rows import found, locked
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

TENANT_PERMISSIONS = frozenset(p.value for p in Permission) - {Permission.PLATFORM_ADMIN.value}
SCOPE_ORDER = list(DataScope)


def unit_path(parent: OrgUnit | None, unit_id: uuid.UUID) -> str:
    return f"{parent.path if parent else '/'}{unit_id.hex}/"


def _scope(actor: Actor) -> TenantScope:
    return TenantScope(actor.tenant_id)


def _manage(
    actor: Actor | None, *, paths: Iterable[str] = (), user_id: uuid.UUID | None = None
) -> Actor:
    return require(actor, Permission.DIRECTORY_MANAGE, org_paths=tuple(paths), user_id=user_id)


async def user_org_paths(scope: TenantScope, user_id: uuid.UUID) -> tuple[str, ...]:
    rows = (
        await scope.query(Membership)
        .filter(user_id=user_id)
        .values_list("org_unit__path", flat=True)
    )
    return tuple(str(p) for p in rows)


async def active_user_ids(scope: TenantScope, names: Iterable[str]) -> dict[str, str]:
    """Active users named by id or username: {name: user id}, in the order given."""
    names = list(names)
    ids = [k for n in names if (k := parse_id(n))]
    usernames = [n for n in names if parse_id(n) is None]
    rows = (
        await scope.query(User)
        .filter(Q(id__in=ids) | Q(username__in=usernames), status=UserStatus.ACTIVE)
        .values_list("id", "username")
    )
    known = {str(i): str(i) for i, _ in rows} | {str(u): str(i) for i, u in rows}
    return {n: known[n] for n in names if n in known}


# Org units -------------------------------------------------------------------------------------


async def create_org_unit(
    actor: Actor | None,
    *,
    name: str,
    parent_id: uuid.UUID | str | None,
    code: str | None = None,
    external_id: str | None = None,
    leader_id: uuid.UUID | str | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    actor = signed_in(actor)
    scope = _scope(actor)
    with Checks() as checks:
        name = checks.text(name, "name")
        code = checks.code(code, "code") if code else None
        external_id = checks.optional_text(external_id, "externalId", max_length=255)
    async with transaction(actor) as work:
        parent = (
            await found(scope, OrgUnit, parent_id, "Parent org unit", "parentId")
            if parent_id
            else None
        )
        _manage(actor, paths=(parent.path,) if parent else ())
        leader = await found(scope, User, leader_id, "Leader", "leaderId") if leader_id else None
        await _unique_unit_keys(scope, code=code, external_id=external_id)
        unit_id = new_id()
        unit = await _save_new(
            scope.create(
                OrgUnit,
                id=unit_id,
                parent=parent,
                name=name,
                code=code,
                external_id=external_id,
                leader=leader,
                sort_order=sort_order,
                path=unit_path(parent, unit_id),
                depth=parent.depth + 1 if parent else 0,
            ),
            "code",
        )
        _record(work, actor, Topic.ORG_UNIT_CREATED, unit, {"name": name, "parentId": parent_id})
    return unit


async def update_org_unit(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: Any = KEEP,
    code: Any = KEEP,
    external_id: Any = KEEP,
    leader_id: Any = KEEP,
    sort_order: Any = KEEP,
    expected_version: int | None = None,
) -> OrgUnit:
    actor = signed_in(actor)
    scope = _scope(actor)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
        if code not in (KEEP, None):
            code = checks.code(code, "code")
        if external_id not in (KEEP, None):
            external_id = checks.optional_text(external_id, "externalId", max_length=255)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        _manage(actor, paths=(unit.path,))
        check_version(unit.version, expected_version)
        if leader_id not in (KEEP, None):
            await found(scope, User, leader_id, "Leader", "leaderId")
        await _unique_unit_keys(
            scope,
            code=code if code not in (KEEP, unit.code) else None,
            external_id=external_id if external_id not in (KEEP, unit.external_id) else None,
        )
        changes = apply_changes(
            unit,
            name=name,
            code=code,
            external_id=external_id,
            leader_id=parse_id(leader_id) if leader_id not in (KEEP, None) else leader_id,
            sort_order=sort_order,
        )
        if changes:
            unit.version += 1
            await _save_new(unit.save(), "code")
            _record(work, actor, Topic.ORG_UNIT_UPDATED, unit, changes)
    return unit


async def move_org_unit(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    new_parent_id: uuid.UUID | str | None,
    expected_version: int | None = None,
) -> OrgUnit:
    """Re-hang a unit and its whole subtree; refused when the new parent lies inside it."""
    actor = signed_in(actor)
    scope = _scope(actor)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        check_version(unit.version, expected_version)
        parent = (
            await locked(scope, OrgUnit, new_parent_id, "New parent", "newParentId")
            if new_parent_id
            else None
        )
        _manage(actor, paths=(unit.path,))
        _manage(actor, paths=(parent.path,) if parent else ())
        if parent and parent.path.startswith(unit.path):
            raise ServiceError.of(
                Code.CYCLE,
                "An org unit cannot move under itself or one of its own descendants",
                "newParentId",
            )
        if unit.parent_id == (parent.id if parent else None):
            return unit
        old_path, new_path = unit.path, unit_path(parent, unit.id)
        delta = (parent.depth + 1 if parent else 0) - unit.depth
        subtree = await scope.query(OrgUnit).filter(path__startswith=old_path).select_for_update()
        for row in subtree:
            row.path = new_path + row.path[len(old_path) :]
            row.depth += delta
            if row.id == unit.id:
                row.parent_id = parent.id if parent else None
                row.version += 1
        await OrgUnit.bulk_update(subtree, fields=["path", "depth", "parent_id", "version"])
        unit = next(row for row in subtree if row.id == unit.id)
        _record(
            work,
            actor,
            Topic.ORG_UNIT_MOVED,
            unit,
            {"to": str(parent.id) if parent else None, "subtree": len(subtree)},
        )
    return unit


async def delete_org_unit(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = signed_in(actor)
    scope = _scope(actor)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        _manage(actor, paths=(unit.path,))
        if await scope.query(OrgUnit).filter(parent_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Move or delete its child units first", "id")
        if await scope.query(Membership).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Move its members to another unit first", "id")
        if await scope.query(RoleAssignment).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Roles are still anchored at this unit", "id")
        await unit.delete()
        _record(work, actor, Topic.ORG_UNIT_DELETED, unit, {"name": unit.name})
    return unit.id


async def _unique_unit_keys(
    scope: TenantScope, *, code: str | None, external_id: str | None
) -> None:
    if code and await scope.query(OrgUnit).filter(code=code).exists():
        raise ServiceError.of(Code.DUPLICATE, f"The org unit code '{code}' is taken", "code")
    if external_id and await scope.query(OrgUnit).filter(external_id=external_id).exists():
        raise ServiceError.of(
            Code.DUPLICATE, f"The external id '{external_id}' is taken", "externalId"
        )


# Users -----------------------------------------------------------------------------------------


async def create_user(
    actor: Actor | None,
    *,
    username: str,
    display_name: str,
    org_unit_ids: list[uuid.UUID | str],
    primary_org_unit_id: uuid.UUID | str | None = None,
    email: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    external_subject: str | None = None,
) -> User:
    actor = signed_in(actor)
    scope = _scope(actor)
    with Checks() as checks:
        username = checks.username(username, "username")
        display_name = checks.text(display_name, "displayName", max_length=100)
        email = checks.email(email, "email")
        phone = checks.optional_text(phone, "phone", max_length=32)
        title = checks.optional_text(title, "title", max_length=100)
        external_subject = checks.optional_text(external_subject, "externalSubject", max_length=255)
        if not org_unit_ids:
            checks.fail(Code.REQUIRED, "A user belongs to at least one org unit", "orgUnitIds")
    async with transaction(actor) as work:
        units = await _units(scope, org_unit_ids, "orgUnitIds")
        _manage(actor, paths=(u.path for u in units))
        primary = _primary(units, primary_org_unit_id)
        await _unique_user_keys(scope, username=username, external_subject=external_subject)
        user = await _save_new(
            scope.create(
                User,
                username=username,
                display_name=display_name,
                email=email,
                phone=phone,
                title=title,
                external_subject=external_subject,
                primary_org_unit_id=primary.id,
            ),
            "username",
        )
        await scope.bulk_create(
            Membership, [Membership(user_id=user.id, org_unit_id=u.id) for u in units]
        )
        _record(
            work,
            actor,
            Topic.USER_CREATED,
            user,
            {"username": username, "orgUnitIds": [str(u.id) for u in units]},
        )
    return user


async def update_user(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    display_name: Any = KEEP,
    email: Any = KEEP,
    phone: Any = KEEP,
    title: Any = KEEP,
    status: Any = KEEP,
    external_subject: Any = KEEP,
    org_unit_ids: Any = KEEP,
    primary_org_unit_id: Any = KEEP,
    expected_version: int | None = None,
) -> User:
    actor = signed_in(actor)
    scope = _scope(actor)
    with Checks() as checks:
        if display_name is not KEEP:
            display_name = checks.text(display_name, "displayName", max_length=100)
        if email is not KEEP:
            email = checks.email(email, "email")
        if phone is not KEEP:
            phone = checks.optional_text(phone, "phone", max_length=32)
        if title is not KEEP:
            title = checks.optional_text(title, "title", max_length=100)
        if external_subject is not KEEP:
            external_subject = checks.optional_text(
                external_subject, "externalSubject", max_length=255
            )
        if status is not KEEP and status not in set(UserStatus):
            checks.fail(Code.INVALID, f"Unknown status {status}", "status")
        if org_unit_ids is not KEEP and not org_unit_ids:
            checks.fail(Code.REQUIRED, "A user belongs to at least one org unit", "orgUnitIds")
    async with transaction(actor) as work:
        user = await locked(scope, User, id, "User", "id")
        current_paths = await user_org_paths(scope, user.id)
        _manage(actor, paths=current_paths, user_id=user.id)
        check_version(user.version, expected_version)
        if status not in (KEEP, UserStatus.ACTIVE) and user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, "You cannot deactivate yourself", "status")
        if external_subject not in (KEEP, None, user.external_subject):
            await _unique_user_keys(scope, username=None, external_subject=external_subject)
        changes = apply_changes(
            user,
            display_name=display_name,
            email=email,
            phone=phone,
            title=title,
            status=status,
            external_subject=external_subject,
        )
        if org_unit_ids is not KEEP or primary_org_unit_id is not KEEP:
            changes.update(
                await _set_memberships(scope, actor, user, org_unit_ids, primary_org_unit_id)
            )
        if changes:
            user.version += 1
            await _save_new(user.save(), "externalSubject")
            _record(work, actor, Topic.USER_UPDATED, user, changes)
    return user


async def delete_user(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    """Only for a user without history; anyone who acted is deactivated instead."""
    actor = signed_in(actor)
    scope = _scope(actor)
    async with transaction(actor) as work:
        user = await locked(scope, User, id, "User", "id")
        _manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        if user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, "You cannot delete yourself", "id")
        if await scope.query(OrgUnit).filter(leader_id=user.id).exists():
            raise ServiceError.of(Code.IN_USE, "The user leads an org unit; name another leader")
        if await scope.query(AuditEntry).filter(actor_id=user.id).exists():
            raise ServiceError.of(
                Code.IN_USE, "The user has history; set the status to disabled instead", "id"
            )
        await user.delete()
        _record(work, actor, Topic.USER_DELETED, user, {"username": user.username})
    return user.id


async def deprovision_user(
    actor: Actor | None, user_id: uuid.UUID | str, *, expected_version: int | None = None
) -> User:
    """The one way a person leaves (SCIM `active: false` or DELETE, or a pull sync that no longer
    sees them): the user is deactivated, never deleted, so their history stays; their browser
    sessions end. Idempotent."""
    actor = signed_in(actor)
    scope = _scope(actor)
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, "User", "id")
        _manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        check_version(user.version, expected_version)
        if user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, "You cannot deprovision yourself", "id")
        if user.status == UserStatus.DEPROVISIONED:
            return user
        previous = user.status
        user.status = UserStatus.DEPROVISIONED
        user.version += 1
        await user.save(update_fields=["status", "version", "updated_at"])
        await (
            scope.query(PortalSession)
            .filter(user_id=user.id, revoked_at=None)
            .update(revoked_at=work.now, revoked_reason="deprovisioned")
        )
        # Imported here: documents build on the directory, not the other way round.
        from services.documents.actions import hand_over

        await hand_over(work, user, "deprovisioned")
        _record(work, actor, Topic.USER_DEPROVISIONED, user, {"from": previous.value})
    return user


async def _units(scope: TenantScope, ids: Iterable[Any], field: str) -> list[OrgUnit]:
    keys = [parse_id(i) for i in ids]
    if any(k is None for k in keys):
        raise not_found("Org unit", field)
    units = await scope.query(OrgUnit).filter(id__in=keys)
    by_id = {u.id: u for u in units}
    missing = [k for k in keys if k not in by_id]
    if missing:
        raise not_found(f"Org unit {missing[0]}", field)
    return [by_id[k] for k in dict.fromkeys(keys) if k is not None]


def _primary(units: list[OrgUnit], primary_id: Any) -> OrgUnit:
    if primary_id in (None, KEEP):
        return units[0]
    key = parse_id(primary_id)
    for unit in units:
        if unit.id == key:
            return unit
    raise ServiceError.of(
        Code.INVALID, "The primary org unit must be one of the user's units", "primaryOrgUnitId"
    )


async def _set_memberships(
    scope: TenantScope, actor: Actor, user: User, unit_ids: Any, primary_id: Any
) -> dict[str, Any]:
    current = await scope.query(Membership).filter(user_id=user.id).prefetch_related("org_unit")
    if unit_ids is KEEP:
        units = [m.org_unit for m in current]
    else:
        units = await _units(scope, unit_ids, "orgUnitIds")
        _manage(actor, paths=(u.path for u in units))
    primary = _primary(units, primary_id if primary_id is not KEEP else user.primary_org_unit_id)
    old_ids = {m.org_unit_id for m in current}
    new_ids = {u.id for u in units}
    changes: dict[str, Any] = {}
    if old_ids != new_ids:
        await (
            scope.query(Membership)
            .filter(user_id=user.id, org_unit_id__in=old_ids - new_ids)
            .delete()
        )
        await scope.bulk_create(
            Membership,
            [Membership(user_id=user.id, org_unit_id=i) for i in new_ids - old_ids],
        )
        changes["orgUnitIds"] = sorted(str(i) for i in new_ids)
    if user.primary_org_unit_id != primary.id:
        user.primary_org_unit_id = primary.id
        changes["primaryOrgUnitId"] = str(primary.id)
    return changes


async def _unique_user_keys(
    scope: TenantScope, *, username: str | None, external_subject: str | None
) -> None:
    if username and await scope.query(User).filter(username=username).exists():
        raise ServiceError.of(Code.DUPLICATE, f"The username '{username}' is taken", "username")
    if (
        external_subject
        and await scope.query(User).filter(external_subject=external_subject).exists()
    ):
        raise ServiceError.of(
            Code.DUPLICATE,
            f"Another user already has the subject '{external_subject}'",
            "externalSubject",
        )


# Roles -----------------------------------------------------------------------------------------


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
    scope = _scope(actor)
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name", max_length=100)
        description = (description or "").strip()
        permissions = _check_permissions(checks, actor, permissions)
    async with transaction(actor) as work:
        if await scope.query(Role).filter(code=code).exists():
            raise ServiceError.of(Code.DUPLICATE, f"The role code '{code}' is taken", "code")
        role = await _save_new(
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
        _record(
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
    scope = _scope(actor)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name", max_length=100)
        if description is not KEEP:
            description = (description or "").strip()
        if permissions is not KEEP:
            permissions = _check_permissions(checks, actor, permissions)
    async with transaction(actor) as work:
        role = await locked(scope, Role, id, "Role", "id")
        check_version(role.version, expected_version)
        if role.is_system and (permissions is not KEEP or data_scope is not KEEP):
            raise ServiceError.of(
                Code.INVALID, "A system role keeps its permissions and data scope", "permissions"
            )
        changes = apply_changes(
            role, name=name, description=description, permissions=permissions, data_scope=data_scope
        )
        if changes:
            role.version += 1
            await role.save()
            _record(work, actor, Topic.ROLE_UPDATED, role, changes)
    return role


async def delete_role(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = _scope(actor)
    async with transaction(actor) as work:
        role = await locked(scope, Role, id, "Role", "id")
        if role.is_system:
            raise ServiceError.of(Code.INVALID, "A system role cannot be deleted", "id")
        if await scope.query(RoleAssignment).filter(role_id=role.id).exists():
            raise ServiceError.of(Code.IN_USE, "Unassign the role from its holders first", "id")
        await role.delete()
        _record(work, actor, Topic.ROLE_DELETED, role, {"code": role.code})
    return role.id


def _check_permissions(checks: Checks, actor: Actor, permissions: Iterable[str]) -> list[str]:
    """Known tenant permissions only, and none the actor does not hold itself."""
    cleaned = sorted(set(permissions))
    for code in cleaned:
        if code not in TENANT_PERMISSIONS:
            checks.fail(Code.INVALID, f"Unknown permission '{code}'", "permissions")
        elif code not in actor.permissions:
            checks.fail(
                Code.FORBIDDEN, f"You cannot hand out '{code}': you do not hold it", "permissions"
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
    scope = _scope(actor)
    async with transaction(actor) as work:
        user = await locked(scope, User, user_id, "User", "userId")
        role = await found(scope, Role, role_id, "Role", "roleId")
        anchor = (
            await found(scope, OrgUnit, org_unit_id, "Org unit", "orgUnitId")
            if org_unit_id
            else None
        )
        _manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        if anchor:
            _manage(actor, paths=(anchor.path,))
        _no_escalation(actor, role)
        exists = scope.query(RoleAssignment).filter(
            user_id=user.id, role_id=role.id, org_unit_id=anchor.id if anchor else None
        )
        if await exists.exists():
            raise ServiceError.of(
                Code.DUPLICATE, "The user already holds this role there", "roleId"
            )
        assignment = await scope.create(
            RoleAssignment,
            user_id=user.id,
            role_id=role.id,
            org_unit_id=anchor.id if anchor else None,
        )
        _record(
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
    scope = _scope(actor)
    async with transaction(actor) as work:
        assignment = await found(scope, RoleAssignment, id, "Role assignment", "id")
        user = await locked(scope, User, assignment.user_id, "User", "id")
        role = await found(scope, Role, assignment.role_id, "Role", "id")
        _manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        _no_escalation(actor, role)
        if Permission.TENANT_ADMIN.value in role.permissions:
            admin_roles = [
                r.id
                for r in await scope.query(Role)
                if Permission.TENANT_ADMIN.value in r.permissions
            ]
            holders = scope.query(RoleAssignment).filter(
                role_id__in=admin_roles, user__status=UserStatus.ACTIVE
            )
            if await holders.count() <= 1:
                raise ServiceError.of(
                    Code.INVALID_STATE, "A tenant keeps at least one active administrator", "id"
                )
        await assignment.delete()
        _record(
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
            f"The role '{role.code}' reaches further than your own grants",
            "roleId",
        )


# Shared ----------------------------------------------------------------------------------------


async def _save_new(awaitable: Any, field: str) -> Any:
    """The database's unique constraints decide races our pre-checks cannot."""
    try:
        return await awaitable
    except IntegrityError as exc:
        raise ServiceError.of(Code.DUPLICATE, f"The {field} is already taken", field) from exc


def _record(work: Work, actor: Actor, topic: Topic, row: Any, data: dict[str, Any]) -> None:
    """Audit entry `<thing>.<what>` and event `directory.<thing>.<what>`."""
    kind = type(row).__name__
    clean = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}
    work.audit(actor.tenant_id, topic.removeprefix("directory."), kind, row.id, clean)
    work.emit(actor.tenant_id, topic, {"id": global_id(kind, row.id), "type": kind})
