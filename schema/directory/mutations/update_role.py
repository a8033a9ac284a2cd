"""updateRole: a role's name, permissions or data scope."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import directory as m
from models.access import DataScope, Permission
from resolvers.ids import keep, node_key
from schema.directory.payloads import RolePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input
class UpdateRoleInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    permissions: list[Permission] | None = strawberry.UNSET
    data_scope: DataScope | None = strawberry.UNSET
    expected_version: int | None = None

    def to_command(self) -> Command[m.Role]:
        return command(
            s.update_role,
            id=node_key(self.id, "Role"),
            name=keep(self.name),
            description=keep(self.description),
            permissions=keep(self.permissions),
            data_scope=keep(self.data_scope),
            expected_version=self.expected_version,
        )


@strawberry.mutation
async def update_role(info: Info, input: Input[UpdateRoleInput]) -> RolePayload:
    return RolePayload.of(await perform(info, input.to_command()))
