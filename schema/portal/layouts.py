"""Portal page types: the theme, layouts (the tenant's published versions, role defaults and
personal pages) with their placements, the portal as the viewer sees it, and the guided setup
(流程引导)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import portal_components as m
from resolvers import portal as r
from schema.directory.types import Role
from schema.nodes import LoadedNode
from schema.portal.types import PortalComponent, PortalComponentVersion, PortalResource
from schema.types import Info, describe_values
from services.portal import (
    COLUMNS,
    Checklist,
    LayoutSource,
    ResolvedPlacement,
    ResolvedPortal,
    StepState,
    StepStatus,
)

strawberry.enum(
    m.LayoutTemplate, name="PortalLayoutTemplate", description="How many columns a page has."
)
describe_values(
    m.LayoutTemplate,
    {"ONE_COLUMN": "One column.", "TWO_COLUMNS": "Two columns.", "THREE_COLUMNS": "Three columns."},
)
strawberry.enum(
    LayoutSource,
    name="PortalLayoutSource",
    description="Where the resolved layout came from: the user's own, a role default, the "
    "tenant's published layout, or the empty default.",
)
describe_values(
    LayoutSource,
    {
        "USER": "The user's own layout.",
        "ROLE": "A layout of one of her roles.",
        "TENANT": "The tenant's published layout.",
        "DEFAULT": "The platform's default.",
    },
)
strawberry.enum(StepState, name="SetupStepState", description="Whether a setup step is done.")
describe_values(StepState, {"DONE": "Done.", "TODO": "Still to do."})


@strawberry.type(name="PortalTheme", description="The tenant's portal colours and logo.")
class PortalTheme:
    primary_color: str = strawberry.field(description="Primary colour, #rrggbb.")
    accent_color: str = strawberry.field(description="Accent colour, #rrggbb.")
    background_color: str = strawberry.field(description="Background colour, #rrggbb.")
    text_color: str = strawberry.field(description="Text colour, #rrggbb.")
    logo_url: str | None = strawberry.field(description="The logo's URL (https), or null.")
    version: int = strawberry.field(description="0 while the tenant uses the default theme.")

    @classmethod
    def from_model(cls, row: m.PortalTheme) -> PortalTheme:
        return cls(
            primary_color=row.primary_color,
            accent_color=row.accent_color,
            background_color=row.background_color,
            text_color=row.text_color,
            logo_url=row.logo_url,
            version=row.version,
        )


@strawberry.type(name="PortalPlacement", description="A component or resource placed on a page.")
class Placement:
    id: str = strawberry.field(description="Stable id of the placement within its layout.")
    column: int = strawberry.field(description="0-based column of the template.")
    position: int = strawberry.field(description="0-based order within the column.")
    title: str | None = strawberry.field(
        description="Title shown instead of the component's name, or null."
    )
    settings: JSON = strawberry.field(description="The component's settings here (JSON).")
    component: PortalComponent | None = strawberry.field(
        description="The component placed, or null for a resource."
    )
    component_version: PortalComponentVersion | None = strawberry.field(
        description="The component's version used."
    )
    resource: PortalResource | None = strawberry.field(
        description="The resource placed, or null for a component."
    )

    @classmethod
    def of(cls, placement: ResolvedPlacement) -> Placement:
        return cls(
            id=placement.id,
            column=placement.column,
            position=placement.position,
            title=placement.title,
            settings=cast(JSON, placement.settings),
            component=(
                PortalComponent.from_model(placement.component) if placement.component else None
            ),
            component_version=(
                PortalComponentVersion.from_model(placement.component_version)
                if placement.component_version
                else None
            ),
            resource=PortalResource.from_model(placement.resource) if placement.resource else None,
        )


async def _placements(info: Info, stored: list[dict[str, Any]]) -> list[Placement]:
    return [Placement.of(p) for p in await r.placements(info.context, stored)]


@strawberry.type(
    name="PortalLayoutVersion",
    description="A published version of the tenant's default portal page; never changed.",
)
class PortalLayoutVersion(LoadedNode):
    id: relay.NodeID[str]
    number: int = strawberry.field(description="Version number, 1 for the first published.")
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    restored_from: int | None = strawberry.field(
        description="The version this one restores (a rollback)."
    )
    published_by_name: str = strawberry.field(description="Who published it.")
    published_at: datetime = strawberry.field(description="When this version was published.")
    stored: strawberry.Private[list[dict[str, Any]]]

    loader = r.LayoutVersionById

    @classmethod
    def from_model(cls, row: m.PortalLayoutVersion) -> PortalLayoutVersion:
        return cls(
            id=str(row.id),
            number=row.number,
            template=row.template,
            restored_from=row.restored_from,
            published_by_name=row.published_by_name,
            published_at=row.created_at,
            stored=row.placements,
        )

    @strawberry.field(description="The components placed.")
    async def placements(self, info: Info) -> list[Placement]:
        return await _placements(info, self.stored)


@strawberry.type(
    name="PortalLayout", description="A role's default page or a user's personal page."
)
class PortalLayout:
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    priority: int = strawberry.field(
        description="For role defaults: a user with several roles gets the lowest first."
    )
    version: int = strawberry.field(
        description=(
            "Increases with every change; send it back as `expectedVersion` to "
            "refuse a lost update."
        )
    )
    updated_at: datetime = strawberry.field(description="When it was last changed (ISO 8601, UTC).")
    role_id: strawberry.Private[uuid.UUID | None]
    stored: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_model(cls, row: m.PortalLayout) -> PortalLayout:
        return cls(
            template=row.template,
            priority=row.priority,
            version=row.version,
            updated_at=row.updated_at,
            role_id=row.role_id,
            stored=row.placements,
        )

    @strawberry.field(description="The role, for a role default; null for a personal layout.")
    async def role(self, info: Info) -> Role | None:
        return await Role.load(info, self.role_id)

    @strawberry.field(description="The components placed.")
    async def placements(self, info: Info) -> list[Placement]:
        return await _placements(info, self.stored)


@strawberry.type(name="Portal", description="The office portal (门户) as the viewer sees it.")
class Portal:
    source: LayoutSource = strawberry.field(
        description=("Whose layout it is: the user's, a role's, the tenant's or the default.")
    )
    template: m.LayoutTemplate = strawberry.field(description="The column template.")
    columns: int = strawberry.field(description="Number of columns of the template.")
    theme: PortalTheme = strawberry.field(description="The tenant's theme.")
    role: Role | None = strawberry.field(description="The role whose default applies.")
    layout_version: int | None = strawberry.field(
        description="The tenant layout version shown, when the source is TENANT."
    )
    hidden_count: int = strawberry.field(
        description="Placements left out: not approved for the tenant, or not permitted."
    )
    placements: list[Placement] = strawberry.field(
        description="The components placed, by column and position."
    )

    @classmethod
    def of(cls, resolved: ResolvedPortal) -> Portal:
        return cls(
            source=resolved.source,
            template=resolved.template,
            columns=COLUMNS[resolved.template],
            theme=PortalTheme.from_model(resolved.theme),
            role=Role.from_model(resolved.role) if resolved.role else None,
            layout_version=resolved.layout_version,
            hidden_count=resolved.hidden,
            placements=[Placement.of(p) for p in resolved.placements],
        )


@strawberry.type(name="SetupStep", description="One step of the guided setup (流程引导).")
class SetupStep:
    key: str = strawberry.field(description="Stable key of the step.")
    title: str = strawberry.field(description="What to do.")
    hint: str = strawberry.field(description="How to do it.")
    state: StepState = strawberry.field(description="Done or still to do.")

    @classmethod
    def of(cls, status: StepStatus) -> SetupStep:
        return cls(
            key=status.step.key, title=status.step.title, hint=status.step.hint, state=status.state
        )


@strawberry.type(name="SetupChecklist", description="What a new tenant has set up, and next.")
class SetupChecklist:
    steps: list[SetupStep] = strawberry.field(description="The steps, in order.")
    next: SetupStep | None = strawberry.field(description="The first step still to do.")
    done_count: int = strawberry.field(description="How many steps are done.")
    total: int = strawberry.field(description="How many steps there are.")

    @classmethod
    def of(cls, checklist: Checklist) -> SetupChecklist:
        return cls(
            steps=[SetupStep.of(x) for x in checklist.steps],
            next=SetupStep.of(checklist.next) if checklist.next else None,
            done_count=checklist.done,
            total=len(checklist.steps),
        )
