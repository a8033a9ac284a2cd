"""deleteOrgUnit: an empty org unit."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from resolvers.ids import node_key
from schema.directory.payloads import DeletePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="Delete an empty org unit.")
class DeleteOrgUnitInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the OrgUnit.")

    def to_command(self) -> Command[uuid.UUID]:
        return command(s.delete_org_unit, id=node_key(self.id, "OrgUnit"))


@strawberry.mutation(description="Delete an empty org unit (no children, members or roles).")
async def delete_org_unit(info: Info, input: Input[DeleteOrgUnitInput]) -> DeletePayload:
    return DeletePayload.of("OrgUnit", await perform(info, input.to_command()))
