"""The portal surface (门户): access rules (门户访问授权), SCIM tokens for directory sync, and
access statistics (门户访问统计和审计); plus the check that the viewer may use the service
component (服务组件) each root field belongs to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry import relay
from strawberry.extensions import SchemaExtension

from models import sso as m
from resolvers import sso as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection
from schema.errors import UserError, user_errors
from schema.types import Info

DEFAULT_COMPONENT = "portal"
FIELD_COMPONENTS: dict[str, str] = {
    "accessStats": "stats",
    "accessEvents": "stats",
}
"""Root field -> service component key. Fields not listed belong to "portal" (the base)."""

AccessSubjectEnum = strawberry.enum(
    m.AccessSubject, name="AccessSubject", description="Who an access rule names."
)
AccessEventKindEnum = strawberry.enum(m.AccessEventKind, name="AccessEventKind")


def component_of(field_name: str) -> str:
    return FIELD_COMPONENTS.get(field_name, DEFAULT_COMPONENT)


class ComponentAccess(SchemaExtension):
    """Refuses an operation whose root fields belong to a component the viewer may not use
    (FORBIDDEN, nothing runs), and counts the use of the components it touches."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        viewer = getattr(context, "viewer", None)
        document = self.execution_context.graphql_document
        if viewer is not None and document is not None:
            fields = _root_fields(document, self.execution_context.operation_name)
            components = {component_of(name) for name in fields}
            refused = sorted(c for c in components if not viewer.access.allows(c))
            if refused:
                self.execution_context.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"You may not use the service component '{c}' of Officecloud: the "
                            "tenant's portal access rules (门户访问授权) do not grant it to you",
                            path=[next(n for n in fields if component_of(n) == c)],
                            extensions={"code": "FORBIDDEN"},
                        )
                        for c in refused
                    ],
                )
            else:
                for component in components:
                    r.count_use(viewer, component)
        yield


def _root_fields(document: Any, operation_name: str | None) -> list[str]:
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        None,
    )
    if chosen is None:
        return []
    names: list[str] = []

    def walk(selection_set: SelectionSetNode, seen: set[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    walk(fragments[name].selection_set, seen | {name})

    walk(chosen.selection_set, set())
    return names


# Types -----------------------------------------------------------------------------------------


@strawberry.type(
    name="AccessRule",
    description="Who may use Officecloud (门户访问授权): a user, an org unit (and the units "
    "below it) or a role, for some or all service components. A tenant without rules lets "
    "everyone use everything; tenant administrators are never locked out.",
)
class AccessRule(relay.Node):
    id: relay.NodeID[str]
    subject_type: AccessSubjectEnum  # type: ignore[valid-type]
    subject_id: relay.GlobalID = strawberry.field(description="The User, OrgUnit or Role.")
    components: list[str] = strawberry.field(
        description="Service component keys (e.g. documents, exchange, stats); empty: all."
    )
    note: str
    version: int
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.AccessRule) -> AccessRule:
        type_name = {"user": "User", "org_unit": "OrgUnit", "role": "Role"}[row.subject_type.value]
        return cls(
            id=str(row.id),
            subject_type=row.subject_type,
            subject_id=relay.GlobalID(type_name, str(row.subject_id)),
            components=list(row.components),
            note=row.note,
            version=row.version,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AccessRule | None]:
        rows = await r.access_rule_nodes(info.context, [_uuid(i) for i in node_ids])
        return [cls.from_model(row) if row else None for row in rows]


@strawberry.type(name="ScimToken", description="A bearer token of the portal's SCIM client.")
class ScimToken(relay.Node):
    id: relay.NodeID[str]
    name: str
    prefix: str = strawberry.field(description="The first characters, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, row: m.ScimToken) -> ScimToken:
        return cls(
            id=str(row.id),
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(name="AccessEvent", description="A sign-in, failed sign-in or sign-out.")
class AccessEvent(relay.Node):
    id: relay.NodeID[str]
    kind: AccessEventKindEnum  # type: ignore[valid-type]
    user_id: relay.GlobalID | None
    subject: str | None
    method: str = strawberry.field(description="bearer, introspection, session or backchannel.")
    reason: str | None = strawberry.field(description="Why a sign-in failed.")
    client_id: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.AccessEvent) -> AccessEvent:
        return cls(
            id=str(row.id),
            kind=row.kind,
            user_id=relay.GlobalID("User", str(row.user_id)) if row.user_id else None,
            subject=row.subject,
            method=row.method,
            reason=row.reason,
            client_id=row.client_id,
            created_at=row.created_at,
        )


@strawberry.type(name="ComponentUse", description="Use of one service component.")
class ComponentUse:
    component: str
    uses: int = strawberry.field(description="Requests that touched the component.")
    users: int = strawberry.field(description="Distinct users.")


@strawberry.type(name="AccessDay", description="Access statistics of one day (UTC).")
class AccessDay:
    day: date
    sign_ins: int
    failed_sign_ins: int
    sign_outs: int
    active_users: int = strawberry.field(description="Users who signed in or used a component.")
    components: list[ComponentUse]

    @classmethod
    def of(cls, bucket: r.AccessDay) -> AccessDay:
        return cls(
            day=bucket.day,
            sign_ins=bucket.sign_ins,
            failed_sign_ins=bucket.failed_sign_ins,
            sign_outs=bucket.sign_outs,
            active_users=bucket.active_users,
            components=[
                ComponentUse(component=c.component, uses=c.uses, users=c.users)
                for c in bucket.components
            ],
        )


def _uuid(node_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(node_id)
    except ValueError:
        return uuid.UUID(int=0)


# Queries ---------------------------------------------------------------------------------------


@strawberry.type
class SsoQuery:
    @strawberry.field(description="The tenant's portal access rules (tenant admins).")
    async def access_rules(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccessRule]:
        page = await r.access_rules(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, AccessRule.from_model)

    @strawberry.field(description="The tenant's SCIM tokens, revoked ones included (admins).")
    async def scim_tokens(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ScimToken]:
        page = await r.scim_tokens(info.context, PageArgs(first, after, last, before))
        return Connection.of(page, ScimToken.from_model)

    @strawberry.field(
        name="accessStats",
        description="Sign-ins, failed sign-ins, active users and component use per day "
        "(门户访问统计), for the viewer's tenant (tenant admins).",
    )
    async def access_stats(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> list[AccessDay]:
        return [AccessDay.of(b) for b in await r.access_stats(info.context, from_, to)]

    @strawberry.field(description="Sign-in events of the viewer's tenant (tenant admins).")
    async def access_events(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        kind: AccessEventKindEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccessEvent]:
        page = await r.access_events(
            info.context, kind=kind, start=from_, end=to, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, AccessEvent.from_model)


# Mutations -------------------------------------------------------------------------------------


@strawberry.input
class CreateAccessRuleInput:
    subject_type: AccessSubjectEnum  # type: ignore[valid-type]
    subject_id: relay.GlobalID = strawberry.field(description="A User, OrgUnit or Role id.")
    components: list[str] = strawberry.field(
        default_factory=list, description="Component keys; empty grants every component."
    )
    note: str | None = None


@strawberry.input
class UpdateAccessRuleInput:
    id: relay.GlobalID
    components: list[str] | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    expected_version: int | None = None


@strawberry.input
class DeleteAccessRuleInput:
    id: relay.GlobalID


@strawberry.input
class CreateScimTokenInput:
    name: str = strawberry.field(description="What the token is for, e.g. 'city portal'.")


@strawberry.input
class RotateScimTokenInput:
    id: relay.GlobalID


@strawberry.input
class RevokeScimTokenInput:
    id: relay.GlobalID


@strawberry.type
class AccessRulePayload:
    access_rule: AccessRule | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[m.AccessRule | None, tuple[Problem, ...]]) -> AccessRulePayload:
        row, problems = result
        return cls(
            access_rule=AccessRule.from_model(row) if row else None, errors=user_errors(problems)
        )


@strawberry.type
class DeleteAccessRulePayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]


@strawberry.type
class ScimTokenPayload:
    scim_token: ScimToken | None
    secret: str | None = strawberry.field(
        description="The bearer token itself: shown once, only its hash is stored."
    )
    errors: list[UserError]

    @classmethod
    def of(
        cls, result: tuple[tuple[m.ScimToken, str] | m.ScimToken | None, tuple[Problem, ...]]
    ) -> ScimTokenPayload:
        value, problems = result
        row, secret = value if isinstance(value, tuple) else (value, None)
        return cls(
            scim_token=ScimToken.from_model(row) if row else None,
            secret=secret,
            errors=user_errors(problems),
        )


@strawberry.type
class SsoMutation:
    @strawberry.mutation(description="Allow a user, an org unit (and below) or a role.")
    async def create_access_rule(
        self, info: Info, input: CreateAccessRuleInput
    ) -> AccessRulePayload:
        return AccessRulePayload.of(await r.create_access_rule(info.context, input))

    @strawberry.mutation(description="Change the components an access rule grants.")
    async def update_access_rule(
        self, info: Info, input: UpdateAccessRuleInput
    ) -> AccessRulePayload:
        return AccessRulePayload.of(await r.update_access_rule(info.context, input))

    @strawberry.mutation(description="Remove an access rule.")
    async def delete_access_rule(
        self, info: Info, input: DeleteAccessRuleInput
    ) -> DeleteAccessRulePayload:
        key, problems = await r.delete_access_rule(info.context, input)
        return DeleteAccessRulePayload(
            deleted_id=relay.GlobalID("AccessRule", str(key)) if key else None,
            errors=user_errors(problems),
        )

    @strawberry.mutation(description="Issue a SCIM bearer token for the portal's directory sync.")
    async def create_scim_token(self, info: Info, input: CreateScimTokenInput) -> ScimTokenPayload:
        return ScimTokenPayload.of(await r.create_scim_token(info.context, input))

    @strawberry.mutation(description="Revoke a SCIM token and issue its successor.")
    async def rotate_scim_token(self, info: Info, input: RotateScimTokenInput) -> ScimTokenPayload:
        return ScimTokenPayload.of(await r.rotate_scim_token(info.context, input))

    @strawberry.mutation(description="Revoke a SCIM token.")
    async def revoke_scim_token(self, info: Info, input: RevokeScimTokenInput) -> ScimTokenPayload:
        return ScimTokenPayload.of(await r.revoke_scim_token(info.context, input))
