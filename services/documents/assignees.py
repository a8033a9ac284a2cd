"""Who handles an activated node: every assignee rule goes through `resolve` (the engine runs
with auto_assign off), so users may be named by id or username and only active users of the
tenant are kept; the rules that need the directory (role holders, unit leaders) are read here."""

from __future__ import annotations

import uuid

import workflow
from i18n import _
from models.directory import OrgUnit, RoleAssignment
from models.documents import Document
from models.scope import TenantScope
from services.directory import active_user_ids
from services.errors import Code, ServiceError


async def resolve(
    scope: TenantScope,
    flow: workflow.FlowDefinition,
    document: Document,
    instance: workflow.Instance,
    activation: workflow.Activation,
) -> list[str]:
    """The active users an activation goes to; refused when the rule finds nobody."""
    rule = activation.rule
    if isinstance(rule, workflow.UsersRule):
        found: list[str] | None = list(rule.ids)
    else:
        found = workflow.resolve_builtin(flow, instance, activation, document.form_data)
    if found is None:
        found = await directory_users(scope, document, rule)
    users = list(dict.fromkeys((await active_user_ids(scope, found)).values()))
    if not users:
        name = flow.node(activation.node_id).name or activation.node_id
        raise ServiceError.of(
            Code.INVALID_STATE,
            _(
                "Nobody can handle '{name}': the rule {kind} finds no active user",
                name=name,
                kind=rule.kind,
            ),
        )
    return users


async def directory_users(
    scope: TenantScope, document: Document, rule: workflow.AssigneeRule
) -> list[str]:
    if isinstance(rule, workflow.RoleRule):
        holders = (
            await scope.query(RoleAssignment)
            .filter(role__code=rule.role_code)
            .order_by("created_at")
            .values_list("user_id", flat=True)
        )
        return [str(u) for u in dict.fromkeys(holders)]
    if isinstance(rule, workflow.OrgUnitLeaderRule):
        unit = await scope.get(OrgUnit, rule.org_unit_id)
        return [str(unit.leader_id)] if unit and unit.leader_id else []
    if isinstance(rule, workflow.InitiatorLeaderRule):
        return await _initiator_leader(scope, document, rule.levels_up)
    return []


async def _initiator_leader(scope: TenantScope, document: Document, levels_up: int) -> list[str]:
    """The leader `levels_up` units above the initiator's unit; further up while a unit
    has no leader or its leader is the initiator."""
    unit = await scope.get(OrgUnit, document.org_unit_id)
    if unit is None:
        return []
    chain = [uuid.UUID(hex=part) for part in unit.path.strip("/").split("/")]
    units = {u.id: u for u in await scope.query(OrgUnit).filter(id__in=chain)}
    for key in reversed(chain[: max(len(chain) - levels_up, 0)]):
        leader = units[key].leader_id if key in units else None
        if leader and leader != document.initiator_id:
            return [str(leader)]
    return []
