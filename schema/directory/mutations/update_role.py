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


@strawberry.input(description="Changes to a role; omitted fields stay as they are.")
class UpdateRoleInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Role.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description."
    )
    permissions: list[Permission] | None = strawberry.field(
        default=strawberry.UNSET, description="New permissions, replacing the old."
    )
    data_scope: DataScope | None = strawberry.field(
        default=strawberry.UNSET, description="New data scope."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the object changed since, the answer is a "
            "CONFLICT error and nothing changes; omit to skip the check."
        ),
    )

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


@strawberry.mutation(description="Change a role's name, permissions or data scope.")
async def update_role(info: Info, input: Input[UpdateRoleInput]) -> RolePayload:
    return RolePayload.of(await perform(info, input.to_command()))
