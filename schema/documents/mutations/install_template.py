"""installTemplate: a platform template's roles, form, flow and document type."""

from __future__ import annotations

import strawberry

from models import documents as m
from models.flows import FlowDefinition
from schema.documents.payloads import DocumentTypePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.documents import types


@strawberry.input(
    description=("Install a platform flow template as a form, a flow and a document type.")
)
class InstallTemplateInput:
    key: str = strawberry.field(description="A `flowTemplates` key: dispatch or receipt.")

    def to_command(self) -> Command[tuple[m.DocumentType, FlowDefinition]]:
        return command(types.install_template, key=self.key)


@strawberry.mutation(
    description="Install a platform template: its roles, a published form and flow (once "
    "the roles have holders) and a document type with a numbering rule."
)
async def install_template(info: Info, input: Input[InstallTemplateInput]) -> DocumentTypePayload:
    return DocumentTypePayload.installed(await perform(info, input.to_command()))
