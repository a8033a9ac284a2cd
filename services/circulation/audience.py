"""Whom a circulation reaches: users, the members of org units and the holders of roles, each
of whom must be able to read the document once it is circulated to them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from i18n import _
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User, UserStatus
from models.documents import Document
from models.scope import TenantScope
from services.documents import access
from services.errors import Code, ServiceError, not_found
from services.inputs import parse_id
from subscriptions.topics import global_id

MAX_RECIPIENTS = 500


@dataclass(frozen=True)
class Audience:
    """Whom to circulate to; an id that is not a UUID (a global id of another type) is
    NOT_FOUND."""

    user_ids: Sequence[uuid.UUID | str] = ()
    org_unit_ids: Sequence[uuid.UUID | str] = ()
    role_ids: Sequence[uuid.UUID | str] = ()


def _keys(values: Sequence[uuid.UUID | str], what: str, field: str) -> list[uuid.UUID]:
    keys = [parse_id(v) for v in values]
    found = [k for k in keys if k is not None]
    if len(found) != len(keys):
        raise not_found(what, field)
    return found


async def recipients(
    scope: TenantScope, document: Document, audience: Audience, sender: uuid.UUID
) -> list[uuid.UUID]:
    """Everyone the audience names but the sender, in order; refused (CANNOT_READ, naming
    them) when someone named may not read the document: a user of another tenant or a
    disabled one, or anyone at all where secrecy keeps the document to its participants."""
    named = list(dict.fromkeys(_keys(audience.user_ids, _("User"), "userIds")))
    members = await _members(scope, audience)
    everyone = [u for u in dict.fromkeys([*named, *members]) if u != sender]
    if not everyone:
        raise ServiceError.of(Code.REQUIRED, _("Name at least one other person"), "userIds")
    if len(everyone) > MAX_RECIPIENTS:
        raise ServiceError.of(
            Code.INVALID,
            _("At most {MAX_RECIPIENTS} people per circulation", MAX_RECIPIENTS=MAX_RECIPIENTS),
            "userIds",
        )
    readers = await access.may_receive(document, everyone)
    refused = [u for u in everyone if u not in readers]
    if refused:
        raise ServiceError.of(
            Code.CANNOT_READ,
            _(
                "These recipients may not read the document: {names}",
                names=await _names(scope, refused),
            ),
            "userIds",
        )
    return everyone


async def _members(scope: TenantScope, audience: Audience) -> list[uuid.UUID]:
    """Active members of the org units and holders of the roles (inactive ones are left out:
    a unit is not refused for the colleague who left)."""
    found: list[uuid.UUID] = []
    if audience.org_unit_ids:
        units = set(_keys(audience.org_unit_ids, _("Org unit"), "orgUnitIds"))
        known = await scope.query(OrgUnit).filter(id__in=list(units)).count()
        if known != len(units):
            raise not_found(_("Org unit"), "orgUnitIds")
        members: list[Any] = (
            await scope.query(Membership)
            .filter(org_unit_id__in=list(units), user__status=UserStatus.ACTIVE)
            .order_by("created_at")
            .values_list("user_id", flat=True)
        )
        found += members
    if audience.role_ids:
        roles = set(_keys(audience.role_ids, _("Role"), "roleIds"))
        if await scope.query(Role).filter(id__in=list(roles)).count() != len(roles):
            raise not_found(_("Role"), "roleIds")
        holders: list[Any] = (
            await scope.query(RoleAssignment)
            .filter(role_id__in=list(roles), user__status=UserStatus.ACTIVE)
            .order_by("created_at")
            .values_list("user_id", flat=True)
        )
        found += holders
    return found


async def _names(scope: TenantScope, user_ids: list[uuid.UUID]) -> str:
    """Display names, and the global id of anyone who is not a user of this tenant."""
    names = dict(await scope.query(User).filter(id__in=user_ids).values_list("id", "display_name"))
    return ", ".join(names.get(u) or global_id("User", u) for u in user_ids)
