"""registerPortalComponent: a component from its manifest, or a new version of it."""

from __future__ import annotations

import strawberry
from graphql import GraphQLSchema
from strawberry.scalars import JSON

from models import portal_components as m
from schema.errors import user_errors
from schema.mutations import Command, Input, command, perform
from schema.portal.payloads import PortalComponentPayload
from schema.portal.types import PortalComponent, PortalComponentVersion
from schema.types import Info
from services import portal as s


@strawberry.input(
    description=("A service component (服务组件) or a new version of one, from its manifest.")
)
class RegisterPortalComponentInput:
    manifest: JSON = strawberry.field(
        description="The component manifest (see portalComponentManifestSchema)."
    )
    standard: bool = strawberry.field(
        default=False,
        description="Add it to the platform's standard set (platform admins); otherwise it "
        "belongs to the viewer's tenant only.",
    )

    def to_command(self, schema: GraphQLSchema) -> Command[m.PortalComponentVersion]:
        return command(
            s.register_component,
            manifest=self.manifest,
            standard=self.standard,
            operation_schema=schema,
        )


@strawberry.mutation(
    description="Register a service component from its manifest, or a new version of it. "
    "The operation is validated against this API's schema."
)
async def register_portal_component(
    info: Info, input: Input[RegisterPortalComponentInput]
) -> PortalComponentPayload:
    row, problems = await perform(info, input.to_command(info._raw_info.schema))
    if row is None:
        return PortalComponentPayload(
            component=None, component_version=None, errors=user_errors(problems)
        )
    return PortalComponentPayload(
        component=await PortalComponent.load(info, row.component_id),
        component_version=PortalComponentVersion.from_model(row),
        errors=[],
    )
