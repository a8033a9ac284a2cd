"""The input the layout mutations share: what to place on a page."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from resolvers.ids import node_uuid
from services.portal import PlacementSpec


@strawberry.input(description="A component (with settings) or a resource to place on a page.")
class PortalPlacementInput:
    component_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of the PortalComponent placed (or resourceId)."
    )
    version: str | None = strawberry.field(
        default=None, description="The component version; the latest by default."
    )
    resource_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of the PortalResource placed (or componentId)."
    )
    column: int = strawberry.field(default=0, description="0-based column of the template.")
    title: str | None = strawberry.field(
        default=None, description="Title shown instead of the component's name."
    )
    settings: JSON | None = strawberry.field(
        default=None, description="Checked against the component's settings schema."
    )

    def to_spec(self) -> PlacementSpec:
        return PlacementSpec(
            component_id=node_uuid(self.component_id, "PortalComponent"),
            resource_id=node_uuid(self.resource_id, "PortalResource"),
            version=self.version,
            column=self.column,
            title=self.title,
            settings=self.settings,
        )
