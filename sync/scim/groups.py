"""SCIM Groups: the tenant's org units, with their parent in an extension schema and their
members as memberships. DELETE archives the unit (`services.directory.archive_org_unit`): its
children and members move up to its parent, and it is gone from SCIM."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from scim2_models import Context

from models.directory import Membership, OrgUnit
from models.scope import TenantScope
from services import directory
from services.tenants import tenant_system_actor
from services.uow import transaction
from sync.scim.filters import GROUP_FILTERS, filter_q
from sync.scim.protocol import (
    GROUP_SCHEMA,
    ORG_UNIT_SCHEMA,
    TENANT,
    Query,
    ScimError,
    base_url,
    etag,
    if_match,
    list_response,
    meta,
    patched,
    read_body,
    shape_of,
)
from sync.scim.protocol import respond as respond_json
from sync.scim.schemas import OrgUnitExtension, OrgUnitGroup, refuse_unsupported
from sync.scim.users import live_users, root_unit, unit_map


def group_json(unit: OrgUnit, members: list[uuid.UUID], base: str) -> dict[str, Any]:
    """The extension leaves out what is default: a parent that is the root unit (depth 1), and
    a sort order of 0, so that removing either reads back as removed."""
    extension: dict[str, Any] = {}
    if unit.parent_id and unit.depth > 1:
        extension["parent"] = f"{base}/Groups/{unit.parent_id}"
    if unit.sort_order:
        extension["sortOrder"] = unit.sort_order
    data: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA, ORG_UNIT_SCHEMA] if extension else [GROUP_SCHEMA],
        "id": str(unit.id),
        "displayName": unit.name,
        "meta": meta("Group", unit, base),
    }
    if extension:
        data[ORG_UNIT_SCHEMA] = extension
    if unit.external_id:
        data["externalId"] = unit.external_id
    if members:
        data["members"] = [
            {"value": str(m), "$ref": f"{base}/Users/{m}", "type": "User"} for m in members
        ]
    return data


def live_units(scope: TenantScope) -> Any:
    """The units SCIM serves: all but the archived ones."""
    return scope.query(OrgUnit).filter(archived_at=None)


async def group_page(request: web.Request, query: Query) -> tuple[list[dict[str, Any]], int]:
    scope = TenantScope(request[TENANT].id)
    rows = live_units(scope)
    if query.filter:
        rows = rows.filter(filter_q(query.filter, GROUP_FILTERS))
    total = await rows.count()
    found = (
        await rows.order_by("id").offset(query.start - 1).limit(query.count) if query.count else []
    )
    members = await _members(scope, [u.id for u in found])
    base = base_url(request)
    return [query.shape(group_json(u, members[u.id], base)) for u in found], total


async def list_groups(request: web.Request, query: Query) -> web.Response:
    resources, total = await group_page(request, query)
    return list_response(resources, total=total, start=query.start)


async def _members(
    scope: TenantScope, unit_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Members that SCIM serves (users deleted at the portal are not)."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {u: [] for u in unit_ids}
    if unit_ids:
        rows = (
            await scope.query(Membership)
            .filter(org_unit_id__in=unit_ids, user__deleted_at=None)
            .order_by("created_at")
            .values_list("org_unit_id", "user_id")
        )
        for unit_id, user_id in rows:
            found[unit_id].append(user_id)
    return found


async def _group(request: web.Request) -> OrgUnit:
    try:
        key = uuid.UUID(request.match_info["id"])
    except ValueError:
        raise ScimError(404, "No such group") from None
    unit = await live_units(TenantScope(request[TENANT].id)).filter(id=key).first()
    if unit is None:
        raise ScimError(404, "No such group")
    return unit


async def respond(request: web.Request, unit_id: uuid.UUID, status: int = 200) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    unit = await scope.query(OrgUnit).get(id=unit_id)
    members = await _members(scope, [unit.id])
    data = shape_of(request).shape(group_json(unit, members[unit.id], base_url(request)))
    return respond_json(data, status=status, headers={"ETag": etag(unit.version)})


async def get_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    if request.headers.get("If-None-Match") == etag(unit.version):
        return web.Response(status=304)
    return await respond(request, unit.id)


async def _parent_id(scope: TenantScope, resource: Any) -> uuid.UUID:
    extension = resource[OrgUnitExtension]
    if extension is not None and extension.parent:
        key = parent_key(str(extension.parent))
        parent = await live_units(scope).filter(id=key).first() if key else None
        if parent is None:
            raise ScimError(400, f"No parent group {extension.parent}", "invalidValue")
        return parent.id
    return (await root_unit(scope)).id


async def create_group(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    body = await read_body(request)
    refuse_unsupported(body, GROUP_SCHEMA)
    resource = OrgUnitGroup.model_validate(body, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    actor = tenant_system_actor(tenant, "scim")
    extension = resource[OrgUnitExtension]
    async with transaction(actor):
        unit = await directory.create_org_unit(
            actor,
            name=resource.display_name or "",
            parent_id=await _parent_id(scope, resource),
            external_id=resource.external_id,
            sort_order=(extension.sort_order if extension else None) or 0,
        )
        await _set_members(request, unit, [m.value for m in resource.members or [] if m.value])
    return await respond(request, unit.id, 201)


async def _apply(request: web.Request, unit: OrgUnit, resource: Any, expected: int | None) -> None:
    """Make the stored unit equal the resource, in one transaction."""
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    extension = resource[OrgUnitExtension]
    async with transaction(actor):
        unit = await directory.update_org_unit(
            actor,
            id=unit.id,
            name=resource.display_name or "",
            external_id=resource.external_id,
            sort_order=(extension.sort_order if extension else None) or 0,
            expected_version=expected,
        )
        parent = await _parent_id(scope, resource)
        if unit.parent_id is not None and parent != unit.parent_id:
            await directory.move_org_unit(actor, id=unit.id, new_parent_id=parent)
        await _set_members(request, unit, [m.value for m in resource.members or [] if m.value])


async def _set_members(request: web.Request, unit: OrgUnit, member_ids: list[str]) -> None:
    """Make the unit's members exactly these users; one who loses their last unit moves to the
    tenant's root unit (a user always belongs somewhere)."""
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    wanted = {_uuid(i) for i in member_ids}
    current = set((await _members(scope, [unit.id]))[unit.id])
    changed = wanted ^ current
    if not changed:
        return
    known = set(await live_users(scope).filter(id__in=changed).values_list("id", flat=True))
    if missing := sorted(str(u) for u in changed - known):
        raise ScimError(400, f"No user {missing[0]} to add as a member", "invalidValue")
    memberships = await unit_map(scope, list(changed))
    root = await root_unit(scope)
    for user_id in sorted(changed):
        units = [u.id for u in memberships[user_id]]
        if user_id in wanted:
            units = (
                [*(u for u in units if u != root.id), unit.id]
                if unit.id != root.id
                else [
                    *units,
                    unit.id,
                ]
            )
        else:
            units = [u for u in units if u != unit.id] or [root.id]
        await directory.update_user(
            actor, id=user_id, org_unit_ids=units, primary_org_unit_id=units[0]
        )


def parent_key(reference: str) -> uuid.UUID | None:
    """The id in a parent reference: the Group's location, or its bare id."""
    try:
        return uuid.UUID(reference.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.UUID(int=0)


async def replace_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = if_match(request, unit.version)
    body = await read_body(request)
    refuse_unsupported(body, GROUP_SCHEMA)
    resource = OrgUnitGroup.model_validate(body, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    await _apply(request, unit, resource, expected)
    return await respond(request, unit.id)


async def patch_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = if_match(request, unit.version)
    members = await _members(TenantScope(unit.tenant_id), [unit.id])
    current = await patched(
        request, OrgUnitGroup, group_json(unit, members[unit.id], base_url(request))
    )
    if current is not None:
        refuse_unsupported(current.model_dump(mode="json", by_alias=True), GROUP_SCHEMA)
        await _apply(request, unit, current, expected)
    return await respond(request, unit.id)


async def delete_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = if_match(request, unit.version)
    actor = tenant_system_actor(request[TENANT], "scim")
    await directory.archive_org_unit(actor, id=unit.id, expected_version=expected)
    return web.Response(status=204)
