"""The personal address book beside the directory: a user's own contacts, and the tenant's
shared ones (kept by holders of `directory.manage`). Colleagues come from the directory and
partner departments from the exchange (`resolvers/calendar.py` reads both)."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor, Permission
from models.calendar import Contact
from models.scope import TenantScope
from services.errors import check_version, not_found, require, signed_in
from services.inputs import KEEP, Checks, apply_changes
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

FIELDS = {"organisation": 200, "title": 100, "phone": 50, "remark": 500}


def _check(checks: Checks, values: dict[str, str | None]) -> dict[str, str]:
    """Trimmed values of the fields sent (KEEP ones left out)."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if value is KEEP:
            continue
        if name == "name":
            out[name] = checks.text(value, "name", max_length=100)
        elif name == "email":
            out[name] = checks.email(value, "email") or ""
        else:
            out[name] = checks.optional_text(value, name, max_length=FIELDS[name]) or ""
    return out


def _emit(work: Work, contact: Contact, action: str) -> None:
    work.audit(
        contact.tenant_id, f"contact.{action}", "Contact", contact.id, {"name": contact.name}
    )
    work.emit(
        contact.tenant_id,
        Topic.CONTACT_CHANGED,
        {
            "contactId": global_id("Contact", contact.id),
            "action": action,
            "shared": contact.owner_id is None,
        },
    )


async def create_contact(
    actor: Actor | None,
    *,
    name: str,
    shared: bool = False,
    organisation: str | None = None,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    remark: str | None = None,
) -> Contact:
    """A contact of the actor's own, or with `shared` one of the whole tenant."""
    actor = require(actor, Permission.DIRECTORY_MANAGE) if shared else signed_in(actor)
    with Checks() as checks:
        values = _check(
            checks,
            {
                "name": name,
                "organisation": organisation,
                "title": title,
                "phone": phone,
                "email": email,
                "remark": remark,
            },
        )
    async with transaction(actor) as work:
        contact = await TenantScope(actor.tenant_id).create(
            Contact, owner_id=None if shared else actor.user_id, **values
        )
        _emit(work, contact, "created")
    return contact


async def _editable(scope: TenantScope, actor: Actor, id: uuid.UUID | str) -> Contact:
    contact = (
        await scope.query(Contact).filter(id=id).select_for_update().first()
        if isinstance(id, uuid.UUID)
        else None
    )
    if contact is None or contact.owner_id not in (None, actor.user_id):
        raise not_found(_("Contact"), "id")
    if contact.owner_id is None:
        require(actor, Permission.DIRECTORY_MANAGE)
    return contact


async def update_contact(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: str = KEEP,
    organisation: str | None = KEEP,
    title: str | None = KEEP,
    phone: str | None = KEEP,
    email: str | None = KEEP,
    remark: str | None = KEEP,
    expected_version: int | None = None,
) -> Contact:
    actor = signed_in(actor)
    with Checks() as checks:
        values = _check(
            checks,
            {
                "name": name,
                "organisation": organisation,
                "title": title,
                "phone": phone,
                "email": email,
                "remark": remark,
            },
        )
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        contact = await _editable(scope, actor, id)
        check_version(contact.version, expected_version)
        apply_changes(contact, **values)
        contact.version += 1
        await contact.save()
        _emit(work, contact, "updated")
    return contact


async def delete_contact(actor: Actor | None, *, id: uuid.UUID | str) -> Contact:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        contact = await _editable(scope, actor, id)
        await contact.delete()
        _emit(work, contact, "deleted")
    return contact
