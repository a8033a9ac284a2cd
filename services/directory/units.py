"""Org units (组织机构): a tree per tenant, kept as materialised paths so a subtree is one
prefix query; moving a unit re-hangs its whole subtree."""

from __future__ import annotations

import uuid
from typing import Any

from models.access import Actor
from models.base import new_id
from models.directory import Membership, OrgUnit, RoleAssignment, User
from models.scope import TenantScope
from services.directory.common import manage, record, save_new, unit_path
from services.errors import Code, ServiceError, check_version, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.rows import found, locked
from services.uow import transaction
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
            await found(scope, OrgUnit, parent_id, "Parent org unit", "parentId")
            if parent_id
            else None
        )
        manage(actor, paths=(parent.path,) if parent else ())
        leader = await found(scope, User, leader_id, "Leader", "leaderId") if leader_id else None
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
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        manage(actor, paths=(unit.path,))
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
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        check_version(unit.version, expected_version)
        parent = (
            await locked(scope, OrgUnit, new_parent_id, "New parent", "newParentId")
            if new_parent_id
            else None
        )
        manage(actor, paths=(unit.path,))
        manage(actor, paths=(parent.path,) if parent else ())
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
        unit = await locked(scope, OrgUnit, id, "Org unit", "id")
        manage(actor, paths=(unit.path,))
        if await scope.query(OrgUnit).filter(parent_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Move or delete its child units first", "id")
        if await scope.query(Membership).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Move its members to another unit first", "id")
        if await scope.query(RoleAssignment).filter(org_unit_id=unit.id).exists():
            raise ServiceError.of(Code.IN_USE, "Roles are still anchored at this unit", "id")
        await unit.delete()
        record(work, actor, Topic.ORG_UNIT_DELETED, unit, {"name": unit.name})
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
