"""Portal sign-in types: access rules (门户访问授权), SCIM tokens for directory sync, sign-in
events and access statistics (门户访问统计)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from models import sso as m
from resolvers import sso as r
from schema.nodes import LoadedNode
from schema.types import describe_values

strawberry.enum(m.AccessSubject, name="AccessSubject", description="Who an access rule names.")
describe_values(
    m.AccessSubject,
    {
        "USER": "A user.",
        "ORG_UNIT": "An org unit and everyone below it.",
        "ROLE": "Holders of a role.",
    },
)
strawberry.enum(
    m.AccessEventKind, name="AccessEventKind", description="What a sign-in event records."
)
describe_values(
    m.AccessEventKind,
    {
        "SIGN_IN": "A successful sign-in (单点登录).",
        "SIGN_IN_FAILED": "A refused sign-in.",
        "SIGN_OUT": "A sign-out, including back-channel logout.",
    },
)

SUBJECT_TYPES = {
    m.AccessSubject.USER: "User",
    m.AccessSubject.ORG_UNIT: "OrgUnit",
    m.AccessSubject.ROLE: "Role",
}
"""The node type an access rule's subject id names."""


@strawberry.type(
    name="AccessRule",
    description="Who may use Officecloud (门户访问授权): a user, an org unit (and the units "
    "below it) or a role, for some or all service components. A tenant without rules lets "
    "everyone use everything; tenant administrators are never locked out.",
)
class AccessRule(LoadedNode):
    id: relay.NodeID[str]
    subject_type: m.AccessSubject = strawberry.field(
        description="Whether it names a user, an org unit or a role."
    )
    subject_id: relay.GlobalID = strawberry.field(description="The User, OrgUnit or Role.")
    components: list[str] = strawberry.field(
        description="Service component keys (e.g. documents, exchange, stats); empty: all."
    )
    note: str = strawberry.field(description="Why the rule exists.")
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    loader = r.AccessRuleById

    @classmethod
    def from_model(cls, row: m.AccessRule) -> AccessRule:
        return cls(
            id=str(row.id),
            subject_type=row.subject_type,
            subject_id=relay.GlobalID(SUBJECT_TYPES[row.subject_type], str(row.subject_id)),
            components=list(row.components),
            note=row.note,
            version=row.version,
            created_at=row.created_at,
        )


@strawberry.type(name="ScimToken", description="A bearer token of the portal's SCIM client.")
class ScimToken(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="What the token is for, e.g. the portal's sync.")
    prefix: str = strawberry.field(description="The first characters, to tell tokens apart.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    last_used_at: datetime | None = strawberry.field(
        description="When it last authenticated a SCIM call, or null."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while valid."
    )

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
    kind: m.AccessEventKind = strawberry.field(description="Sign-in, failed sign-in or sign-out.")
    user_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the User, or null when unknown."
    )
    subject: str | None = strawberry.field(description="The portal's subject (sub claim), or null.")
    method: str = strawberry.field(description="bearer, introspection, session or backchannel.")
    reason: str | None = strawberry.field(description="Why a sign-in failed.")
    client_id: str | None = strawberry.field(
        description="The OAuth client signed in through, or null."
    )
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")

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
    component: str = strawberry.field(description="The service component's key.")
    uses: int = strawberry.field(description="Requests that touched the component.")
    users: int = strawberry.field(description="Distinct users.")


@strawberry.type(name="AccessDay", description="Access statistics of one day (UTC).")
class AccessDay:
    day: date = strawberry.field(description="The day (UTC).")
    sign_ins: int = strawberry.field(description="Successful sign-ins.")
    failed_sign_ins: int = strawberry.field(description="Failed sign-ins.")
    sign_outs: int = strawberry.field(description="Sign-outs.")
    active_users: int = strawberry.field(description="Users who signed in or used a component.")
    components: list[ComponentUse] = strawberry.field(description="Use per service component.")

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
