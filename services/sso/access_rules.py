"""Portal access rules (门户访问授权): which service components a user, org unit or role may use."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from i18n import _
from models.access import Actor, Permission
from models.directory import OrgUnit, Role, User
from models.scope import TenantScope
from models.sso import AccessRule, AccessSubject
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.sso.access_log import COMPONENT_KEY_MAX
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id


def _components(checks: Checks, components: Iterable[str]) -> list[str]:
    cleaned = sorted({c.strip() for c in components if c and c.strip()})
    for key in cleaned:
        if len(key) > COMPONENT_KEY_MAX or not key.replace("-", "").replace("_", "").isalnum():
            checks.fail(
                Code.INVALID,
                _("'{key}' is not a service component key (letters, digits, '-', '_')", key=key),
                "components",
            )
    return cleaned


async def _subject_exists(scope: TenantScope, kind: AccessSubject, subject_id: Any) -> uuid.UUID:
    model, what = {
        AccessSubject.USER: (User, _("User")),
        AccessSubject.ORG_UNIT: (OrgUnit, _("OrgUnit")),
        AccessSubject.ROLE: (Role, _("Role")),
    }[kind]
    row = await scope.get(model, subject_id)
    if row is None:
        raise not_found(what, "subjectId")
    return uuid.UUID(str(row.id))


async def create_access_rule(
    actor: Actor | None,
    *,
    subject_type: AccessSubject,
    subject_id: uuid.UUID | str,
    components: list[str],
    note: str = "",
) -> AccessRule:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        cleaned = _components(checks, components)
        note = (note or "").strip()[:200]
    async with transaction(actor) as work:
        key = await _subject_exists(scope, subject_type, subject_id)
        if await scope.query(AccessRule).filter(subject_type=subject_type, subject_id=key).exists():
            raise ServiceError.of(
                Code.DUPLICATE, _("This subject already has an access rule; change it"), "subjectId"
            )
        rule = await scope.create(
            AccessRule, subject_type=subject_type, subject_id=key, components=cleaned, note=note
        )
        work.audit(
            actor.tenant_id,
            "access_rule.created",
            "AccessRule",
            rule.id,
            {"subject": f"{subject_type.value}:{key}", "components": cleaned},
        )
        _changed(work, actor, rule.id, "created")
    return rule


async def update_access_rule(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    components: Any = KEEP,
    note: Any = KEEP,
    expected_version: int | None = None,
) -> AccessRule:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if components is not KEEP:
            components = _components(checks, components or [])
        if note is not KEEP:
            note = (note or "").strip()[:200]
    async with transaction(actor) as work:
        key = parse_id(id)
        rule = (
            await scope.query(AccessRule).filter(id=key).select_for_update().get_or_none()
            if key
            else None
        )
        if rule is None:
            raise not_found(_("Access rule"), "id")
        check_version(rule.version, expected_version)
        changes = apply_changes(rule, components=components, note=note)
        if changes:
            rule.version += 1
            await rule.save()
            work.audit(actor.tenant_id, "access_rule.updated", "AccessRule", rule.id, changes)
            _changed(work, actor, rule.id, "updated")
    return rule


async def delete_access_rule(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    actor = require(actor, Permission.TENANT_ADMIN)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        rule = await scope.get(AccessRule, id)
        if rule is None:
            raise not_found(_("Access rule"), "id")
        await rule.delete()
        work.audit(
            actor.tenant_id,
            "access_rule.deleted",
            "AccessRule",
            rule.id,
            {"subject": f"{rule.subject_type.value}:{rule.subject_id}"},
        )
        _changed(work, actor, rule.id, "deleted")
    return rule.id


def _changed(work: Work, actor: Actor, rule_id: uuid.UUID, action: str) -> None:
    """Who may use what changed: every process drops the tenant's cached viewers."""
    payload = {"id": global_id("AccessRule", rule_id), "type": "AccessRule", "action": action}
    work.emit(actor.tenant_id, Topic.ACCESS_RULES_CHANGED, payload)
