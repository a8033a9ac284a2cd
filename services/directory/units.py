"""Org units (组织机构): a tree per tenant, kept as materialised paths so a subtree is one
prefix query; moving a unit re-hangs its whole subtree."""

from __future__ import annotations

import uuid
from typing import Any

from i18n import _
from models.access import Actor
from models.base import new_id
from models.directory import Membership, OrgUnit, RoleAssignment, User
from models.scope import TenantScope
from services.directory.common import manage, record, save_new, unit_path
from services.errors import Code, ServiceError, check_version, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.rows import found, locked
from services.uow import Work, transaction
from subscriptions.topics import Topic


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
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        name = checks.text(name, "name")
        code = checks.code(code, "code") if code else None
        external_id = checks.optional_text(external_id, "externalId", max_length=255)
    async with transaction(actor) as work:
        parent = (
            await found(scope, OrgUnit, parent_id, _("Parent org unit"), "parentId")
            if parent_id
            else None
        )
        manage(actor, paths=(parent.path,) if parent else ())
        _live(parent, "parentId")
        leader = await found(scope, User, leader_id, _("Leader"), "leaderId") if leader_id else None
        await _unique_unit_keys(scope, code=code, external_id=external_id)
        unit_id = new_id()
        unit = await save_new(
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
        record(work, actor, Topic.ORG_UNIT_CREATED, unit, {"name": name, "parentId": parent_id})
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
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
        if code not in (KEEP, None):
            code = checks.code(code, "code")
        if external_id not in (KEEP, None):
            external_id = checks.optional_text(external_id, "externalId", max_length=255)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, _("Org unit"), "id")
        manage(actor, paths=(unit.path,))
        check_version(unit.version, expected_version)
        if leader_id not in (KEEP, None):
            await found(scope, User, leader_id, _("Leader"), "leaderId")
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
            await save_new(unit.save(), "code")
            record(work, actor, Topic.ORG_UNIT_UPDATED, unit, changes)
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
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, _("Org unit"), "id")
        check_version(unit.version, expected_version)
        parent = (
            await locked(scope, OrgUnit, new_parent_id, _("New parent"), "newParentId")
            if new_parent_id
            else None
        )
        manage(actor, paths=(unit.path,))
        manage(actor, paths=(parent.path,) if parent else ())
        _live(unit, "id")
        _live(parent, "newParentId")
        if parent and parent.path.startswith(unit.path):
            raise ServiceError.of(
                Code.CYCLE,
                _("An org unit cannot move under itself or one of its own descendants"),
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
        record(
            work,
            actor,
            Topic.ORG_UNIT_MOVED,
            unit,
            {"to": str(parent.id) if parent else None, "subtree": len(subtree)},
        )
    return unit


async def delete_org_unit(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, _("Org unit"), "id")
        manage(actor, paths=(unit.path,))
        if await scope.query(OrgUnit).filter(parent_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, _("Move or delete its child units first"), "id")
        if await scope.query(Membership).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, _("Move its members to another unit first"), "id")
        if await scope.query(RoleAssignment).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, _("Roles are still anchored at this unit"), "id")
        await unit.delete()
        record(work, actor, Topic.ORG_UNIT_DELETED, unit, {"name": unit.name})
    return unit.id


async def archive_org_unit(
    actor: Actor | None, *, id: uuid.UUID | str, expected_version: int | None = None
) -> tuple[OrgUnit, int]:
    """The portal deleted the unit (SCIM DELETE, or a pull that no longer lists it): it leaves
    the tree but keeps its row, and with it the history filed under it. Its child units move up
    to its parent; its members lose it, and a member left without a unit moves to that parent
    (see `_release_members`). Returns the unit and how many members moved. Idempotent."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        unit = await locked(scope, OrgUnit, id, _("Org unit"), "id")
        manage(actor, paths=(unit.path,))
        check_version(unit.version, expected_version)
        if unit.archived_at is not None:
            return unit, 0
        if unit.parent_id is None:
            raise ServiceError.of(
                Code.INVALID, _("The tenant's root unit cannot be archived"), "id"
            )
        parent = await locked(scope, OrgUnit, unit.parent_id, _("Parent org unit"), "id")
        below = (
            await scope.query(OrgUnit)
            .filter(path__startswith=unit.path)
            .exclude(id=unit.id)
            .select_for_update()
        )
        for row in below:
            row.path = parent.path + row.path[len(unit.path) :]
            row.depth -= 1
            if row.parent_id == unit.id:
                row.parent_id = parent.id
                row.version += 1
        if below:
            await OrgUnit.bulk_update(below, fields=["path", "depth", "parent_id", "version"])
        moved = await _release_members(work, actor, scope, unit, parent)
        unit.archived_at = work.now
        unit.version += 1
        await unit.save(update_fields=["archived_at", "version", "updated_at"])
        data = {"name": unit.name, "children": len(below), "members": moved}
        record(work, actor, Topic.ORG_UNIT_ARCHIVED, unit, data)
    return unit, moved


async def _release_members(
    work: Work, actor: Actor, scope: TenantScope, unit: OrgUnit, parent: OrgUnit
) -> int:
    """Members lose the unit; one left with no unit joins `parent`. A member whose primary unit
    it was gets their next unit as primary, or `parent`."""
    rows = await scope.query(Membership).filter(org_unit_id=unit.id).values_list("user_id")
    user_ids: list[uuid.UUID] = [row[0] for row in rows]
    if not user_ids:
        return 0
    others: dict[uuid.UUID, list[uuid.UUID]] = {u: [] for u in user_ids}
    for user_id, unit_id in (
        await scope.query(Membership)
        .filter(user_id__in=user_ids)
        .exclude(org_unit_id=unit.id)
        .order_by("created_at")
        .values_list("user_id", "org_unit_id")
    ):
        others[user_id].append(unit_id)
    await scope.query(Membership).filter(org_unit_id=unit.id).delete()
    joining = [u for u, rest in others.items() if not rest]
    await scope.bulk_create(
        Membership, [Membership(user_id=u, org_unit_id=parent.id) for u in joining]
    )
    users = await scope.query(User).filter(id__in=user_ids).select_for_update()
    for user in users:
        units = others[user.id] or [parent.id]
        if user.primary_org_unit_id not in units:
            user.primary_org_unit_id = units[0]
        user.version += 1
        data = {"orgUnitIds": [str(u) for u in units], "archivedOrgUnitId": str(unit.id)}
        record(work, actor, Topic.USER_UPDATED, user, data)
    await User.bulk_update(users, fields=["primary_org_unit_id", "version"])
    return len(users)


def _live(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.archived_at is not None:
        raise ServiceError.of(
            Code.INVALID_STATE, _("The org unit '{name}' is archived", name=unit.name), field
        )


async def _unique_unit_keys(
    scope: TenantScope, *, code: str | None, external_id: str | None
) -> None:
    if code and await scope.query(OrgUnit).filter(code=code).exists():
        raise ServiceError.of(
            Code.DUPLICATE, _("The org unit code '{code}' is taken", code=code), "code"
        )
    if external_id and await scope.query(OrgUnit).filter(external_id=external_id).exists():
        raise ServiceError.of(
            Code.DUPLICATE,
            _("The external id '{external_id}' is taken", external_id=external_id),
            "externalId",
        )
