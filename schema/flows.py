"""Flows (流程): definitions as data, BPMN 2.0 import/export, publish-time validation, and the
platform templates (发文, 收文) a tenant installs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import flows as m
from resolvers import flows as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection, load_nodes
from schema.errors import UserError, user_errors
from schema.forms import Form, FormVersion, VersionStatusEnum, draft_of, published_of
from schema.types import Info


@strawberry.type(
    name="FlowVersion", description="One version of a flow; published ones never change."
)
class FlowVersion(relay.Node):
    id: relay.NodeID[str]
    number: int
    status: VersionStatusEnum  # type: ignore[valid-type]
    definition: JSON = strawberry.field(description="Nodes and transitions (see docs/flows.md).")
    published_at: datetime | None
    form_version_id: strawberry.Private[uuid.UUID | None]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FlowVersion | None]:
        return await load_nodes(info.context.loaders.flow_version, node_ids, cls.from_model)

    @strawberry.field(description="The form version it was validated against when published.")
    async def form_version(self, info: Info) -> FormVersion | None:
        if self.form_version_id is None:
            return None
        row = await info.context.loaders.form_version.load(self.form_version_id)
        return FormVersion.from_model(row) if row else None

    @strawberry.field(description="BPMN 2.0 XML with diagram, for bpmn-js or Camunda Modeler.")
    def bpmn_xml(self) -> str:
        return r.bpmn_xml(cast(dict[str, Any], self.definition))


@strawberry.type(name="Flow", description="A flow (流程) bound to a form, with its versions.")
class Flow(relay.Node):
    id: relay.NodeID[str]
    key: str
    name: str
    description: str
    created_at: datetime
    form_id: strawberry.Private[uuid.UUID]
    latest_published: strawberry.Private[int]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Flow | None]:
        return await load_nodes(info.context.loaders.flow, node_ids, cls.from_model)

    @strawberry.field
    async def form(self, info: Info) -> Form | None:
        row = await info.context.loaders.form.load(self.form_id)
        return Form.from_model(row) if row else None

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[FlowVersion]:
        rows = await info.context.loaders.flow_versions.load(uuid.UUID(self.id))
        return [FlowVersion.from_model(row) for row in rows]

    @strawberry.field(description="The newest published version; new documents run on it.")
    async def published_version(self, info: Info) -> FlowVersion | None:
        rows = await info.context.loaders.flow_versions.load(uuid.UUID(self.id))
        row = published_of(rows, self.latest_published)
        return FlowVersion.from_model(row) if row else None

    @strawberry.field(description="The version being edited, if any.")
    async def draft(self, info: Info) -> FlowVersion | None:
        row = draft_of(await info.context.loaders.flow_versions.load(uuid.UUID(self.id)))
        return FlowVersion.from_model(row) if row else None


@strawberry.type(description="A platform-provided flow and form a tenant can install.")
class FlowTemplate:
    key: str
    name: str
    definition: JSON


@strawberry.type
class FlowQuery:
    @strawberry.field(description="Flows of the viewer's tenant.")
    async def flows(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Flow]:
        page = await r.flow_list(
            info.context, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Flow.from_model)

    @strawberry.field(description="Platform templates: 发文 (dispatch) and 收文 (receipt).")
    def flow_templates(self) -> list[FlowTemplate]:
        return [
            FlowTemplate(key=key, name=name, definition=cast(JSON, definition))
            for key, name, definition in r.templates()
        ]


@strawberry.input
class CreateFlowInput:
    key: str
    name: str
    form_id: relay.GlobalID
    definition: JSON = strawberry.field(description="Nodes and transitions; may be incomplete.")
    description: str = ""


@strawberry.input
class UpdateFlowDraftInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    definition: JSON | None = strawberry.UNSET


@strawberry.input
class ImportBpmnInput:
    id: relay.GlobalID
    xml: str = strawberry.field(description="BPMN 2.0 XML, e.g. saved from bpmn-js.")


@strawberry.input
class PublishFlowInput:
    id: relay.GlobalID


@strawberry.type
class FlowPayload:
    flow: Flow | None
    version: FlowVersion | None
    errors: list[UserError] = strawberry.field(
        description="For publish and import: one error per problem, its field path naming the "
        "node or transition at fault (['input', 'definition', 'nodes', '<node id>'])."
    )

    @classmethod
    def of(cls, result: tuple[Any, tuple[Problem, ...]]) -> FlowPayload:
        pair, problems = result
        flow, version = pair if pair else (None, None)
        return cls(
            flow=Flow.from_model(flow) if flow else None,
            version=FlowVersion.from_model(version) if version else None,
            errors=user_errors(problems),
        )


@strawberry.type
class FlowMutation:
    @strawberry.mutation(description="A new flow bound to a form, with its first draft.")
    async def create_flow(self, info: Info, input: CreateFlowInput) -> FlowPayload:
        return FlowPayload.of(await r.create_flow(info.context, input))

    @strawberry.mutation(description="Edit the draft (started from the newest version if none).")
    async def update_flow_draft(self, info: Info, input: UpdateFlowDraftInput) -> FlowPayload:
        return FlowPayload.of(await r.update_flow_draft(info.context, input))

    @strawberry.mutation(
        description="Replace the draft by a BPMN 2.0 file; unsupported elements are reported."
    )
    async def import_bpmn(self, info: Info, input: ImportBpmnInput) -> FlowPayload:
        return FlowPayload.of(await r.import_bpmn(info.context, input))

    @strawberry.mutation(
        description="Validate the draft against the form and the directory, then freeze it."
    )
    async def publish_flow(self, info: Info, input: PublishFlowInput) -> FlowPayload:
        return FlowPayload.of(await r.publish_flow(info.context, input))
