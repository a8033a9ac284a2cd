"""Bookable resources (公共事务): meeting rooms, vehicles and equipment of a tenant, kept by
holders of `bookings.manage`, with capacity, attributes, opening hours and whether a booking
needs a keeper's approval."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.bookings import Resource, ResourceKind
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes
from services.uow import Work, transaction
from services.workdays import check_hours
from subscriptions.topics import Topic, global_id

MAX_ATTRIBUTES = 50


def _check(checks: Checks, values: dict[str, Any]) -> dict[str, Any]:
    """The values sent, checked and cleaned."""
    out = {k: v for k, v in values.items() if v is not KEEP}
    if "name" in out:
        out["name"] = checks.text(out["name"], "name", max_length=100)
    if "location" in out:
        out["location"] = checks.optional_text(out["location"], "location") or ""
    capacity = out.get("capacity")
    if capacity is not None and not 1 <= capacity <= 10000:
        checks.fail(Code.INVALID, _("capacity is 1 to 10000"), "capacity")
    attributes = out.get("attributes")
    if attributes is not None and (
        not isinstance(attributes, dict) or len(attributes) > MAX_ATTRIBUTES
    ):
        checks.fail(
            Code.INVALID,
            _(
                "attributes is an object of at most {MAX_ATTRIBUTES} keys",
                MAX_ATTRIBUTES=MAX_ATTRIBUTES,
            ),
            "attributes",
        )
    if out.get("opening_hours"):
        check_hours(checks, out["opening_hours"], "openingHours")
        out["opening_hours"] = [list(p) for p in out["opening_hours"]]
    weekdays = out.get("open_weekdays")
    if weekdays is not None:
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
            checks.fail(Code.INVALID, _("Weekdays are 0 (Monday) to 6"), "openWeekdays")
        out["open_weekdays"] = sorted(set(weekdays))
    if "timezone" in out:
        try:
            ZoneInfo(out["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            checks.fail(
                Code.INVALID,
                _("Unknown time zone {out_timezone}", out_timezone=repr(out["timezone"])),
                "timezone",
            )
    return out


def _emit(work: Work, resource: Resource, action: str, data: dict[str, Any]) -> None:
    work.audit(
        resource.tenant_id, f"bookings.resource_{action}", "BookableResource", resource.id, data
    )
    work.emit(
        resource.tenant_id,
        Topic.BOOKING_RESOURCE_CHANGED,
        {"resourceId": global_id("BookableResource", resource.id), "action": action},
    )


def _duplicate(error: IntegrityError) -> ServiceError:
    return ServiceError.of(Code.DUPLICATE, _("Another resource has that name"), "name")


async def create_resource(
    actor: Actor | None,
    *,
    kind: ResourceKind,
    name: str,
    location: str | None = None,
    capacity: int | None = None,
    attributes: dict[str, Any] | None = None,
    opening_hours: list[tuple[str, str]] | None = None,
    open_weekdays: list[int] | None = None,
    timezone: str = "Asia/Shanghai",
    requires_approval: bool = False,
) -> Resource:
    actor = require(actor, Permission.BOOKINGS_MANAGE)
    with Checks() as checks:
        values = _check(
            checks,
            {
                "name": name,
                "location": location,
                "capacity": capacity,
                "attributes": attributes or {},
                "opening_hours": opening_hours or [],
                "open_weekdays": open_weekdays or [],
                "timezone": timezone,
            },
        )
    scope = TenantScope(actor.tenant_id)
    try:
        async with transaction(actor) as work:
            resource = await scope.create(
                Resource, kind=kind, requires_approval=requires_approval, **values
            )
            _emit(work, resource, "created", {"name": resource.name, "kind": kind.value})
    except IntegrityError as error:
        raise _duplicate(error) from None
    return resource


async def update_resource(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    name: str = KEEP,
    location: str | None = KEEP,
    capacity: int | None = KEEP,
    attributes: dict[str, Any] = KEEP,
    opening_hours: list[tuple[str, str]] = KEEP,
    open_weekdays: list[int] = KEEP,
    timezone: str = KEEP,
    requires_approval: bool = KEEP,
    active: bool = KEEP,
    expected_version: int | None = None,
) -> Resource:
    """Change a resource; fields not sent stay. Bookings already made are kept (an inactive
    resource takes no new ones)."""
    actor = require(actor, Permission.BOOKINGS_MANAGE)
    with Checks() as checks:
        values = _check(
            checks,
            {
                "name": name,
                "location": location,
                "capacity": capacity,
                "attributes": attributes,
                "opening_hours": opening_hours,
                "open_weekdays": open_weekdays,
                "timezone": timezone,
            },
        )
    scope = TenantScope(actor.tenant_id)
    try:
        async with transaction(actor) as work:
            resource = await locked(scope, id, "id")
            check_version(resource.version, expected_version)
            changes = apply_changes(
                resource, requires_approval=requires_approval, active=active, **values
            )
            resource.version += 1
            await resource.save()
            _emit(work, resource, "updated", changes)
    except IntegrityError as error:
        raise _duplicate(error) from None
    return resource


async def locked(scope: TenantScope, id: uuid.UUID | str | None, field: str) -> Resource:
    resource = (
        await scope.query(Resource).filter(id=id).select_for_update().first()
        if isinstance(id, uuid.UUID)
        else None
    )
    if resource is None:
        raise not_found(_("Resource"), field)
    return resource
