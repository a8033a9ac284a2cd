"""Flows (流程): definitions as data, edited as drafts, validated and frozen on publish, imported
from and exported to BPMN 2.0, and platform templates a tenant installs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import workflow
from i18n import _
from models.access import Actor, DataScope, Permission
from models.directory import OrgUnit, Role, RoleAssignment, UserStatus
from models.flows import FlowDefinition, FlowVersion
from models.forms import FormDefinition
from models.scope import TenantScope
from services.directory import active_user_ids
from services.errors import Code, Problem, ServiceError, require
from services.forms import field_paths, published_version
from services.inputs import KEEP, Checks, parse_id
from services.rows import found
from services.uow import transaction
from services.versions import Versioned
from subscriptions.topics import Topic


def engine_problems(
    problems: Iterable[workflow.Problem], root: str = "definition"
) -> list[Problem]:
    """The engine's findings as input errors whose field path names the node or transition."""
    found = []
    for p in problems:
        if p.severity != "error":
            continue
        if p.node_id:
            path: tuple[str, ...] = (root, "nodes", p.node_id)
        elif p.transition_id:
            path = (root, "transitions", p.transition_id)
        else:
            path = (root,)
        found.append(Problem(Code.INVALID, p.message, path))
    return found


def parse(definition: Any, root: str = "definition") -> workflow.FlowDefinition:
    parsed, problems = workflow.parse_definition(definition if isinstance(definition, dict) else {})
    if parsed is None or not isinstance(definition, dict):
        raise ServiceError(
            *(engine_problems(problems, root) or [Problem(Code.INVALID, _("Not a flow"), (root,))])
        )
    return parsed


FLOWS = Versioned(
    noun="flow",
    kind=_("Flow"),
    definition=FlowDefinition,
    version=FlowVersion,
    owner="flow_id",
    topic=Topic.FLOW_PUBLISHED,
    content=("definition",),
    blank={"definition": {}},
)


def _manage(actor: Actor | None) -> Actor:
    return require(actor, Permission.FLOWS_MANAGE)


async def create_flow(
    actor: Actor | None,
    *,
    key: str,
    name: str,
    form_id: uuid.UUID | str,
    definition: Any,
    description: str = "",
) -> tuple[FlowDefinition, FlowVersion]:
    """A new flow with its first draft; drafts may be incomplete, publishing checks them."""
    actor = _manage(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        key = checks.code(key, "key")
        name = checks.text(name, "name")
    parse(definition)
    async with transaction(actor) as work:
        form = await found(scope, FormDefinition, form_id, _("Form"), "formId")
        return await FLOWS.create(
            work,
            scope,
            key,
            {"name": name, "description": description, "form_id": form.id},
            {"definition": definition},
        )


async def update_flow_draft(
    actor: Actor | None,
    *,
    flow_id: uuid.UUID | str,
    name: Any = KEEP,
    description: Any = KEEP,
    definition: Any = KEEP,
) -> tuple[FlowDefinition, FlowVersion]:
    actor = _manage(actor)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
    if definition is not KEEP:
        parse(definition)
    return await FLOWS.update_draft(
        actor, flow_id, {"name": name, "description": description}, {"definition": definition}
    )


async def import_bpmn(
    actor: Actor | None, *, flow_id: uuid.UUID | str, xml: str
) -> tuple[FlowDefinition, FlowVersion]:
    """Replace the draft by a BPMN 2.0 file; any element we do not support is reported (with
    its id) and nothing is changed."""
    actor = _manage(actor)
    if len(xml) > 2_000_000:
        raise ServiceError.of(Code.TOO_LONG, _("The BPMN file is larger than 2 MB"), "xml")
    parsed, problems = workflow.import_bpmn(xml)
    errors = [p for p in problems if p.severity == "error"]
    if parsed is None or errors:
        raise ServiceError(
            *[
                Problem(Code.INVALID, p.message, ("xml", p.node_id or p.transition_id or ""))
                for p in errors
            ]
            or [Problem(Code.INVALID, _("Not a BPMN 2.0 process"), ("xml",))]
        )
    return await update_flow_draft(actor, flow_id=flow_id, definition=parsed.to_json())


async def publish_flow(
    actor: Actor | None, *, flow_id: uuid.UUID | str
) -> tuple[FlowDefinition, FlowVersion]:
    """Validate the draft against the bound form's published version and the directory; on
    success freeze it. Problems name the node or transition at fault."""
    return await FLOWS.publish(_manage(actor), flow_id, _publishable)


async def _publishable(
    scope: TenantScope, flow: FlowDefinition, draft: FlowVersion
) -> dict[str, Any]:
    form_version = await published_version(scope, flow.form_id)
    if form_version is None:
        raise ServiceError.of(
            Code.INVALID_STATE, _("Publish the flow's form before the flow"), "id"
        )
    definition = parse(draft.definition)
    checker = await AssigneeCheck.load(scope, definition)
    problems = workflow.validate(definition, list(field_paths(form_version.json_schema)), checker)
    found = engine_problems(problems)
    if found:
        raise ServiceError(*found)
    draft.form_version_id = form_version.id
    return {"formVersion": form_version.number}


class AssigneeCheck:
    """Answers the engine's `check_assignee(rule)` from directory facts loaded up front (the
    engine is pure, so it cannot query)."""

    def __init__(self, roles: set[str], leaders: set[str], users: set[str]) -> None:
        self.roles_with_holders = roles
        self.units_with_leaders = leaders
        self.active_users = users

    @classmethod
    async def load(cls, scope: TenantScope, definition: workflow.FlowDefinition) -> AssigneeCheck:
        rules = [n.assignee for n in definition.nodes if n.assignee is not None]
        rules += [rule for n in definition.nodes for rule in n.cc]
        rules += [
            n.deadline.escalate_to
            for n in definition.nodes
            if n.deadline is not None and n.deadline.escalate_to is not None
        ]
        role_codes = {r.role_code for r in rules if isinstance(r, workflow.RoleRule)}
        unit_ids = [
            i
            for r in rules
            if isinstance(r, workflow.OrgUnitLeaderRule)
            if (i := parse_id(r.org_unit_id))
        ]
        named = [u for r in rules if isinstance(r, workflow.UsersRule) for u in r.ids]
        held = (
            await scope.query(RoleAssignment)
            .filter(role__code__in=role_codes, user__status=UserStatus.ACTIVE)
            .values_list("role__code", flat=True)
            if role_codes
            else []
        )
        led = (
            await scope.query(OrgUnit)
            .filter(id__in=unit_ids, leader_id__isnull=False)
            .values_list("id", flat=True)
            if unit_ids
            else []
        )
        known = await active_user_ids(scope, named) if named else {}
        return cls({str(c) for c in held}, {str(u) for u in led}, set(known))

    def __call__(self, rule: workflow.AssigneeRule) -> str | None:
        if isinstance(rule, workflow.RoleRule) and rule.role_code not in self.roles_with_holders:
            return f"no active user holds the role '{rule.role_code}'"
        if isinstance(rule, workflow.OrgUnitLeaderRule):
            key = parse_id(rule.org_unit_id)
            if key is None or str(key) not in self.units_with_leaders:
                return f"org unit {rule.org_unit_id} does not exist or has no leader"
        if isinstance(rule, workflow.UsersRule):
            missing = [u for u in rule.ids if u not in self.active_users]
            if missing or not rule.ids:
                return f"not active users of this tenant: {', '.join(missing) or '(none given)'}"
        return None


TEMPLATE_ROLE_PERMISSIONS = {
    "office_clerk": [Permission.EXCHANGE_SEND.value, Permission.EXCHANGE_RECEIVE.value],
}
"""The 收发员 distributes finished 发文 to other departments and signs for what they send."""


async def ensure_roles(scope: TenantScope, codes: dict[str, str]) -> list[Role]:
    """Roles a template expects, created when missing (the office clerk with the exchange
    permissions, the others with none); existing roles are left as the tenant set them."""
    existing = {r.code for r in await scope.query(Role).filter(code__in=list(codes))}
    return [
        await scope.create(
            Role,
            code=code,
            name=name,
            permissions=TEMPLATE_ROLE_PERMISSIONS.get(code, []),
            data_scope=DataScope.SELF,
        )
        for code, name in codes.items()
        if code not in existing
    ]
