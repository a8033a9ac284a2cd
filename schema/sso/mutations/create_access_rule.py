"""createAccessRule: allow a user, an org unit (and below) or a role."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import sso as m
from resolvers.ids import node_key
from schema.mutations import Command, Input, command, perform
from schema.sso.payloads import AccessRulePayload
from schema.sso.types import SUBJECT_TYPES
from schema.types import Info
from services import sso as s


@strawberry.input(description="A new access rule: who may use which service components.")
class CreateAccessRuleInput:
    subject_type: m.AccessSubject = strawberry.field(
        description="Whether it names a user, an org unit or a role."
    )
    subject_id: relay.GlobalID = strawberry.field(description="A User, OrgUnit or Role id.")
    components: list[str] = strawberry.field(
        default_factory=list, description="Component keys; empty grants every component."
    )
    note: str | None = strawberry.field(default=None, description="Why the rule exists.")

    def to_command(self) -> Command[m.AccessRule]:
        type_name = SUBJECT_TYPES[self.subject_type]
        return command(
            s.create_access_rule,
            subject_type=self.subject_type,
            subject_id=node_key(self.subject_id, type_name),
            components=list(self.components),
            note=self.note or "",
        )


@strawberry.mutation(description="Allow a user, an org unit (and below) or a role.")
async def create_access_rule(info: Info, input: Input[CreateAccessRuleInput]) -> AccessRulePayload:
    return AccessRulePayload.of(await perform(info, input.to_command()))
