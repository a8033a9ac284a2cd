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


@strawberry.type
class PortalComponentPayload:
    component: PortalComponent | None
    component_version: PortalComponentVersion | None
    errors: list[UserError]


@strawberry.type
class PortalResourcePayload:
    resource: PortalResource | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.PortalResource]) -> PortalResourcePayload:
        row, problems = outcome
        return cls(
            resource=PortalResource.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class TestPortalResourceConnectionPayload:
    resource: PortalResource | None
    check: ConnectionCheck | None
    errors: list[UserError]

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


@strawberry.type
class ServiceApplicationPayload:
    application: ServiceApplication | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.ServiceApplication]) -> ServiceApplicationPayload:
        row, problems = outcome
        return cls(
            application=ServiceApplication.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class PortalThemePayload:
    theme: PortalTheme | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.PortalTheme]) -> PortalThemePayload:
        row, problems = outcome
        return cls(theme=PortalTheme.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type
class PortalLayoutVersionPayload:
    layout_version: PortalLayoutVersion | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.PortalLayoutVersion]) -> PortalLayoutVersionPayload:
        row, problems = outcome
        return cls(
            layout_version=PortalLayoutVersion.from_model(row) if row else None,
            errors=user_errors(problems),
        )


@strawberry.type
class PortalLayoutPayload:
    layout: PortalLayout | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[m.PortalLayout | None]) -> PortalLayoutPayload:
        row, problems = outcome
        return cls(
            layout=PortalLayout.from_model(row) if row else None, errors=user_errors(problems)
        )
