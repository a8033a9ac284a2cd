"""Directory types: org units (组织机构) as a tree, users, roles and role assignments."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay

from models import directory as m
from models.access import DataScope, Permission
from resolvers import directory as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.nodes import LoadedNode
from schema.types import Info

strawberry.enum(m.UserStatus, name="UserStatus")
strawberry.enum(DataScope, name="DataScope", description="How far a role reaches (数据权限).")
strawberry.enum(Permission, name="Permission")


@strawberry.type(name="OrgUnit", description="An org unit (组织机构) in a tenant's tree.")
class OrgUnit(LoadedNode):
    id: relay.NodeID[str]
    name: str
    code: str | None
    external_id: str | None
    depth: int = strawberry.field(description="0 for a root unit.")
    sort_order: int
    version: int
    created_at: datetime
    archived_at: datetime | None = strawberry.field(
        description="Set when the portal deleted the unit: it left the tree (no members, no "
        "children) and is kept for the history filed under it."
    )
    parent_id: strawberry.Private[uuid.UUID | None]
    leader_id: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[m.OrgUnit]

    loader = r.OrgUnitById

    @classmethod
    def from_model(cls, row: m.OrgUnit) -> OrgUnit:
        return cls(
            id=str(row.id),
            name=row.name,
            code=row.code,
            external_id=row.external_id,
            depth=row.depth,
            sort_order=row.sort_order,
            version=row.version,
            created_at=row.created_at,
            archived_at=row.archived_at,
            parent_id=row.parent_id,
            leader_id=row.leader_id,
            row=row,
        )

    @strawberry.field
    async def parent(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.parent_id)

    @strawberry.field(description="Direct children, in display order.")
    async def children(self, info: Info) -> list[OrgUnit]:
        rows = await r.ChildrenByOrgUnit(info.context).load(uuid.UUID(self.id))
        return [OrgUnit.from_model(row) for row in rows]

    @strawberry.field(description="From the root unit down to the parent.")
    async def ancestors(self, info: Info) -> list[OrgUnit]:
        return [OrgUnit.from_model(row) for row in await r.ancestors(info.context, self.row)]

    @strawberry.field(description="The unit's leader (负责人), used by assignee rules.")
    async def leader(self, info: Info) -> User | None:
        return await User.load(info, self.leader_id)

    @strawberry.field(description="Members of this unit (and, optionally, of the units below).")
    async def members(
        self,
        info: Info,
        include_descendants: bool = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        page = await r.users(
            info.context,
            search=None,
            org_unit_id=relay.GlobalID("OrgUnit", self.id),
            include_descendants=include_descendants,
            status=None,
            role_id=None,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, User.from_model)


@strawberry.type(name="User", description="A person in a tenant's directory (用户).")
class User(LoadedNode):
    id: relay.NodeID[str]
    username: str
    display_name: str
    email: str | None
    phone: str | None
    title: str | None
    status: m.UserStatus
    external_subject: str | None = strawberry.field(
        description="The subject (`sub`) of this person at the portal's OpenID Provider."
    )
    version: int
    created_at: datetime
    primary_org_unit_id: strawberry.Private[uuid.UUID | None]

    loader = r.UserById

    @classmethod
    def from_model(cls, row: m.User) -> User:
        return cls(
            id=str(row.id),
            username=row.username,
            display_name=row.display_name,
            email=row.email,
            phone=row.phone,
            title=row.title,
            status=row.status,
            external_subject=row.external_subject,
            version=row.version,
            created_at=row.created_at,
            primary_org_unit_id=row.primary_org_unit_id,
        )

    @strawberry.field
    async def primary_org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.primary_org_unit_id)

    @strawberry.field(description="Every org unit the user belongs to.")
    async def org_units(self, info: Info) -> list[OrgUnit]:
        rows = await r.MembershipsByUser(info.context).load(uuid.UUID(self.id))
        return [OrgUnit.from_model(row.org_unit) for row in rows]

    @strawberry.field
    async def role_assignments(self, info: Info) -> list[RoleAssignment]:
        rows = await r.RoleAssignmentsByUser(info.context).load(uuid.UUID(self.id))
        return [RoleAssignment.from_model(row) for row in rows]


@strawberry.type(name="Role", description="A role (角色): permission codes and a data scope.")
class Role(LoadedNode):
    id: relay.NodeID[str]
    code: str
    name: str
    description: str
    permissions: list[Permission]
    data_scope: DataScope
    is_system: bool = strawberry.field(description="Provisioned with the tenant; not deletable.")
    version: int

    loader = r.RoleById

    @classmethod
    def from_model(cls, row: m.Role) -> Role:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            description=row.description,
            permissions=[Permission(p) for p in row.permissions],
            data_scope=row.data_scope,
            is_system=row.is_system,
            version=row.version,
        )


@strawberry.type(name="RoleAssignment", description="A role held by a user, anchored at a unit.")
class RoleAssignment:
    id: relay.GlobalID
    role: Role
    user_id: strawberry.Private[uuid.UUID]
    org_unit_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, row: m.RoleAssignment) -> RoleAssignment:
        return cls(
            id=relay.GlobalID("RoleAssignment", str(row.id)),
            role=Role.from_model(row.role),
            user_id=row.user_id,
            org_unit_id=row.org_unit_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        return await User.load(info, self.user_id)

    @strawberry.field(description="The anchor unit; null means the holder's own units.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.org_unit_id)
