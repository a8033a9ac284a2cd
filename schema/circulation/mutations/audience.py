"""Whom a circulation goes to, as every circulation input spells it."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.ids import node_uuids
from services.circulation import Audience


@strawberry.input(description="People to circulate to: users, org units' members, role holders.")
class AudienceInput:
    user_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Users of your tenant."
    )
    org_unit_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Org units: their active members."
    )
    role_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Roles: their active holders."
    )

    def audience(self) -> Audience:
        return Audience(
            user_ids=node_uuids(self.user_ids, "User"),
            org_unit_ids=node_uuids(self.org_unit_ids, "OrgUnit"),
            role_ids=node_uuids(self.role_ids, "Role"),
        )
