"""createRole: permission codes and a data scope."""

from __future__ import annotations

from typing import cast

import strawberry

from models import directory as m
from models.access import DataScope, Permission
from schema.directory.payloads import RolePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services import directory as s


@strawberry.input(description="A new role.")
class CreateRoleInput:
    code: str = strawberry.field(description="Short code, unique in the tenant.")
    name: str = strawberry.field(description="Display name; 1 to 100 characters.")
    description: str = strawberry.field(default="", description="What the role is for.")
    permissions: list[Permission] = strawberry.field(description="What holders may do.")
    data_scope: DataScope = strawberry.field(description="How far the permissions reach.")

    def to_command(self) -> Command[m.Role]:
        return command(
            s.create_role,
            code=self.code,
            name=self.name,
            description=self.description,
            permissions=cast(list[str], self.permissions),
            data_scope=self.data_scope,
        )


@strawberry.mutation(
    description=("Create a role with permissions and a data scope (tenant admin).")
)
async def create_role(info: Info, input: Input[CreateRoleInput]) -> RolePayload:
    return RolePayload.of(await perform(info, input.to_command()))
