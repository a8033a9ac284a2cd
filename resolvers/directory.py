"""Reads behind the directory fields: org units, users, roles, role assignments.

Every signed-in member of a tenant may read its directory (the address book); changes are
checked by the services against the actor's grants.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from tortoise.expressions import Q, Subquery

from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy
from resolvers.ids import node_uuid
from resolvers.pagination import Page, PageArgs, paginate

UNIT_ORDER = ("sort_order", "name", "id")
USER_ORDER = ("display_name", "id")
NOWHERE = uuid.UUID(int=0)
"""An id no row has: filters on a malformed or foreign id match nothing."""


class OrgUnitById(ById[OrgUnit]):
    model = OrgUnit


class UserById(ById[User]):
    model = User


class RoleById(ById[Role]):
    model = Role


class ChildrenByOrgUnit(GroupedBy[OrgUnit]):
    model, key, order = OrgUnit, "parent_id", UNIT_ORDER
    where: ClassVar[dict[str, Any]] = {"archived_at": None}


class MembershipsByUser(GroupedBy[Membership]):
    model, key, order, related = Membership, "user_id", ("created_at",), ("org_unit",)


class RoleAssignmentsByUser(GroupedBy[RoleAssignment]):
    model, key, order, related = RoleAssignment, "user_id", ("created_at",), ("role",)


async def org_units(
    ctx: Context,
    *,
    parent_id: Any,
    roots_only: bool,
    under: Any,
    search: str | None,
    include_archived: bool = False,
    page: PageArgs,
) -> Page[OrgUnit]:
    scope = ctx.tenant_scope
    query = (
        scope.query(OrgUnit) if include_archived else scope.query(OrgUnit).filter(archived_at=None)
    )
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
    loaded = await OrgUnitById(ctx).load_many(ids)
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
