"""Forms (表单): JSON Schema + UI schema, drafts and published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

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
    number: int = strawberry.field(description="Version number, 1 for the first published.")
    status: m.VersionStatus = strawberry.field(description="Draft or published.")
    json_schema: JSON = strawberry.field(description="JSON Schema of the data.")
    ui_schema: JSON = strawberry.field(
        description="Hints for the renderer (react-jsonschema-form)."
    )
    published_at: datetime | None = strawberry.field(description="When this version was published.")
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
    key: str = strawberry.field(description="Stable key, unique in the tenant, e.g. dispatch.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What the form is for.")
    created_at: datetime = strawberry.field(description="When it was created (ISO 8601, UTC).")
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
        search: Annotated[
            str | None,
            strawberry.argument(description=("Part of the form's key or name, case-insensitive.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Form]:
        page = await definition_list(
            info.context, m.FormDefinition, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Form.from_model)


@strawberry.input(description="A new form (表单) with its first draft.")
class CreateFormInput:
    key: str = strawberry.field(description=("Stable key, unique in the tenant."))
    name: str = strawberry.field(description="Display name; 1 to 200 characters.")
    json_schema: JSON = strawberry.field(description="The fields as a JSON Schema object.")
    ui_schema: JSON | None = strawberry.field(
        default=None, description="How to lay the fields out (JSON object)."
    )
    description: str = strawberry.field(default="", description="What the form is for.")

    def to_command(self) -> Command[Versioned]:
        return command(
            s.create_form,
            key=self.key,
            name=self.name,
            description=self.description,
            json_schema=self.json_schema,
            ui_schema=self.ui_schema,
        )


@strawberry.input(description="Changes to a form's draft; omitted fields stay as they are.")
class UpdateFormDraftInput(EditDraftInput):
    json_schema: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New JSON Schema of the fields."
    )
    ui_schema: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New layout (JSON object)."
    )

    def to_command(self) -> Command[Versioned]:
        return command(
            s.update_form_draft,
            form_id=node_key(self.id, "Form"),
            name=keep(self.name),
            description=keep(self.description),
            json_schema=keep(self.json_schema),
            ui_schema=keep(self.ui_schema),
        )


@strawberry.input(description="Publish a form's draft as its next version.")
class PublishFormInput(PublishDraftInput):
    def to_command(self) -> Command[Versioned]:
        return command(s.publish_form, form_id=node_key(self.id, "Form"))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class FormPayload:
    form: Form | None = strawberry.field(description="The form as changed.")
    version: FormVersion | None = strawberry.field(description="The version created or published.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

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
