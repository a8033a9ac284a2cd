"""What the portal mutations answer."""

from __future__ import annotations

import strawberry

from models import portal_components as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.portal.layouts import PortalLayout, PortalLayoutVersion, PortalTheme
from schema.portal.types import (
    ConnectionCheck,
    PortalComponent,
    PortalComponentVersion,
    PortalResource,
    ServiceApplication,
)
from services.portal.probe import ConnectionCheck as Check


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class PortalComponentPayload:
    component: PortalComponent | None = strawberry.field(description="The component as registered.")
    component_version: PortalComponentVersion | None = strawberry.field(
        description="The version registered."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class PortalResourcePayload:
    resource: PortalResource | None = strawberry.field(description="The resource as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.PortalResource]) -> PortalResourcePayload:
        row, problems = outcome
        return cls(
            resource=PortalResource.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class TestPortalResourceConnectionPayload:
    resource: PortalResource | None = strawberry.field(description="The resource checked.")
    check: ConnectionCheck | None = strawberry.field(description="What the call answered.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(
        cls, outcome: Outcome[tuple[m.PortalResource, Check]]
    ) -> TestPortalResourceConnectionPayload:
        pair, problems = outcome
        row, check = pair if pair else (None, None)
        return cls(
            resource=PortalResource.from_model(row) if row else None,
            check=ConnectionCheck.from_dict(check.as_dict()) if check else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class ServiceApplicationPayload:
    application: ServiceApplication | None = strawberry.field(
        description="The application as changed."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.ServiceApplication]) -> ServiceApplicationPayload:
        row, problems = outcome
        return cls(
            application=ServiceApplication.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class PortalThemePayload:
    theme: PortalTheme | None = strawberry.field(description="The theme as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.PortalTheme]) -> PortalThemePayload:
        row, problems = outcome
        return cls(theme=PortalTheme.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class PortalLayoutVersionPayload:
    layout_version: PortalLayoutVersion | None = strawberry.field(
        description="The layout version published."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.PortalLayoutVersion]) -> PortalLayoutVersionPayload:
        row, problems = outcome
        return cls(
            layout_version=PortalLayoutVersion.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type(
    description=("What the mutation answers: the changed objects, or the errors that stopped it.")
)
class PortalLayoutPayload:
    layout: PortalLayout | None = strawberry.field(description="The layout as changed.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed; empty when the mutation succeeded."
    )

    @classmethod
    def of(cls, outcome: Outcome[m.PortalLayout | None]) -> PortalLayoutPayload:
        row, problems = outcome
        return cls(
            layout=PortalLayout.from_model(row) if row else None, errors=user_errors(problems)
        )
