"""Forms (表单): JSON Schema + UI schema, drafts and published versions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import forms as m
from models.flows import FlowVersion as FlowVersionRow
from resolvers import forms as r
from resolvers.errors import Problem
from resolvers.pagination import PageArgs
from schema.connection import Connection, load_nodes
from schema.errors import UserError, user_errors
from schema.types import Info

VersionStatusEnum = strawberry.enum(m.VersionStatus, name="VersionStatus")


V = TypeVar("V", m.FormVersion, FlowVersionRow)


def published_of(versions: list[V], number: int) -> V | None:
    """The published version `number` among a form's or flow's versions."""
    return next((v for v in versions if v.number == number), None)


def draft_of(versions: list[V]) -> V | None:
    return next((v for v in versions if v.status == m.VersionStatus.DRAFT), None)


@strawberry.type(
    name="FormVersion", description="One version of a form; published ones never change."
)
class FormVersion(relay.Node):
    id: relay.NodeID[str]
    number: int
    status: VersionStatusEnum  # type: ignore[valid-type]
    json_schema: JSON = strawberry.field(description="JSON Schema (draft 2020-12) of the data.")
    ui_schema: JSON = strawberry.field(
        description="Hints for the renderer (react-jsonschema-form)."
    )
    published_at: datetime | None

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FormVersion | None]:
        return await load_nodes(info.context.loaders.form_version, node_ids, cls.from_model)


@strawberry.type(name="Form", description="A form (表单) of the tenant, with its versions.")
class Form(relay.Node):
    id: relay.NodeID[str]
    key: str
    name: str
    description: str
    created_at: datetime
    latest_published: strawberry.Private[int]

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

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Form | None]:
        return await load_nodes(info.context.loaders.form, node_ids, cls.from_model)

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[FormVersion]:
        rows = await info.context.loaders.form_versions.load(uuid.UUID(self.id))
        return [FormVersion.from_model(row) for row in rows]

    @strawberry.field(description="The newest published version; documents start on it.")
    async def published_version(self, info: Info) -> FormVersion | None:
        rows = await info.context.loaders.form_versions.load(uuid.UUID(self.id))
        row = published_of(rows, self.latest_published)
        return FormVersion.from_model(row) if row else None

    @strawberry.field(description="The version being edited, if any.")
    async def draft(self, info: Info) -> FormVersion | None:
        row = draft_of(await info.context.loaders.form_versions.load(uuid.UUID(self.id)))
        return FormVersion.from_model(row) if row else None


@strawberry.type
class FormQuery:
    @strawberry.field(description="Forms of the viewer's tenant.")
    async def forms(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Form]:
        page = await r.form_list(
            info.context, search=search, page=PageArgs(first, after, last, before)
        )
        return Connection.of(page, Form.from_model)


@strawberry.input
class CreateFormInput:
    key: str
    name: str
    json_schema: JSON
    ui_schema: JSON | None = None
    description: str = ""


@strawberry.input
class UpdateFormDraftInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    json_schema: JSON | None = strawberry.UNSET
    ui_schema: JSON | None = strawberry.UNSET


@strawberry.input
class PublishFormInput:
    id: relay.GlobalID


@strawberry.type
class FormPayload:
    form: Form | None
    version: FormVersion | None
    errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[Any, tuple[Problem, ...]]) -> FormPayload:
        pair, problems = result
        form, version = pair if pair else (None, None)
        return cls(
            form=Form.from_model(form) if form else None,
            version=FormVersion.from_model(version) if version else None,
            errors=user_errors(problems),
        )


@strawberry.type
class FormMutation:
    @strawberry.mutation(description="A new form with its first draft version.")
    async def create_form(self, info: Info, input: CreateFormInput) -> FormPayload:
        return FormPayload.of(await r.create_form(info.context, input))

    @strawberry.mutation(description="Edit the draft (started from the newest version if none).")
    async def update_form_draft(self, info: Info, input: UpdateFormDraftInput) -> FormPayload:
        return FormPayload.of(await r.update_form_draft(info.context, input))

    @strawberry.mutation(description="Freeze the draft as the next published version.")
    async def publish_form(self, info: Info, input: PublishFormInput) -> FormPayload:
        return FormPayload.of(await r.publish_form(info.context, input))
