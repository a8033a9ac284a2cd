"""The draft → publish → version lifecycle that forms and flows share, on the schema side: the
version fields of a definition (every version, the newest published, the draft), the
`VersionStatus` enum, the inputs that edit and publish a draft, and what their mutations
answer (the definition and the version)."""

from __future__ import annotations

import uuid
from types import GenericAlias
from typing import Any, Protocol, Self, TypeVar

import strawberry
from strawberry import relay

from models.flows import FlowVersion
from models.forms import FormVersion, VersionStatus
from resolvers.dataloaders import GroupedBy
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.types import Info, describe_values

strawberry.enum(
    VersionStatus, name="VersionStatus", description="Where a form or flow version stands."
)
describe_values(
    VersionStatus,
    {
        "DRAFT": "Being edited; not used by documents.",
        "PUBLISHED": "Published: immutable, used by new documents.",
    },
)

Row = FormVersion | FlowVersion


class Definition(Protocol):
    """A form or flow type: its id and the number of its newest published version."""

    id: str
    latest_published: int


class Version(Protocol):
    """A form or flow type, or the type of their versions."""

    @classmethod
    def from_model(cls, row: Any) -> Self: ...


D = TypeVar("D", bound=Version)
V = TypeVar("V", bound=Version)


def version_fields(
    version: type[Version], loader: type[GroupedBy[Any]], published: str
) -> tuple[Any, Any, Any]:
    """The `versions`, `publishedVersion` and `draft` fields of a definition type whose
    versions `loader` groups and `version` shows; `published` describes the published one."""

    async def rows(root: Definition, info: Info) -> list[Row]:
        found: list[Row] = await loader(info.context).load(uuid.UUID(root.id))
        return found

    async def versions(root: Definition, info: Info) -> list[Version]:
        return [version.from_model(row) for row in await rows(root, info)]

    async def published_version(root: Definition, info: Info) -> Version | None:
        found = (v for v in await rows(root, info) if v.number == root.latest_published)
        row = next(found, None)
        return version.from_model(row) if row else None

    async def draft(root: Definition, info: Info) -> Version | None:
        found = (v for v in await rows(root, info) if v.status == VersionStatus.DRAFT)
        row = next(found, None)
        return version.from_model(row) if row else None

    return (
        strawberry.field(
            resolver=versions,
            graphql_type=GenericAlias(list, version),
            description="Every version, oldest first.",
        ),
        strawberry.field(
            resolver=published_version, graphql_type=version | None, description=published
        ),
        strawberry.field(
            resolver=draft,
            graphql_type=version | None,
            description="The version being edited, if any.",
        ),
    )


def versioned(
    outcome: Outcome[tuple[Any, Any]], definition: type[D], version: type[V]
) -> tuple[D | None, V | None, list[UserError]]:
    """A lifecycle mutation's answer: the form or flow, its version, and the errors."""
    pair, problems = outcome
    row, version_row = pair if pair else (None, None)
    return (
        definition.from_model(row) if row else None,
        version.from_model(version_row) if version_row else None,
        user_errors(problems),
    )


@strawberry.input
class EditDraftInput:
    """The fields a form's and a flow's draft share (`updateFormDraft`, `updateFlowDraft`)."""

    id: relay.GlobalID = strawberry.field(
        description=("Global id of the Form (updateFormDraft) or Flow (updateFlowDraft).")
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New display name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description."
    )


@strawberry.input
class PublishDraftInput:
    """The definition whose draft is published (`publishForm`, `publishFlow`)."""

    id: relay.GlobalID = strawberry.field(
        description="Global id of the Form (publishForm) or Flow (publishFlow)."
    )
