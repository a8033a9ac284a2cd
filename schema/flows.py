"""Flows (流程): definitions as data, BPMN 2.0 import/export, publish-time validation, and the
platform templates (发文, 收文) a tenant installs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import flows as m
from models.forms import VersionStatus
from resolvers import flows as r
from resolvers.ids import keep, node_key
from resolvers.pagination import PageArgs
from resolvers.versions import definition_list
from schema.connection import After, Before, Connection, First, Last
from schema.errors import UserError
from schema.forms import Form, FormVersion
from schema.mutations import Command, Input, Outcome, command, perform
from schema.nodes import LoadedNode
from schema.types import Info
from schema.versions import EditDraftInput, PublishDraftInput, version_fields, versioned
from services import flows as s

Versioned = tuple[m.FlowDefinition, m.FlowVersion]


@strawberry.type(
    name="FlowVersion", description="One version of a flow; published ones never change."
)
class FlowVersion(LoadedNode):
    id: relay.NodeID[str]
    number: int = strawberry.field(description="Version number, 1 for the first published.")
    status: VersionStatus = strawberry.field(description="Draft or published.")
    definition: JSON = strawberry.field(description="Nodes and transitions (see docs/flows.md).")
    published_at: datetime | None = strawberry.field(description="When this version was published.")
    form_version_id: strawberry.Private[uuid.UUID | None]
    loader = r.FlowVersionById

    @classmethod
    def from_model(cls, row: m.FlowVersion) -> FlowVersion:
        return cls(
            id=str(row.id),
            number=row.number,
            status=row.status,
            definition=cast(JSON, row.definition),
            published_at=row.published_at,
            form_version_id=row.form_version_id,
        )

    @strawberry.field(description="The form version it was validated against when published.")
    async def form_version(self, info: Info) -> FormVersion | None:
        return await FormVersion.load(info, self.form_version_id)

    @strawberry.field(description="BPMN 2.0 XML with diagram, for bpmn-js or Camunda Modeler.")
    def bpmn_xml(self) -> str:
        return r.bpmn_xml(cast(dict[str, Any], self.definition))

    @strawberry.field(
        description="What bpmnXml keeps only in Officecloud's oc: extensions (working-time "
        "deadlines, timeout actions, separation of duties): another engine would not apply it."
    )
    def bpmn_notes(self) -> list[str]:
        return r.bpmn_notes(cast(dict[str, Any], self.definition))


@strawberry.type(name="Flow", description="A flow (流程) bound to a form, with its versions.")
class Flow(LoadedNode):
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Stable key, unique in the tenant, e.g. dispatch.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What the flow is for.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
    form_id: strawberry.Private[uuid.UUID]
    latest_published: strawberry.Private[int]
    loader = r.FlowById

    @classmethod
    def from_model(cls, row: m.FlowDefinition) -> Flow:
        return cls(
            id=str(row.id),
            key=row.key,
            name=row.name,
            description=row.description,
            created_at=row.created_at,
            form_id=row.form_id,
            latest_published=row.latest_published,
        )

    @strawberry.field(description="The form its documents fill in.")
    async def form(self, info: Info) -> Form | None:
        return await Form.load(info, self.form_id)

    versions, published_version, draft = version_fields(
        FlowVersion, r.VersionsByFlow, "The newest published version; new documents run on it."
    )


@strawberry.type(description="A platform-provided flow and form a tenant can install.")
class FlowTemplate:
    key: str = strawberry.field(
        description="The template's key, e.g. dispatch (发文) or receipt (收文)."
    )
    name: str = strawberry.field(description="Display name.")
    definition: JSON = strawberry.field(
        description="The flow definition (JSON: nodes and transitions)."
    )


@strawberry.type
class FlowQuery:
    @strawberry.field(description="Flows of the viewer's tenant.")
    async def flows(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description=("Part of the flow's key or name, case-insensitive.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Flow]:
        page = await definition_list(
            info.context, m.FlowDefinition, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Flow.from_model)

    @strawberry.field(description="Platform templates: 发文 (dispatch) and 收文 (receipt).")
    def flow_templates(self) -> list[FlowTemplate]:
        return [
            FlowTemplate(key=key, name=name, definition=cast(JSON, definition))
            for key, name, definition in r.templates()
        ]


@strawberry.input(description="A new flow (流程) with its first draft.")
class CreateFlowInput:
    key: str = strawberry.field(description=("Stable key, unique in the tenant."))
    name: str = strawberry.field(description="Display name; 1 to 200 characters.")
    form_id: relay.GlobalID = strawberry.field(
        description="Global id of the Form its documents fill in."
    )
    definition: JSON = strawberry.field(description="Nodes and transitions; may be incomplete.")
    description: str = strawberry.field(default="", description="What the flow is for.")

    def to_command(self) -> Command[Versioned]:
        return command(
            s.create_flow,
            key=self.key,
            name=self.name,
            description=self.description,
            form_id=node_key(self.form_id, "Form"),
            definition=self.definition,
        )


@strawberry.input(description="Changes to a flow's draft; omitted fields stay as they are.")
class UpdateFlowDraftInput(EditDraftInput):
    definition: JSON | None = strawberry.field(
        default=strawberry.UNSET,
        description=("New definition (JSON: nodes and transitions), checked at publish."),
    )

    def to_command(self) -> Command[Versioned]:
        return command(
            s.update_flow_draft,
            flow_id=node_key(self.id, "Flow"),
            name=keep(self.name),
            description=keep(self.description),
            definition=keep(self.definition),
        )


@strawberry.input(description="Replace a flow's draft with a BPMN 2.0 document.")
class ImportBpmnInput:
    id: relay.GlobalID = strawberry.field(description="Global id of the Flow.")
    xml: str = strawberry.field(description="BPMN 2.0 XML, e.g. saved from bpmn-js.")

    def to_command(self) -> Command[Versioned]:
        return command(s.import_bpmn, flow_id=node_key(self.id, "Flow"), xml=self.xml)


@strawberry.input(description=("Publish a flow's draft as its next version, after validation."))
class PublishFlowInput(PublishDraftInput):
    def to_command(self) -> Command[Versioned]:
        return command(s.publish_flow, flow_id=node_key(self.id, "Flow"))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class FlowPayload:
    flow: Flow | None = strawberry.field(description="The flow as changed.")
    version: FlowVersion | None = strawberry.field(description="The version created or published.")
    errors: list[UserError] = strawberry.field(
        description="For publish and import: one error per problem, its field path naming the "
        "node or transition at fault (['input', 'definition', 'nodes', '<node id>'])."
    )

    @classmethod
    def of(cls, outcome: Outcome[Versioned]) -> FlowPayload:
        flow, version, errors = versioned(outcome, Flow, FlowVersion)
        return cls(flow=flow, version=version, errors=errors)


@strawberry.type
class FlowMutation:
    @strawberry.mutation(description="A new flow bound to a form, with its first draft.")
    async def create_flow(self, info: Info, input: Input[CreateFlowInput]) -> FlowPayload:
        return FlowPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(description="Edit the draft (started from the newest version if none).")
    async def update_flow_draft(
        self, info: Info, input: Input[UpdateFlowDraftInput]
    ) -> FlowPayload:
        return FlowPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(
        description="Replace the draft by a BPMN 2.0 file; unsupported elements are reported."
    )
    async def import_bpmn(self, info: Info, input: Input[ImportBpmnInput]) -> FlowPayload:
        return FlowPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(
        description="Validate the draft against the form and the directory, then freeze it."
    )
    async def publish_flow(self, info: Info, input: Input[PublishFlowInput]) -> FlowPayload:
        return FlowPayload.of(await perform(info, input.to_command()))
