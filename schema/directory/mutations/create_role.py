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


@strawberry.input
class CreateRoleInput:
    code: str
    name: str
    description: str = ""
    permissions: list[Permission]
    data_scope: DataScope

    def to_command(self) -> Command[m.Role]:
        return command(
            s.create_role,
            code=self.code,
            name=self.name,
            description=self.description,
            permissions=cast(list[str], self.permissions),
            data_scope=self.data_scope,
        )


@strawberry.mutation
async def create_role(info: Info, input: Input[CreateRoleInput]) -> RolePayload:
    return RolePayload.of(await perform(info, input.to_command()))
