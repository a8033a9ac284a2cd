"""Users and their org-unit memberships. A user always belongs to at least one unit; a user with
history is never deleted (off-boarding deactivates: services/offboarding.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from i18n import _
from models.access import Actor
from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, User, UserStatus
from models.scope import TenantScope
from services import usage
from services.directory.common import (
    keep_an_administrator,
    manage,
    record,
    save_new,
    user_org_paths,
)
from services.directory.contacts import clean_contacts, primary_value, with_primary
from services.errors import Code, ServiceError, check_version, not_found, signed_in
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.rows import locked
from services.uow import transaction
from subscriptions.topics import Topic


async def create_user(
    actor: Actor | None,
    *,
    username: str,
    display_name: str,
    org_unit_ids: list[uuid.UUID | str],
    primary_org_unit_id: uuid.UUID | str | None = None,
    email: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    external_subject: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    emails: list[dict[str, Any]] | None = None,
    phones: list[dict[str, Any]] | None = None,
) -> User:
    """`emails` and `phones` (the portal's lists) decide `email` and `phone` when sent."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        username = checks.username(username, "username")
        display_name = checks.text(display_name, "displayName", max_length=100)
        given_name = checks.optional_text(given_name, "givenName", max_length=100)
        family_name = checks.optional_text(family_name, "familyName", max_length=100)
        emails = _emails(checks, emails)
        phones = _phones(checks, phones)
        email = checks.email(email, "email") if emails is None else primary_value(emails)
        phone = (
            checks.optional_text(phone, "phone", max_length=32)
            if phones is None
            else primary_value(phones)
        )
        title = checks.optional_text(title, "title", max_length=100)
        external_subject = checks.optional_text(external_subject, "externalSubject", max_length=255)
        if not org_unit_ids:
            checks.fail(Code.REQUIRED, _("A user belongs to at least one org unit"), "orgUnitIds")
    async with transaction(actor) as work:
        units = await _units(scope, org_unit_ids, "orgUnitIds")
        manage(actor, paths=(u.path for u in units))
        primary = _primary(units, primary_org_unit_id)
        await _unique_user_keys(scope, username=username, external_subject=external_subject)
        await usage.admit_user(actor.tenant_id)
        user = await save_new(
            scope.create(
                User,
                username=username,
                display_name=display_name,
                given_name=given_name,
                family_name=family_name,
                email=email,
                phone=phone,
                emails=emails,
                phones=phones,
                title=title,
                external_subject=external_subject,
                primary_org_unit_id=primary.id,
            ),
            "username",
        )
        await scope.bulk_create(
            Membership, [Membership(user_id=user.id, org_unit_id=u.id) for u in units]
        )
        record(
            work,
            actor,
            Topic.USER_CREATED,
            user,
            {"username": username, "orgUnitIds": [str(u.id) for u in units]},
        )
    return user


async def update_user(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    username: Any = KEEP,
    display_name: Any = KEEP,
    given_name: Any = KEEP,
    family_name: Any = KEEP,
    email: Any = KEEP,
    phone: Any = KEEP,
    emails: Any = KEEP,
    phones: Any = KEEP,
    title: Any = KEEP,
    status: Any = KEEP,
    external_subject: Any = KEEP,
    org_unit_ids: Any = KEEP,
    primary_org_unit_id: Any = KEEP,
    expected_version: int | None = None,
) -> User:
    """A user made active again is no longer deleted at the portal (`deleted_at`)."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        if username is not KEEP:
            username = checks.username(username, "username")
        if display_name is not KEEP:
            display_name = checks.text(display_name, "displayName", max_length=100)
        if given_name is not KEEP:
            given_name = checks.optional_text(given_name, "givenName", max_length=100)
        if family_name is not KEEP:
            family_name = checks.optional_text(family_name, "familyName", max_length=100)
        if emails is not KEEP:
            emails = _emails(checks, emails)
            email = primary_value(emails)
        elif email is not KEEP:
            email = checks.email(email, "email")
        if phones is not KEEP:
            phones = _phones(checks, phones)
            phone = primary_value(phones)
        elif phone is not KEEP:
            phone = checks.optional_text(phone, "phone", max_length=32)
        if title is not KEEP:
            title = checks.optional_text(title, "title", max_length=100)
        if external_subject is not KEEP:
            external_subject = checks.optional_text(
                external_subject, "externalSubject", max_length=255
            )
        if status is not KEEP and status not in set(UserStatus):
            checks.fail(Code.INVALID, _("Unknown status {status}", status=status), "status")
        if org_unit_ids is not KEEP and not org_unit_ids:
            checks.fail(Code.REQUIRED, _("A user belongs to at least one org unit"), "orgUnitIds")
    async with transaction(actor) as work:
        user = await locked(scope, User, id, _("User"), "id")
        current_paths = await user_org_paths(scope, user.id)
        manage(actor, paths=current_paths, user_id=user.id)
        check_version(user.version, expected_version)
        if status not in (KEEP, UserStatus.ACTIVE):
            if user.id == actor.user_id:
                raise ServiceError.of(Code.INVALID, _("You cannot deactivate yourself"), "status")
            await keep_an_administrator(scope, "status", user_id=user.id)
        if external_subject not in (KEEP, None, user.external_subject):
            await _unique_user_keys(scope, username=None, external_subject=external_subject)
        if username not in (KEEP, user.username):
            await _unique_user_keys(scope, username=username, external_subject=None, but=user.id)
        if status == UserStatus.ACTIVE and user.status != UserStatus.ACTIVE:
            await usage.admit_user(actor.tenant_id, "status")
        if emails is KEEP and email is not KEEP and email != user.email:
            emails = with_primary(user.emails, email)
        if phones is KEEP and phone is not KEEP and phone != user.phone:
            phones = with_primary(user.phones, phone)
        changes = apply_changes(
            user,
            username=username,
            display_name=display_name,
            given_name=given_name,
            family_name=family_name,
            email=email,
            phone=phone,
            emails=emails,
            phones=phones,
            title=title,
            status=status,
            external_subject=external_subject,
        )
        if user.status == UserStatus.ACTIVE and user.deleted_at is not None:
            user.deleted_at = None
            changes["deletedAt"] = None
        if org_unit_ids is not KEEP or primary_org_unit_id is not KEEP:
            changes.update(
                await _set_memberships(scope, actor, user, org_unit_ids, primary_org_unit_id)
            )
        if changes:
            user.version += 1
            await save_new(user.save(), "username" if "username" in changes else "externalSubject")
            record(work, actor, Topic.USER_UPDATED, user, changes)
    return user


async def delete_user(actor: Actor | None, *, id: uuid.UUID | str) -> uuid.UUID:
    """Only for a user without history; anyone who acted is deactivated instead."""
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        user = await locked(scope, User, id, _("User"), "id")
        manage(actor, paths=await user_org_paths(scope, user.id), user_id=user.id)
        if user.id == actor.user_id:
            raise ServiceError.of(Code.INVALID, _("You cannot delete yourself"), "id")
        await keep_an_administrator(scope, "id", user_id=user.id)
        if await scope.query(OrgUnit).filter(leader_id=user.id).exists():
            raise ServiceError.of(Code.IN_USE, _("The user leads an org unit; name another leader"))
        if await scope.query(AuditEntry).filter(actor_id=user.id).exists():
            raise ServiceError.of(
                Code.IN_USE, _("The user has history; set the status to disabled instead"), "id"
            )
        await user.delete()
        record(work, actor, Topic.USER_DELETED, user, {"username": user.username})
    return user.id


async def _units(scope: TenantScope, ids: Iterable[Any], field: str) -> list[OrgUnit]:
    keys = [parse_id(i) for i in ids]
    if any(k is None for k in keys):
        raise not_found(_("Org unit"), field)
    units = await scope.query(OrgUnit).filter(id__in=keys, archived_at=None)
    by_id = {u.id: u for u in units}
    missing = [k for k in keys if k not in by_id]
    if missing:
        raise not_found(_("Org unit {missing_0}", missing_0=missing[0]), field)
    return [by_id[k] for k in dict.fromkeys(keys) if k is not None]


def _primary(units: list[OrgUnit], primary_id: Any) -> OrgUnit:
    if primary_id in (None, KEEP):
        return units[0]
    key = parse_id(primary_id)
    for unit in units:
        if unit.id == key:
            return unit
    raise ServiceError.of(
        Code.INVALID, _("The primary org unit must be one of the user's units"), "primaryOrgUnitId"
    )


async def _set_memberships(
    scope: TenantScope, actor: Actor, user: User, unit_ids: Any, primary_id: Any
) -> dict[str, Any]:
    current = await scope.query(Membership).filter(user_id=user.id).prefetch_related("org_unit")
    if unit_ids is KEEP:
        units = [m.org_unit for m in current]
    else:
        units = await _units(scope, unit_ids, "orgUnitIds")
        manage(actor, paths=(u.path for u in units))
    primary = _primary(units, primary_id if primary_id is not KEEP else user.primary_org_unit_id)
    old_ids = {m.org_unit_id for m in current}
    new_ids = {u.id for u in units}
    changes: dict[str, Any] = {}
    if old_ids != new_ids:
        await (
            scope.query(Membership)
            .filter(user_id=user.id, org_unit_id__in=old_ids - new_ids)
            .delete()
        )
        await scope.bulk_create(
            Membership,
            [Membership(user_id=user.id, org_unit_id=i) for i in new_ids - old_ids],
        )
        changes["orgUnitIds"] = sorted(str(i) for i in new_ids)
    if user.primary_org_unit_id != primary.id:
        user.primary_org_unit_id = primary.id
        changes["primaryOrgUnitId"] = str(primary.id)
    return changes


def _emails(checks: Checks, items: Any) -> list[dict[str, Any]] | None:
    return clean_contacts(checks, items, "emails", lambda v: checks.email(v, "emails"))


def _phones(checks: Checks, items: Any) -> list[dict[str, Any]] | None:
    return clean_contacts(
        checks,
        items,
        "phoneNumbers",
        lambda v: checks.optional_text(v, "phoneNumbers", max_length=32),
    )


async def _unique_user_keys(
    scope: TenantScope,
    *,
    username: str | None,
    external_subject: str | None,
    but: uuid.UUID | None = None,
) -> None:
    """Usernames ignore case (so does the index on lower(username), the last word on races)."""
    others = scope.query(User).exclude(id=but) if but else scope.query(User)
    if username and await others.filter(username__iexact=username).exists():
        raise ServiceError.of(
            Code.DUPLICATE, _("The username '{username}' is taken", username=username), "username"
        )
    if external_subject and await others.filter(external_subject=external_subject).exists():
        raise ServiceError.of(
            Code.DUPLICATE,
            _(
                "Another user already has the subject '{external_subject}'",
                external_subject=external_subject,
            ),
            "externalSubject",
        )
