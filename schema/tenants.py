"""Tenants (租户): registration (在线注册), review, and hierarchical administration (分级管理)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import tenants as m
from models.directory import User as UserRow
from resolvers import tenants as r
from resolvers.ids import keep, node_key, node_uuid
from resolvers.pagination import PageArgs
from schema.connection import After, Before, Connection, First, Last
from schema.directory.types import User
from schema.errors import UserError, user_errors
from schema.mutations import Command, Input, Outcome, command, perform
from schema.nodes import LoadedNode
from schema.types import Info, describe_values
from services import tenants as s

strawberry.enum(m.TenantStatus, name="TenantStatus", description="Whether a tenant may be used.")
describe_values(
    m.TenantStatus,
    {
        "PENDING": "Applied for, awaiting review; nobody signs in yet.",
        "ACTIVE": "In use.",
        "SUSPENDED": "Suspended by the platform: its users are refused (403).",
    },
)
strawberry.enum(
    m.TenantKind, name="TenantKind", description="The platform tenant, or a department (部门)."
)
describe_values(
    m.TenantKind,
    {
        "PLATFORM": "The platform operator's tenant.",
        "DEPARTMENT": "A department (单位) using the platform.",
    },
)
strawberry.enum(
    m.ApplicationStatus, name="ApplicationStatus", description="Where an application stands."
)
describe_values(
    m.ApplicationStatus,
    {
        "PENDING": "Waiting for review.",
        "APPROVED": "Approved: the tenant or service is active.",
        "REJECTED": "Rejected, with a reason.",
    },
)


@strawberry.type(name="Tenant", description="A department (租户 / 部门 / 单位); tenants nest.")
class Tenant(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique on the platform, e.g. jxw.")
    name: str = strawberry.field(description="Display name, e.g. 市经济和信息化局.")
    kind: m.TenantKind = strawberry.field(description="The platform itself, or a department.")
    status: m.TenantStatus = strawberry.field(description="Whether the tenant may be used.")
    settings: JSON = strawberry.field(
        description="The tenant's settings (JSON object), e.g. its time zone."
    )
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    parent_id: strawberry.Private[uuid.UUID | None]
    loader = r.VisibleTenantById

    @classmethod
    def from_model(cls, row: m.Tenant) -> Tenant:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            kind=row.kind,
            status=row.status,
            settings=cast(JSON, row.settings),
            version=row.version,
            created_at=row.created_at,
            parent_id=row.parent_id,
        )

    @strawberry.field(description="The parent tenant, when the viewer may see it.")
    async def parent(self, info: Info) -> Tenant | None:
        return await Tenant.load(info, self.parent_id)


@strawberry.type(name="TenantApplication", description="An online registration (在线注册).")
class TenantApplication(LoadedNode):
    id: relay.NodeID[str]
    code: str = strawberry.field(
        description="The tenant code applied for (reserved while pending)."
    )
    name: str = strawberry.field(description="The department's name.")
    status: m.ApplicationStatus = strawberry.field(description="Pending, approved or rejected.")
    applicant_name: str = strawberry.field(description="Who applied.")
    applicant_email: str = strawberry.field(description="The applicant's e-mail address.")
    applicant_phone: str | None = strawberry.field(
        description="The applicant's phone number, or null."
    )
    admin_username: str = strawberry.field(
        description="Username of the first administrator created at approval."
    )
    details: JSON = strawberry.field(description="Anything else the applicant wrote.")
    reason: str | None = strawberry.field(description="The reviewer's reason, or null.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    decided_at: datetime | None = strawberry.field(
        description="When it was approved or rejected; null while pending."
    )
    tenant_id: strawberry.Private[uuid.UUID | None]
    loader = r.ApplicationById

    @classmethod
    def from_model(cls, row: m.TenantApplication) -> TenantApplication:
        return cls(
            id=str(row.id),
            code=row.code,
            name=row.name,
            status=row.status,
            applicant_name=row.applicant_name,
            applicant_email=row.applicant_email,
            applicant_phone=row.applicant_phone,
            admin_username=row.admin_username,
            details=cast(JSON, row.details),
            reason=row.reason,
            created_at=row.created_at,
            decided_at=row.decided_at,
            tenant_id=row.tenant_id,
        )

    @strawberry.field(description="The tenant reserved or created for this application.")
    async def tenant(self, info: Info) -> Tenant | None:
        return await Tenant.load(info, self.tenant_id)


@strawberry.input(description="Which tenants to list.")
class TenantFilter:
    status: m.TenantStatus | None = strawberry.field(
        default=None, description="Only tenants in this status."
    )
    search: str | None = strawberry.field(default=None, description="Code or name.")


@strawberry.type
class TenantQuery:
    @strawberry.field(
        description="Tenants the viewer may see: all for platform admins, its own and those "
        "below it for a tenant admin, its own for everyone else."
    )
    async def tenants(
        self,
        info: Info,
        filter: Annotated[
            TenantFilter | None,
            strawberry.argument(description="Narrow by status; omit for every tenant you may see."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Tenant]:
        f = filter or TenantFilter()
        page = await r.tenant_list(
            info.context,
            status=f.status,
            search=f.search,
            page=PageArgs(first, after, last, before),
        )
        return Connection.of(page, Tenant.from_model)

    @strawberry.field(description="Registrations to review (platform admins).")
    async def tenant_applications(
        self,
        info: Info,
        status: Annotated[
            m.ApplicationStatus | None,
            strawberry.argument(description="Only applications in this status; omit for all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TenantApplication]:
        page = await r.applications(
            info.context, status=status, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, TenantApplication.from_model)

    @strawberry.field(
        description="An application's status, for its applicant: pass the `statusSecret` that "
        "applyForTenant returned. Null for any other value."
    )
    async def tenant_application_status(
        self,
        secret: Annotated[
            str,
            strawberry.argument(
                description="The secret `applyForTenant` returned to the applicant."
            ),
        ],
    ) -> TenantApplicationStatus | None:
        row = await r.application_status(secret)
        if row is None:
            return None
        return TenantApplicationStatus(
            status=row.status, reason=row.reason, decided_at=row.decided_at
        )


@strawberry.input(description="A department's application for a tenant (租户申请).")
class ApplyForTenantInput:
    code: str = strawberry.field(description="Short unique code, e.g. 'bj-jxw'.")
    name: str = strawberry.field(description="The department's name; 1 to 200 characters.")
    applicant_name: str = strawberry.field(description="Who applies; 1 to 100 characters.")
    applicant_email: str = strawberry.field(description="The applicant's e-mail address.")
    admin_username: str = strawberry.field(description="Username of the first administrator.")
    parent_code: str | None = strawberry.field(
        default=None, description="Code of the parent tenant (city → district → street)."
    )
    applicant_phone: str | None = strawberry.field(
        default=None, description="The applicant's phone number, optional."
    )
    details: JSON | None = strawberry.field(
        default=None, description="Anything the reviewer should know."
    )

    def to_command(self) -> Command[tuple[m.TenantApplication, str]]:
        return command(
            s.apply_for_tenant,
            code=self.code,
            name=self.name,
            parent_code=self.parent_code,
            applicant_name=self.applicant_name,
            applicant_email=self.applicant_email,
            applicant_phone=self.applicant_phone,
            admin_username=self.admin_username,
            details=cast(dict[str, Any] | None, self.details),  # the service checks it
        )


@strawberry.input(description="A decision on a tenant application (platform admin).")
class ReviewTenantApplicationInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the TenantApplication.")
    approve: bool = strawberry.field(
        description="True approves (the tenant is activated), false rejects."
    )
    reason: str | None = strawberry.field(default=None, description="Required to reject.")

    def to_command(self) -> Command[tuple[m.TenantApplication, m.Tenant | None]]:
        return command(
            s.review_application,
            application_id=node_key(self.id, "TenantApplication"),
            approve=self.approve,
            reason=self.reason,
        )


@strawberry.input(description="A new active tenant (platform admin).")
class CreateTenantInput:
    code: str = strawberry.field(description=("Short code, unique on the platform."))
    name: str = strawberry.field(description="Display name; 1 to 200 characters.")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of the parent Tenant, or null for a top-level one."
    )
    admin_username: str = strawberry.field(
        default="admin", description="Username of its first administrator (default admin)."
    )
    admin_name: str | None = strawberry.field(
        default=None, description="Display name of the administrator."
    )
    admin_email: str | None = strawberry.field(
        default=None, description="E-mail address of the administrator."
    )

    def to_command(self) -> Command[tuple[m.Tenant, UserRow]]:
        return command(
            s.create_tenant,
            code=self.code,
            name=self.name,
            parent_id=node_uuid(self.parent_id, "Tenant"),
            admin_username=self.admin_username,
            admin_name=self.admin_name,
            admin_email=self.admin_email,
        )


@strawberry.input(description="Changes to a tenant; omitted fields stay as they are.")
class UpdateTenantInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Tenant.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New settings (JSON object), replacing the old."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.update_tenant,
            tenant_id=node_key(self.id, "Tenant"),
            name=keep(self.name),
            settings=keep(self.settings),
            expected_version=self.expected_version,
        )


@strawberry.input(description="Activate or suspend a tenant (platform admin).")
class SetTenantStatusInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Tenant.")
    status: m.TenantStatus = strawberry.field(description="ACTIVE or SUSPENDED.")

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.set_tenant_status, tenant_id=node_key(self.id, "Tenant"), status=self.status
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TenantApplicationPayload:
    application: TenantApplication | None = strawberry.field(description="The application.")
    tenant: Tenant | None = strawberry.field(default=None, description="The tenant, once approved.")
    status_secret: str | None = strawberry.field(
        default=None,
        description="Given once, by applyForTenant: keep it to ask tenantApplicationStatus.",
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def applied(cls, outcome: Outcome[tuple[m.TenantApplication, str]]) -> TenantApplicationPayload:
        pair, problems = outcome
        row, secret = pair if pair else (None, None)
        return cls(
            application=TenantApplication.from_model(row) if row else None,
            status_secret=secret,
            errors=user_errors(problems),
        )

    @classmethod
    def reviewed(
        cls, outcome: Outcome[tuple[m.TenantApplication, m.Tenant | None]]
    ) -> TenantApplicationPayload:
        pair, problems = outcome
        row, tenant = pair if pair else (None, None)
        return cls(
            application=TenantApplication.from_model(row) if row else None,
            tenant=Tenant.from_model(tenant) if tenant else None,
            errors=user_errors(problems),
        )


@strawberry.type(description="What an applicant learns about its application, and no more.")
class TenantApplicationStatus:
    status: m.ApplicationStatus = strawberry.field(description="Pending, approved or rejected.")
    reason: str | None = strawberry.field(description="The reviewer's note on the decision.")
    decided_at: datetime | None = strawberry.field(
        description="When it was reviewed; null while pending."
    )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TenantPayload:
    tenant: Tenant | None = strawberry.field(description="The tenant as changed.")
    administrator: User | None = strawberry.field(
        default=None, description="The first administrator, when the tenant was just created."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.Tenant]) -> TenantPayload:
        row, problems = outcome
        return cls(tenant=Tenant.from_model(row) if row else None, errors=user_errors(problems))

    @classmethod
    def created(cls, outcome: Outcome[tuple[m.Tenant, UserRow]]) -> TenantPayload:
        pair, problems = outcome
        tenant, admin = pair if pair else (None, None)
        return cls(
            tenant=Tenant.from_model(tenant) if tenant else None,
            administrator=User.from_model(admin) if admin else None,
            errors=user_errors(problems),
        )


@strawberry.type
class TenantMutation:
    @strawberry.mutation(
        description="Apply for a new tenant (self-service registration), anonymous or signed in."
    )
    async def apply_for_tenant(
        self, info: Info, input: Input[ApplyForTenantInput]
    ) -> TenantApplicationPayload:
        limited = await r.rate_limited(info.context)
        if limited is not None:
            return TenantApplicationPayload.applied(Outcome(None, (limited,)))
        return TenantApplicationPayload.applied(await perform(info, input.to_command()))

    @strawberry.mutation(
        description="Approve (the tenant becomes active, with default roles and an "
        "administrator) or reject with a reason. Platform admins only."
    )
    async def review_tenant_application(
        self, info: Info, input: Input[ReviewTenantApplicationInput]
    ) -> TenantApplicationPayload:
        return TenantApplicationPayload.reviewed(await perform(info, input.to_command()))

    @strawberry.mutation(description="Create an active tenant directly. Platform admins only.")
    async def create_tenant(self, info: Info, input: Input[CreateTenantInput]) -> TenantPayload:
        return TenantPayload.created(await perform(info, input.to_command()))

    @strawberry.mutation(description="Rename a tenant or change its settings.")
    async def update_tenant(self, info: Info, input: Input[UpdateTenantInput]) -> TenantPayload:
        return TenantPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(description="Suspend or reactivate a tenant. Platform admins only.")
    async def set_tenant_status(
        self, info: Info, input: Input[SetTenantStatusInput]
    ) -> TenantPayload:
        return TenantPayload.of(await perform(info, input.to_command()))


__all__ = ["Tenant", "TenantApplication", "TenantMutation", "TenantQuery"]
