"""Directory types: org units (组织机构) as a tree, users, roles and role assignments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar

import strawberry
from strawberry import relay

from models import directory as m
from models.access import DataScope, Permission
from resolvers import directory as r
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.nodes import LoadedNode
from schema.types import Info, describe_values

strawberry.enum(m.UserStatus, name="UserStatus", description="Whether a user may sign in.")
describe_values(
    m.UserStatus,
    {
        "ACTIVE": "May sign in and be assigned tasks.",
        "DISABLED": ("Disabled by an administrator: may not sign in."),
        "DEPROVISIONED": (
            "Removed by the portal's directory sync (SCIM or pull): may not sign in."
        ),
    },
)
strawberry.enum(DataScope, name="DataScope", description="How far a role reaches (数据权限).")
describe_values(
    DataScope,
    {
        "SELF": "Only the holder's own records.",
        "ORG_UNIT": "The anchor org unit.",
        "ORG_UNIT_AND_BELOW": "The anchor org unit and every unit below it.",
        "TENANT": "The whole tenant.",
    },
)
strawberry.enum(
    Permission,
    name="Permission",
    description=("What a role allows; its data scope says over which org units."),
)
describe_values(
    Permission,
    {
        "PLATFORM_ADMIN": (
            "Operate the platform: tenants, applications. Only effective in the platform tenant."
        ),
        "TENANT_ADMIN": ("Administer one's own tenant (分级管理) and see its child tenants."),
        "DIRECTORY_MANAGE": (
            "Create and change org units (组织机构), users, roles and role assignments within the "
            "data scope."
        ),
        "FORMS_MANAGE": "Design and publish forms (表单).",
        "FLOWS_MANAGE": "Design, import and publish flows (流程) and install templates.",
        "DOCUMENTS_READ": (
            "Read documents of the org units in the data scope (not classified ones)."
        ),
        "DOCUMENTS_MANAGE": (
            "Document types, templates and numbers; terminate and archive any document."
        ),
        "EXCHANGE_SEND": (
            "Distribute (分发) completed outgoing documents one may read to partner tenants."
        ),
        "EXCHANGE_RECEIVE": (
            "Work the incoming box (收文箱): sign for (签收) or "
            "return (退回) what other tenants sent."
        ),
        "NOTICES_PUBLISH": (
            "Publish and revoke notices (通知公告) without approval; follow any notice's receipts."
        ),
        "PUBLICATIONS_EDIT": (
            "Edit information publications (信息刊物): assemble issues, adopt articles, publish."
        ),
        "BOOKINGS_MANAGE": (
            "Keep bookable resources (公共事务) and approve or reject their bookings."
        ),
    },
)


@strawberry.type(name="OrgUnit", description="An org unit (组织机构) in a tenant's tree.")
class OrgUnit(LoadedNode):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Display name, e.g. 办公室.")
    code: str | None = strawberry.field(description="Short code, unique in the tenant.")
    external_id: str | None = strawberry.field(
        description=("The portal directory's id for this unit (directory sync), or null.")
    )
    depth: int = strawberry.field(description="0 for a root unit.")
    sort_order: int = strawberry.field(description="Position among its siblings, ascending.")
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    archived_at: datetime | None = strawberry.field(
        description="Set when the portal deleted the unit: it left the tree (no members, no "
        "children) and is kept for the history filed under it."
    )
    parent_id: strawberry.Private[uuid.UUID | None]
    leader_id: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[m.OrgUnit]

    loader = r.OrgUnitById

    columns = (
        "name",
        "code",
        "external_id",
        "depth",
        "sort_order",
        "version",
        "created_at",
        "archived_at",
        "parent_id",
        "leader_id",
    )
    joins: ClassVar[dict[str, str]] = {"parent": "parent_id", "leader": "leader_id"}

    @classmethod
    def from_model(cls, row: m.OrgUnit) -> OrgUnit:
        return cls(
            id=str(row.id),
            **cls.copied(row),
            row=row,
        )

    @strawberry.field(description="The unit above it; null for a root.")
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
        include_descendants: Annotated[
            bool, strawberry.argument(description="Also list the members of every unit below it.")
        ] = False,
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
    username: str = strawberry.field(description="Sign-in name, unique in the tenant.")
    display_name: str = strawberry.field(description="Name shown to people, e.g. 张伟.")
    email: str | None = strawberry.field(description="E-mail address, or null.")
    phone: str | None = strawberry.field(description="Phone number, or null.")
    title: str | None = strawberry.field(description="Job title (职务), or null.")
    status: m.UserStatus = strawberry.field(description="Whether the user may sign in.")
    external_subject: str | None = strawberry.field(
        description="The subject (`sub`) of this person at the portal's OpenID Provider."
    )
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    primary_org_unit_id: strawberry.Private[uuid.UUID | None]

    loader = r.UserById

    columns = (
        "username",
        "display_name",
        "email",
        "phone",
        "title",
        "status",
        "external_subject",
        "version",
        "created_at",
        "primary_org_unit_id",
    )
    joins: ClassVar[dict[str, str]] = {"primary_org_unit": "primary_org_unit_id"}

    @classmethod
    def from_model(cls, row: m.User) -> User:
        return cls(
            id=str(row.id),
            **cls.copied(row),
        )

    @strawberry.field(description="The org unit the user is shown under (主部门).")
    async def primary_org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.primary_org_unit_id)

    @strawberry.field(description="Every org unit the user belongs to.")
    async def org_units(self, info: Info) -> list[OrgUnit]:
        rows = await r.MembershipsByUser(info.context).load(uuid.UUID(self.id))
        return [OrgUnit.from_model(row.org_unit) for row in rows]

    @strawberry.field(description="The roles the user holds, each with where it is anchored.")
    async def role_assignments(self, info: Info) -> list[RoleAssignment]:
        rows = await r.RoleAssignmentsByUser(info.context).load(uuid.UUID(self.id))
        return [RoleAssignment.from_model(row) for row in rows]


@strawberry.type(name="Role", description="A role (角色): permission codes and a data scope.")
class Role(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique in the tenant, e.g. tenant_admin.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What the role is for.")
    permissions: list[Permission] = strawberry.field(description="What holders may do.")
    data_scope: DataScope = strawberry.field(
        description="How far the permissions reach (数据权限)."
    )
    is_system: bool = strawberry.field(description="Provisioned with the tenant; not deletable.")
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )

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
    id: relay.GlobalID = strawberry.field(description="Global id of the assignment.")
    role: Role = strawberry.field(description="The role held.")
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

    @strawberry.field(description="Who holds it.")
    async def user(self, info: Info) -> User | None:
        return await User.load(info, self.user_id)

    @strawberry.field(description="The anchor unit; null means the holder's own units.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        return await OrgUnit.load(info, self.org_unit_id)
