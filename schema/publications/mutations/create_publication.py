"""createPublication: a publication (信息刊物) and its readers."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import publications as m
from resolvers.ids import node_uuid, node_uuids
from schema.mutations import Command, Input, command, perform
from schema.publications.payloads import PublicationPayload
from schema.types import Info
from services import publications


@strawberry.input(description="A new publication.")
class CreatePublicationInput:
    title: str = strawberry.field(description="e.g. 政务信息; at most 200, unique in the tenant.")
    kind: str = strawberry.field(
        default="journal", description="journal, bulletin (简报), briefing or newsletter."
    )
    description: str = strawberry.field(default="", description="At most 2000 characters.")
    approval_document_type_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Issues are signed off through a document of this type (its flow); "
        "without it they are published at once.",
    )
    to_everyone: bool = strawberry.field(default=True, description="Read by the whole tenant.")
    org_unit_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Else read by these units and those below them."
    )
    role_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="And by the holders of these roles."
    )
    subscriber_tenant_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Other tenants that receive a copy of every issue."
    )

    def to_command(self) -> Command[m.Publication]:
        return command(
            publications.create_publication,
            title=self.title,
            kind=self.kind,
            description=self.description,
            approval_document_type_id=node_uuid(self.approval_document_type_id, "DocumentType"),
            to_everyone=self.to_everyone,
            org_unit_ids=node_uuids(self.org_unit_ids, "OrgUnit"),
            role_ids=node_uuids(self.role_ids, "Role"),
            subscriber_tenant_ids=node_uuids(self.subscriber_tenant_ids, "Tenant"),
        )


@strawberry.mutation(description="Set up a publication (信息刊物); needs publications.edit.")
async def create_publication(
    info: Info, input: Input[CreatePublicationInput]
) -> PublicationPayload:
    return PublicationPayload.of(await perform(info, input.to_command()))
