"""Forms (表单): JSON Schema + UI schema, drafts and published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import forms as m
from resolvers import forms as r
from resolvers.ids import keep, node_key
from resolvers.pagination import PageArgs
from resolvers.versions import definition_list
from schema.connection import After, Before, Connection, First, Last
from schema.errors import UserError
from schema.mutations import Command, Input, Outcome, command, perform
from schema.nodes import LoadedNode
from schema.types import Info
from schema.versions import EditDraftInput, PublishDraftInput, version_fields, versioned
from services import forms as s

Versioned = tuple[m.FormDefinition, m.FormVersion]


@strawberry.type(
    name="FormVersion", description="One version of a form; published ones never change."
)
class FormVersion(LoadedNode):
    id: relay.NodeID[str]
    number: int
    status: m.VersionStatus
    json_schema: JSON = strawberry.field(description="JSON Schema (draft 2020-12) of the data.")
    ui_schema: JSON = strawberry.field(
        description="Hints for the renderer (react-jsonschema-form)."
    )
    published_at: datetime | None
    loader = r.FormVersionById

    @strawberry.field(description="Dotted paths of every field, for conditions and field access.")
    def fields(self) -> list[str]:
        return r.field_paths(cast(dict[str, Any], self.json_schema))

    @classmethod
    def from_model(cls, row: m.FormVersion) -> FormVersion:
        return cls(
            id=str(row.id),
            number=row.number,
            status=row.status,
            json_schema=cast(JSON, row.json_schema),
            ui_schema=cast(JSON, row.ui_schema),
            published_at=row.published_at,
        )


@strawberry.type(name="Form", description="A form (表单) of the tenant, with its versions.")
class Form(LoadedNode):
    id: relay.NodeID[str]
    key: str
    name: str
    description: str
    created_at: datetime
    latest_published: strawberry.Private[int]
    loader = r.FormById

    @classmethod
    def from_model(cls, row: m.FormDefinition) -> Form:
        return cls(
            id=str(row.id),
            key=row.key,
            name=row.name,
            description=row.description,
            created_at=row.created_at,
            latest_published=row.latest_published,
        )

    versions, published_version, draft = version_fields(
        FormVersion, r.VersionsByForm, "The newest published version; documents start on it."
    )


@strawberry.type
class FormQuery:
    @strawberry.field(description="Forms of the viewer's tenant.")
    async def forms(
        self,
        info: Info,
        search: str | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Form]:
        page = await definition_list(
            info.context, m.FormDefinition, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Form.from_model)


@strawberry.input
class CreateFormInput:
    key: str
    name: str
    json_schema: JSON
    ui_schema: JSON | None = None
    description: str = ""

    def to_command(self) -> Command[Versioned]:
        return command(
            s.create_form,
            key=self.key,
            name=self.name,
            description=self.description,
            json_schema=self.json_schema,
            ui_schema=self.ui_schema,
        )


@strawberry.input
class UpdateFormDraftInput(EditDraftInput):
    json_schema: JSON | None = strawberry.UNSET
    ui_schema: JSON | None = strawberry.UNSET

    def to_command(self) -> Command[Versioned]:
        return command(
            s.update_form_draft,
            form_id=node_key(self.id, "Form"),
            name=keep(self.name),
            description=keep(self.description),
            json_schema=keep(self.json_schema),
            ui_schema=keep(self.ui_schema),
        )


@strawberry.input
class PublishFormInput(PublishDraftInput):
    def to_command(self) -> Command[Versioned]:
        return command(s.publish_form, form_id=node_key(self.id, "Form"))


@strawberry.type
class FormPayload:
    form: Form | None
    version: FormVersion | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[Versioned]) -> FormPayload:
        form, version, errors = versioned(outcome, Form, FormVersion)
        return cls(form=form, version=version, errors=errors)


@strawberry.type
class FormMutation:
    @strawberry.mutation(description="A new form with its first draft version.")
    async def create_form(self, info: Info, input: Input[CreateFormInput]) -> FormPayload:
        return FormPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(description="Edit the draft (started from the newest version if none).")
    async def update_form_draft(
        self, info: Info, input: Input[UpdateFormDraftInput]
    ) -> FormPayload:
        return FormPayload.of(await perform(info, input.to_command()))

    @strawberry.mutation(description="Freeze the draft as the next published version.")
    async def publish_form(self, info: Info, input: Input[PublishFormInput]) -> FormPayload:
        return FormPayload.of(await perform(info, input.to_command()))
