"""The directory surface: org units (组织机构) as a tree, users, roles and role assignments."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from models import directory as m
from models.access import DataScope, Permission
from resolvers import directory as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection, load_nodes
from schema.errors import UserError, user_errors
from schema.types import Info

UserStatusEnum = strawberry.enum(m.UserStatus, name="UserStatus")
DataScopeEnum = strawberry.enum(
    DataScope, name="DataScope", description="How far a role reaches (数据权限)."
)
PermissionEnum = strawberry.enum(Permission, name="Permission")


@strawberry.type(name="OrgUnit", description="An org unit (组织机构) in a tenant's tree.")
class OrgUnit(relay.Node):
    id: relay.NodeID[str]
    name: str
    code: str | None
    external_id: str | None
    depth: int = strawberry.field(description="0 for a root unit.")
    sort_order: int
    version: int
    created_at: datetime
    parent_id: strawberry.Private[uuid.UUID | None]
    leader_id: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[m.OrgUnit]

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
            parent_id=row.parent_id,
            leader_id=row.leader_id,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrgUnit | None]:
        return await load_nodes(info.context.loaders.org_unit, node_ids, cls.from_model)

    @strawberry.field
    async def parent(self, info: Info) -> OrgUnit | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.parent_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="Direct children, in display order.")
    async def children(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.org_unit_children.load(uuid.UUID(self.id))
        return [OrgUnit.from_model(row) for row in rows]

    @strawberry.field(description="From the root unit down to the parent.")
    async def ancestors(self, info: Info) -> list[OrgUnit]:
        return [OrgUnit.from_model(row) for row in await r.ancestors(info.context, self.row)]

    @strawberry.field(description="The unit's leader (负责人), used by assignee rules.")
    async def leader(self, info: Info) -> User | None:
        if self.leader_id is None:
            return None
        row = await info.context.loaders.user.load(self.leader_id)
        return User.from_model(row) if row else None

    @strawberry.field(description="Members of this unit (and, optionally, of the units below).")
    async def members(
        self,
        info: Info,
        include_descendants: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
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
class User(relay.Node):
    id: relay.NodeID[str]
    username: str
    display_name: str
    email: str | None
    phone: str | None
    title: str | None
    status: UserStatusEnum  # type: ignore[valid-type]
    external_subject: str | None = strawberry.field(
        description="The subject (`sub`) of this person at the portal's OpenID Provider."
    )
    version: int
    created_at: datetime
    primary_org_unit_id: strawberry.Private[uuid.UUID | None]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[User | None]:
        return await load_nodes(info.context.loaders.user, node_ids, cls.from_model)

    @strawberry.field
    async def primary_org_unit(self, info: Info) -> OrgUnit | None:
        if self.primary_org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.primary_org_unit_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="Every org unit the user belongs to.")
    async def org_units(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.memberships.load(uuid.UUID(self.id))
        return [OrgUnit.from_model(row.org_unit) for row in rows]

    @strawberry.field
    async def role_assignments(self, info: Info) -> list[RoleAssignment]:
        rows = await info.context.loaders.role_assignments.load(uuid.UUID(self.id))
        return [RoleAssignment.from_model(row) for row in rows]


@strawberry.type(name="Role", description="A role (角色): permission codes and a data scope.")
class Role(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    description: str
    permissions: list[PermissionEnum]  # type: ignore[valid-type]
    data_scope: DataScopeEnum  # type: ignore[valid-type]
    is_system: bool = strawberry.field(description="Provisioned with the tenant; not deletable.")
    version: int

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Role | None]:
        return await load_nodes(info.context.loaders.role, node_ids, cls.from_model)


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
        row = await info.context.loaders.user.load(self.user_id)
        return User.from_model(row) if row else None

    @strawberry.field(description="The anchor unit; null means the holder's own units.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.org_unit_id)
        return OrgUnit.from_model(row) if row else None


# Queries ---------------------------------------------------------------------------------------


@strawberry.input
class OrgUnitFilter:
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only the direct children of this unit."
    )
    roots_only: bool = False
    under: relay.GlobalID | None = strawberry.field(
        default=None, description="This unit and everything below it."
    )
    search: str | None = None


@strawberry.input
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Name, username or email.")
    org_unit_id: relay.GlobalID | None = None
    include_descendants: bool = False
    status: UserStatusEnum | None = None  # type: ignore[valid-type]
    role_id: relay.GlobalID | None = None


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="Org units of the viewer's tenant; roots first by default.")
    async def org_units(
        self,
        info: Info,
        filter: OrgUnitFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OrgUnit]:
        f = filter or OrgUnitFilter()
        page = await r.org_units(
            info.context,
            parent_id=f.parent_id,
            roots_only=f.roots_only,
            under=f.under,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, OrgUnit.from_model)

    @strawberry.field(description="Users of the viewer's tenant (the address book).")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        f = filter or UserFilter()
        page = await r.users(
            info.context,
            search=f.search,
            org_unit_id=f.org_unit_id,
            include_descendants=f.include_descendants,
            status=f.status,
            role_id=f.role_id,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, User.from_model)

    @strawberry.field(description="Roles of the viewer's tenant.")
    async def roles(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Role]:
        page = await r.roles(info.context, search=search, page=PageArgs(first, after, last, before))
        return Connection.of(page, Role.from_model)


# Mutations -------------------------------------------------------------------------------------


@strawberry.input
class CreateOrgUnitInput:
    name: str
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Null creates a root unit."
    )
    code: str | None = None
    external_id: str | None = None
    leader_id: relay.GlobalID | None = None
    sort_order: int = 0


@strawberry.input
class UpdateOrgUnitInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    code: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    leader_id: relay.GlobalID | None = strawberry.UNSET
    sort_order: int | None = strawberry.UNSET
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the unit is still this version."
    )


@strawberry.input
class MoveOrgUnitInput:
    id: relay.GlobalID
    new_parent_id: relay.GlobalID | None = strawberry.field(
        description="Null makes it a root unit."
    )
    expected_version: int | None = None


@strawberry.input
class DeleteOrgUnitInput:
    id: relay.GlobalID


@strawberry.input
class DeleteUserInput:
    id: relay.GlobalID


@strawberry.input
class DeleteRoleInput:
    id: relay.GlobalID


@strawberry.input
class UnassignRoleInput:
    id: relay.GlobalID = strawberry.field(description="The role assignment to remove.")


@strawberry.input
class CreateUserInput:
    username: str
    display_name: str
    org_unit_ids: list[relay.GlobalID]
    primary_org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of orgUnitIds; the first one by default."
    )
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    external_subject: str | None = None


@strawberry.input
class UpdateUserInput:
    id: relay.GlobalID
    display_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    status: UserStatusEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    external_subject: str | None = strawberry.UNSET
    org_unit_ids: list[relay.GlobalID] | None = strawberry.UNSET
    primary_org_unit_id: relay.GlobalID | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input
class CreateRoleInput:
    code: str
    name: str
    description: str = ""
    permissions: list[PermissionEnum]  # type: ignore[valid-type]
    data_scope: DataScopeEnum  # type: ignore[valid-type]


@strawberry.input
class UpdateRoleInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    permissions: list[PermissionEnum] | None = strawberry.UNSET  # type: ignore[valid-type]
    data_scope: DataScopeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    expected_version: int | None = None


@strawberry.input
class AssignRoleInput:
    user_id: relay.GlobalID
    role_id: relay.GlobalID
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Anchor for unit-scoped roles; default: the user's own units."
    )


@strawberry.type
class OrgUnitPayload:
    org_unit: OrgUnit | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[m.OrgUnit | None, tuple[Problem, ...]]) -> OrgUnitPayload:
        row, problems = result
        return cls(org_unit=OrgUnit.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class UserPayload:
    user: User | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[m.User | None, tuple[Problem, ...]]) -> UserPayload:
        row, problems = result
        return cls(user=User.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class RolePayload:
    role: Role | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[m.Role | None, tuple[Problem, ...]]) -> RolePayload:
        row, problems = result
        return cls(role=Role.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class RoleAssignmentPayload:
    role_assignment: RoleAssignment | None
    errors: list[UserError]

    @classmethod
    async def of(
        cls, result: tuple[m.RoleAssignment | None, tuple[Problem, ...]]
    ) -> RoleAssignmentPayload:
        row, problems = result
        if row:
            await row.fetch_related("role")
        return cls(
            role_assignment=RoleAssignment.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DeletePayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]

    @classmethod
    def of(
        cls, type_name: str, result: tuple[uuid.UUID | None, tuple[Problem, ...]]
    ) -> DeletePayload:
        key, problems = result
        return cls(
            deleted_id=relay.GlobalID(type_name, str(key)) if key else None,
            errors=user_errors(problems),
        )


@strawberry.type
class DirectoryMutation:
    @strawberry.mutation(description="Create an org unit (root, or under a parent).")
    async def create_org_unit(self, info: Info, input: CreateOrgUnitInput) -> OrgUnitPayload:
        return OrgUnitPayload.of(await r.create_org_unit(info.context, input))

    @strawberry.mutation(description="Change an org unit's name, code, leader or order.")
    async def update_org_unit(self, info: Info, input: UpdateOrgUnitInput) -> OrgUnitPayload:
        return OrgUnitPayload.of(await r.update_org_unit(info.context, input))

    @strawberry.mutation(description="Move an org unit with its whole subtree under a new parent.")
    async def move_org_unit(self, info: Info, input: MoveOrgUnitInput) -> OrgUnitPayload:
        return OrgUnitPayload.of(await r.move_org_unit(info.context, input))

    @strawberry.mutation(description="Delete an empty org unit (no children, members or roles).")
    async def delete_org_unit(self, info: Info, input: DeleteOrgUnitInput) -> DeletePayload:
        return DeletePayload.of("OrgUnit", await r.delete_org_unit(info.context, input))

    @strawberry.mutation
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        return UserPayload.of(await r.create_user(info.context, input))

    @strawberry.mutation(description="Change a user; status DISABLED stops their sign-in.")
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        return UserPayload.of(await r.update_user(info.context, input))

    @strawberry.mutation(description="Delete a user who has no history; otherwise disable them.")
    async def delete_user(self, info: Info, input: DeleteUserInput) -> DeletePayload:
        return DeletePayload.of("User", await r.delete_user(info.context, input))

    @strawberry.mutation
    async def create_role(self, info: Info, input: CreateRoleInput) -> RolePayload:
        return RolePayload.of(await r.create_role(info.context, input))

    @strawberry.mutation
    async def update_role(self, info: Info, input: UpdateRoleInput) -> RolePayload:
        return RolePayload.of(await r.update_role(info.context, input))

    @strawberry.mutation(description="Delete a custom role nobody holds.")
    async def delete_role(self, info: Info, input: DeleteRoleInput) -> DeletePayload:
        return DeletePayload.of("Role", await r.delete_role(info.context, input))

    @strawberry.mutation
    async def assign_role(self, info: Info, input: AssignRoleInput) -> RoleAssignmentPayload:
        return await RoleAssignmentPayload.of(await r.assign_role(info.context, input))

    @strawberry.mutation
    async def unassign_role(self, info: Info, input: UnassignRoleInput) -> RoleAssignmentPayload:
        return await RoleAssignmentPayload.of(await r.unassign_role(info.context, input))
