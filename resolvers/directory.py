"""Reads and writes behind the directory fields: org units, users, roles, role assignments.

Every signed-in member of a tenant may read its directory (the address book); changes are
checked by the services against the actor's grants.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import Q, Subquery

from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from resolvers.context import Context
from resolvers.errors import Problem, attempt
from resolvers.ids import keep, keep_id, node_uuid, node_uuids
from resolvers.pagination import Page, PageArgs, paginate
from services import directory

Result = tuple[Any, tuple[Problem, ...]]
UNIT_ORDER = ("sort_order", "name", "id")
USER_ORDER = ("display_name", "id")
NOWHERE = uuid.UUID(int=0)
"""An id no row has: filters on a malformed or foreign id match nothing."""


async def org_units(
    ctx: Context,
    *,
    parent_id: Any,
    roots_only: bool,
    under: Any,
    search: str | None,
    page: PageArgs,
) -> Page[OrgUnit]:
    scope = ctx.tenant_scope
    query = scope.query(OrgUnit)
    if roots_only:
        query = query.filter(parent_id=None)
    if parent_id is not None:
        query = query.filter(parent_id=node_uuid(parent_id, "OrgUnit") or NOWHERE)
    if under is not None:
        anchor = await scope.get(OrgUnit, node_uuid(under, "OrgUnit"))
        query = query.filter(path__startswith=anchor.path) if anchor else query.filter(id=None)
    if search:
        query = query.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return await paginate(query, UNIT_ORDER, page, ctx.max_page)


async def ancestors(ctx: Context, unit: OrgUnit) -> list[OrgUnit]:
    """From the root down to the parent, read from the materialised path in one query."""
    ids = [uuid.UUID(hex=part) for part in unit.path.strip("/").split("/")[:-1]]
    loaded = await ctx.loaders.org_unit.load_many(ids)
    return [u for u in loaded if u is not None]


async def users(
    ctx: Context,
    *,
    search: str | None,
    org_unit_id: Any,
    include_descendants: bool,
    status: Any,
    role_id: Any,
    page: PageArgs,
) -> Page[User]:
    scope = ctx.tenant_scope
    query = scope.query(User)
    if search:
        query = query.filter(
            Q(display_name__icontains=search)
            | Q(username__icontains=search)
            | Q(email__icontains=search)
        )
    if status:
        query = query.filter(status=status)
    if org_unit_id is not None:
        unit = await scope.get(OrgUnit, node_uuid(org_unit_id, "OrgUnit"))
        if unit is None:
            query = query.filter(id=None)
        else:
            members = scope.query(Membership)
            members = (
                members.filter(org_unit__path__startswith=unit.path)
                if include_descendants
                else members.filter(org_unit_id=unit.id)
            )
            query = query.filter(id__in=Subquery(members.values("user_id")))
    if role_id is not None:
        holders = scope.query(RoleAssignment).filter(role_id=node_uuid(role_id, "Role") or NOWHERE)
        query = query.filter(id__in=Subquery(holders.values("user_id")))
    return await paginate(query, USER_ORDER, page, ctx.max_page)


async def roles(ctx: Context, *, search: str | None, page: PageArgs) -> Page[Role]:
    query = ctx.tenant_scope.query(Role)
    if search:
        query = query.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("code", "id"), page, ctx.max_page)


# Writes ----------------------------------------------------------------------------------------


async def create_org_unit(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.create_org_unit(
            ctx.actor,
            name=input.name,
            parent_id=node_uuid(input.parent_id, "OrgUnit"),
            code=input.code,
            external_id=input.external_id,
            leader_id=node_uuid(input.leader_id, "User"),
            sort_order=input.sort_order,
        )
    )


async def update_org_unit(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.update_org_unit(
            ctx.actor,
            id=node_uuid(input.id, "OrgUnit") or "",
            name=keep(input.name),
            code=keep(input.code),
            external_id=keep(input.external_id),
            leader_id=keep_id(input.leader_id, "User"),
            sort_order=keep(input.sort_order),
            expected_version=input.expected_version,
        )
    )


async def move_org_unit(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.move_org_unit(
            ctx.actor,
            id=node_uuid(input.id, "OrgUnit") or "",
            new_parent_id=node_uuid(input.new_parent_id, "OrgUnit"),
            expected_version=input.expected_version,
        )
    )


async def delete_org_unit(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.delete_org_unit(ctx.actor, id=node_uuid(input.id, "OrgUnit") or "")
    )


async def create_user(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.create_user(
            ctx.actor,
            username=input.username,
            display_name=input.display_name,
            org_unit_ids=node_uuids(input.org_unit_ids, "OrgUnit"),
            primary_org_unit_id=node_uuid(input.primary_org_unit_id, "OrgUnit"),
            email=input.email,
            phone=input.phone,
            title=input.title,
            external_subject=input.external_subject,
        )
    )


async def update_user(ctx: Context, input: Any) -> Result:
    unit_ids = keep(input.org_unit_ids)
    return await attempt(
        directory.update_user(
            ctx.actor,
            id=node_uuid(input.id, "User") or "",
            display_name=keep(input.display_name),
            email=keep(input.email),
            phone=keep(input.phone),
            title=keep(input.title),
            status=keep(input.status),
            external_subject=keep(input.external_subject),
            org_unit_ids=unit_ids if not unit_ids else node_uuids(unit_ids, "OrgUnit"),
            primary_org_unit_id=keep_id(input.primary_org_unit_id, "OrgUnit"),
            expected_version=input.expected_version,
        )
    )


async def delete_user(ctx: Context, input: Any) -> Result:
    return await attempt(directory.delete_user(ctx.actor, id=node_uuid(input.id, "User") or ""))


async def create_role(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.create_role(
            ctx.actor,
            code=input.code,
            name=input.name,
            description=input.description,
            permissions=input.permissions,
            data_scope=input.data_scope,
        )
    )


async def update_role(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.update_role(
            ctx.actor,
            id=node_uuid(input.id, "Role") or "",
            name=keep(input.name),
            description=keep(input.description),
            permissions=keep(input.permissions),
            data_scope=keep(input.data_scope),
            expected_version=input.expected_version,
        )
    )


async def delete_role(ctx: Context, input: Any) -> Result:
    return await attempt(directory.delete_role(ctx.actor, id=node_uuid(input.id, "Role") or ""))


async def assign_role(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.assign_role(
            ctx.actor,
            user_id=node_uuid(input.user_id, "User") or "",
            role_id=node_uuid(input.role_id, "Role") or "",
            org_unit_id=node_uuid(input.org_unit_id, "OrgUnit"),
        )
    )


async def unassign_role(ctx: Context, input: Any) -> Result:
    return await attempt(
        directory.unassign_role(ctx.actor, id=node_uuid(input.id, "RoleAssignment") or "")
    )
