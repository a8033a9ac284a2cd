"""Out-of-office rules (委托规则): a user (or a document manager for her) names a delegate for a
period, for every flow or one; while a rule is in force her new tasks go to the delegate
(`in_force` gives the engine the rules of one document's flow). A user's rules for the same
flow, or for every flow, may not overlap: one rule answers at any moment."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from i18n import _
from models.access import Actor, Permission
from models.directory import User, UserStatus
from models.documents import DelegationRule
from models.flows import FlowDefinition
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, not_found, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.rows import found, locked
from services.uow import Work, transaction

#: the longest rule: beyond a year, the tasks belong to someone else for good (转交).
LONGEST = timedelta(days=366)


async def in_force(scope: TenantScope, flow_id: uuid.UUID, now: datetime) -> dict[str, str]:
    """user -> delegate, for the rules in force now that cover the flow (a rule for this very
    flow wins over one for every flow); delegates who left are skipped."""
    rules = await scope.query(DelegationRule).filter(
        Q(flow_id=flow_id) | Q(flow_id=None),
        starts_at__lte=now,
        ends_at__gt=now,
        delegate__status=UserStatus.ACTIVE,
    )
    out: dict[str, str] = {}
    for rule in sorted(rules, key=lambda r: r.flow_id is not None):
        out[str(rule.user_id)] = str(rule.delegate_id)
    return out


async def create_delegation_rule(
    actor: Actor | None,
    *,
    delegate_id: uuid.UUID | str,
    starts_at: datetime,
    ends_at: datetime,
    flow_id: uuid.UUID | str | None = None,
    reason: str | None = None,
    user_id: uuid.UUID | str | None = None,
) -> DelegationRule:
    """A rule for the actor, or (a document manager) for ``user_id``."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        user = await _owner(scope, actor, user_id or actor.user_id, "userId")
        values = await _checked(scope, work, user, delegate_id, starts_at, ends_at, flow_id, reason)
        await _no_overlap(scope, user.id, values, None)
        rule = await scope.create(
            DelegationRule, user_id=user.id, created_by_id=actor.user_id, **values
        )
        work.audit(
            actor.tenant_id, "delegation_rule.created", "DelegationRule", rule.id, _summary(rule)
        )
    return rule


async def update_delegation_rule(
    actor: Actor | None,
    *,
    rule_id: uuid.UUID | str,
    delegate_id: Any = KEEP,
    starts_at: Any = KEEP,
    ends_at: Any = KEEP,
    flow_id: Any = KEEP,
    reason: Any = KEEP,
    expected_version: int | None = None,
) -> DelegationRule:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        rule = await _rule(scope, actor, rule_id)
        check_version(rule.version, expected_version)
        user = await found(scope, User, rule.user_id, _("User"), "id")
        values = await _checked(
            scope,
            work,
            user,
            rule.delegate_id if delegate_id is KEEP else delegate_id,
            rule.starts_at if starts_at is KEEP else starts_at,
            rule.ends_at if ends_at is KEEP else ends_at,
            rule.flow_id if flow_id is KEEP else flow_id,
            rule.reason if reason is KEEP else reason,
        )
        await _no_overlap(scope, user.id, values, rule.id)
        changes = apply_changes(rule, **values)
        rule.version += 1
        await rule.save()
        work.audit(actor.tenant_id, "delegation_rule.updated", "DelegationRule", rule.id, changes)
    return rule


async def delete_delegation_rule(
    actor: Actor | None, *, rule_id: uuid.UUID | str
) -> DelegationRule:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        rule = await _rule(scope, actor, rule_id)
        await rule.delete()
        work.audit(
            actor.tenant_id, "delegation_rule.deleted", "DelegationRule", rule.id, _summary(rule)
        )
    return rule


def manages(actor: Actor, user_id: uuid.UUID) -> bool:
    """Whether ``actor`` sees and edits ``user_id``'s rules: her own, or as a manager."""
    return user_id == actor.user_id or actor.has(Permission.DOCUMENTS_MANAGE)


async def _owner(scope: TenantScope, actor: Actor, user_id: Any, field: str) -> User:
    """The user whose rules change, locked: her rules are checked for overlaps one at a time."""
    key = parse_id(user_id)
    if key is None or not manages(actor, key):
        raise ServiceError.of(
            Code.FORBIDDEN, _("Only the user or a document manager sets her rules"), field
        )
    return await locked(scope, User, key, _("User"), field)


async def _rule(scope: TenantScope, actor: Actor, rule_id: Any) -> DelegationRule:
    rule = await scope.get(DelegationRule, rule_id)
    if rule is None or not manages(actor, rule.user_id):
        raise not_found(_("Delegation rule"), "id")
    await _owner(scope, actor, rule.user_id, "id")
    return await locked(scope, DelegationRule, rule.id, _("Delegation rule"), "id")


async def _checked(
    scope: TenantScope,
    work: Work,
    user: User,
    delegate_id: Any,
    starts_at: datetime,
    ends_at: datetime,
    flow_id: Any,
    reason: str | None,
) -> dict[str, Any]:
    """The rule's fields, every problem with them reported at once."""
    with Checks() as checks:
        delegate = await scope.get(User, delegate_id)
        if delegate is None or delegate.status is not UserStatus.ACTIVE:
            checks.fail(Code.NOT_FOUND, _("Active user not found"), "delegateId")
        elif delegate.id == user.id:
            checks.fail(Code.INVALID, _("Name someone else as the delegate"), "delegateId")
        if flow_id is not None and await scope.get(FlowDefinition, flow_id) is None:
            checks.fail(Code.NOT_FOUND, _("Flow not found"), "flowId")
        if starts_at.tzinfo is None or ends_at.tzinfo is None:
            checks.fail(Code.INVALID, _("Give times with their time zone"), "startsAt")
        elif ends_at <= starts_at:
            checks.fail(Code.INVALID, _("A rule ends after it starts"), "endsAt")
        elif ends_at <= work.now:
            checks.fail(Code.INVALID, _("The rule would be over already"), "endsAt")
        elif ends_at - starts_at > LONGEST:
            checks.fail(
                Code.INVALID, _("A rule lasts at most a year; transfer the tasks instead"), "endsAt"
            )
        text = checks.optional_text(reason, "reason", max_length=200) or ""
    assert delegate is not None
    return {
        "delegate_id": delegate.id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "flow_id": parse_id(flow_id) if flow_id is not None else None,
        "reason": text,
    }


async def _no_overlap(
    scope: TenantScope, user_id: uuid.UUID, values: dict[str, Any], besides: uuid.UUID | None
) -> None:
    clash = (
        scope.query(DelegationRule)
        .filter(user_id=user_id, flow_id=values["flow_id"])
        .filter(starts_at__lt=values["ends_at"], ends_at__gt=values["starts_at"])
    )
    if besides is not None:
        clash = clash.exclude(id=besides)
    if await clash.exists():
        raise ServiceError.of(
            Code.CONFLICT,
            _("Another rule of this user covers part of that time for the same flows"),
            "startsAt",
        )


def _summary(rule: DelegationRule) -> dict[str, Any]:
    return {
        "user": str(rule.user_id),
        "delegate": str(rule.delegate_id),
        "flow": str(rule.flow_id) if rule.flow_id else None,
        "startsAt": rule.starts_at.isoformat(),
        "endsAt": rule.ends_at.isoformat(),
        "reason": rule.reason,
    }
