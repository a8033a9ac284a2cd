"""The guided setup of a new tenant (流程引导): which steps are done and what comes next.

Each step is one entry in `STEPS` with a check that reads the tenant's rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from models.access import Actor, Permission
from models.directory import OrgUnit, Role, User
from models.flows import FlowDefinition
from models.forms import FormDefinition
from models.portal_components import PortalLayoutVersion
from models.scope import TenantScope
from services.errors import require
from services.portal.common import scope_of

Check = Callable[[TenantScope], Awaitable[bool]]


class StepState(StrEnum):
    DONE = "done"
    TODO = "todo"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    hint: str
    check: Check


@dataclass(frozen=True)
class StepStatus:
    step: Step
    state: StepState


@dataclass(frozen=True)
class Checklist:
    steps: list[StepStatus]

    @property
    def next(self) -> StepStatus | None:
        return next((s for s in self.steps if s.state is StepState.TODO), None)

    @property
    def done(self) -> int:
        return sum(s.state is StepState.DONE for s in self.steps)


async def _org_units(scope: TenantScope) -> bool:
    return await scope.query(OrgUnit).filter(parent_id__not_isnull=True).exists()


async def _users(scope: TenantScope) -> bool:
    return await scope.query(User).count() > 1


async def _roles(scope: TenantScope) -> bool:
    return await scope.query(Role).filter(is_system=False).exists()


async def _forms(scope: TenantScope) -> bool:
    return await scope.query(FormDefinition).filter(latest_published__gt=0).exists()


async def _flows(scope: TenantScope) -> bool:
    return await scope.query(FlowDefinition).filter(latest_published__gt=0).exists()


async def _portal(scope: TenantScope) -> bool:
    return await scope.query(PortalLayoutVersion).exists()


STEPS: list[Step] = [
    Step(
        "org_units",
        "组织机构 Build the org structure",
        "Add the units below the root unit (createOrgUnit).",
        _org_units,
    ),
    Step("users", "用户 Add people", "Add users besides the first administrator.", _users),
    Step("roles", "角色 Define roles", "Add a role beyond the default ones.", _roles),
    Step(
        "forms",
        "表单 Design forms",
        "Publish a form (createForm, publishForm), or install a template (installTemplate).",
        _forms,
    ),
    Step(
        "flows",
        "流程 Design approval flows",
        "Publish a flow bound to a form (createFlow, publishFlow), or install a template.",
        _flows,
    ),
    Step(
        "portal",
        "门户 Publish the office portal",
        "Place service components and publish the portal layout (publishPortalLayout).",
        _portal,
    ),
]


async def setup_checklist(actor: Actor | None) -> Checklist:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = scope_of(actor)
    statuses = []
    for step in STEPS:
        state = StepState.DONE if await step.check(scope) else StepState.TODO
        statuses.append(StepStatus(step, state))
    return Checklist(statuses)
