"""Tenants (租户): registration (在线注册), review, and hierarchical administration (分级管理)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

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
from schema.types import Info
from services import tenants as s

strawberry.enum(m.TenantStatus, name="TenantStatus")
strawberry.enum(m.TenantKind, name="TenantKind")
strawberry.enum(m.ApplicationStatus, name="ApplicationStatus")


@strawberry.type(name="Tenant", description="A department (租户 / 部门 / 单位); tenants nest.")
class Tenant(LoadedNode):
    id: relay.NodeID[str]
    code: str
    name: str
    kind: m.TenantKind
    status: m.TenantStatus
    settings: JSON
    version: int
    created_at: datetime
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
    code: str
    name: str
    status: m.ApplicationStatus
    applicant_name: str
    applicant_email: str
    applicant_phone: str | None
    admin_username: str
    details: JSON
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
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


@strawberry.input
class TenantFilter:
    status: m.TenantStatus | None = None
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
        filter: TenantFilter | None = None,
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
        status: m.ApplicationStatus | None = None,
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
    async def tenant_application_status(self, secret: str) -> TenantApplicationStatus | None:
        row = await r.application_status(secret)
        if row is None:
            return None
        return TenantApplicationStatus(
            status=row.status, reason=row.reason, decided_at=row.decided_at
        )


@strawberry.input
class ApplyForTenantInput:
    code: str = strawberry.field(description="Short unique code, e.g. 'bj-jxw'.")
    name: str
    applicant_name: str
    applicant_email: str
    admin_username: str = strawberry.field(description="Username of the first administrator.")
    parent_code: str | None = strawberry.field(
        default=None, description="Code of the parent tenant (city → district → street)."
    )
    applicant_phone: str | None = None
    details: JSON | None = None

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


@strawberry.input
class ReviewTenantApplicationInput:
    id: relay.GlobalID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="Required to reject.")

    def to_command(self) -> Command[tuple[m.TenantApplication, m.Tenant | None]]:
        return command(
            s.review_application,
            application_id=node_key(self.id, "TenantApplication"),
            approve=self.approve,
            reason=self.reason,
        )


@strawberry.input
class CreateTenantInput:
    code: str
    name: str
    parent_id: relay.GlobalID | None = None
    admin_username: str = "admin"
    admin_name: str | None = None
    admin_email: str | None = None

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


@strawberry.input
class UpdateTenantInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.update_tenant,
            tenant_id=node_key(self.id, "Tenant"),
            name=keep(self.name),
            settings=keep(self.settings),
            expected_version=self.expected_version,
        )


@strawberry.input
class SetTenantStatusInput:
    id: relay.GlobalID
    status: m.TenantStatus

    def to_command(self) -> Command[m.Tenant]:
        return command(
            s.set_tenant_status, tenant_id=node_key(self.id, "Tenant"), status=self.status
        )


@strawberry.type
class TenantApplicationPayload:
    application: TenantApplication | None
    tenant: Tenant | None = None
    status_secret: str | None = strawberry.field(
        default=None,
        description="Given once, by applyForTenant: keep it to ask tenantApplicationStatus.",
    )
    errors: list[UserError]

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
    status: m.ApplicationStatus
    reason: str | None = strawberry.field(description="The reviewer's note on the decision.")
    decided_at: datetime | None


@strawberry.type
class TenantPayload:
    tenant: Tenant | None
    administrator: User | None = strawberry.field(
        default=None, description="The first administrator, when the tenant was just created."
    )
    errors: list[UserError]

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
