"""SCIM Groups: the tenant's org units, with their parent in an extension schema and their
members as memberships."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from scim2_models import Context, Extension, Group
from scim2_models.urn import URN

from models.directory import Membership, OrgUnit
from models.directory import User as DirectoryUser
from models.scope import TenantScope
from services import directory
from services.inputs import KEEP
from services.tenants import tenant_system_actor
from sync.scim.filters import GROUP_ATTRIBUTES, filter_q
from sync.scim.protocol import (
    TENANT,
    ScimError,
    base_url,
    etag,
    excluded,
    if_match,
    list_response,
    meta,
    paging,
    patched,
    read_resource,
    respond,
)
from sync.scim.users import root_unit, unit_map

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ORG_UNIT_SCHEMA = "urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit"


class OrgUnitExtension(Extension):
    """Where a Group (org unit) hangs in the tree."""

    __schema__ = URN(ORG_UNIT_SCHEMA)
    parent: str | None = None
    """The id of the parent Group; absent for units directly under the tenant's root unit."""
    code: str | None = None
    sort_order: int | None = None


OrgUnitGroup: Any = Group[OrgUnitExtension]  # type: ignore[misc]


def group_json(unit: OrgUnit, members: list[DirectoryUser] | None, base: str) -> dict[str, Any]:
    extension: dict[str, Any] = {"sortOrder": unit.sort_order}
    if unit.parent_id:
        extension["parent"] = str(unit.parent_id)
    if unit.code:
        extension["code"] = unit.code
    data: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA, ORG_UNIT_SCHEMA],
        "id": str(unit.id),
        "displayName": unit.name,
        ORG_UNIT_SCHEMA: extension,
        "meta": meta("Group", unit, base),
    }
    if unit.external_id:
        data["externalId"] = unit.external_id
    if members is not None:
        data["members"] = [
            {
                "value": str(m.id),
                "display": m.display_name,
                "type": "User",
                "$ref": f"{base}/Users/{m.id}",
            }
            for m in members
        ]
    return data


async def list_groups(request: web.Request) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    start, count = paging(request)
    query = scope.query(OrgUnit)
    if "filter" in request.query:
        query = query.filter(filter_q(request.query["filter"], GROUP_ATTRIBUTES))
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count) if count else []
    members: dict[uuid.UUID, list[DirectoryUser]] | None = None
    if "members" not in excluded(request):
        members = await _members(scope, [u.id for u in rows])
    base = base_url(request)
    return list_response(
        [group_json(u, members.get(u.id, []) if members is not None else None, base) for u in rows],
        total=total,
        start=start,
    )


async def _members(
    scope: TenantScope, unit_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[DirectoryUser]]:
    found: dict[uuid.UUID, list[DirectoryUser]] = {u: [] for u in unit_ids}
    if unit_ids:
        for row in (
            await scope.query(Membership).filter(org_unit_id__in=unit_ids).select_related("user")
        ):
            found[row.org_unit_id].append(row.user)
    return found


async def _group(request: web.Request) -> OrgUnit:
    unit = await TenantScope(request[TENANT].id).get(OrgUnit, request.match_info["id"])
    if unit is None:
        raise ScimError(404, "No such group")
    return unit


async def _group_response(request: web.Request, unit: OrgUnit, status: int = 200) -> web.Response:
    members = await _members(TenantScope(unit.tenant_id), [unit.id])
    return respond(
        group_json(unit, members[unit.id], base_url(request)),
        status=status,
        headers={"ETag": etag(unit.version)},
    )


async def get_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    if request.headers.get("If-None-Match") == etag(unit.version):
        return web.Response(status=304)
    return await _group_response(request, unit)


async def _parent_id(scope: TenantScope, resource: Any) -> uuid.UUID:
    extension = resource[OrgUnitExtension]
    if extension is not None and extension.parent:
        parent = await scope.get(OrgUnit, extension.parent)
        if parent is None:
            raise ScimError(400, f"No parent group {extension.parent}", "invalidValue")
        return parent.id
    return (await root_unit(scope)).id


async def create_group(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    resource = await read_resource(request, OrgUnitGroup, Context.RESOURCE_CREATION_REQUEST)
    actor = tenant_system_actor(tenant, "scim")
    extension = resource[OrgUnitExtension]
    unit = await directory.create_org_unit(
        actor,
        name=resource.display_name or "",
        parent_id=await _parent_id(scope, resource),
        external_id=resource.external_id,
        code=extension.code if extension else None,
        sort_order=(extension.sort_order if extension else None) or 0,
    )
    await _set_members(request, unit, [m.value for m in resource.members or [] if m.value])
    return await _group_response(request, unit, 201)


async def _apply_group(
    request: web.Request, unit: OrgUnit, resource: Any, expected: int | None
) -> OrgUnit:
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    extension = resource[OrgUnitExtension]
    unit = await directory.update_org_unit(
        actor,
        id=unit.id,
        name=resource.display_name or unit.name,
        external_id=resource.external_id,
        sort_order=extension.sort_order if extension and extension.sort_order is not None else KEEP,
        expected_version=expected,
    )
    parent = await _parent_id(scope, resource)
    if unit.parent_id is not None and parent != unit.parent_id:
        unit = await directory.move_org_unit(actor, id=unit.id, new_parent_id=parent)
    if resource.members is not None:
        await _set_members(request, unit, [m.value for m in resource.members if m.value])
    return unit


async def _set_members(request: web.Request, unit: OrgUnit, member_ids: list[str]) -> None:
    """Make the unit's members exactly these users; one who loses their last unit moves to the
    tenant's root unit (a user always belongs somewhere)."""
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    wanted = {uuid.UUID(i) for i in member_ids if _is_uuid(i)}
    rows = await scope.query(Membership).filter(org_unit_id=unit.id).values_list("user_id")
    current = {uuid.UUID(str(row[0])) for row in rows}
    changed = wanted ^ current
    if not changed:
        return
    memberships = await unit_map(scope, list(changed))
    root = await root_unit(scope)
    for user_id in sorted(changed):
        if await scope.get(DirectoryUser, user_id) is None:
            raise ScimError(400, f"No user {user_id} to add as a member", "invalidValue")
        units = [u.id for u in memberships[user_id]]
        if user_id in wanted:
            units = (
                [*(u for u in units if u != root.id), unit.id]
                if root.id in units and unit.id != root.id
                else [*units, unit.id]
            )
        else:
            units = [u for u in units if u != unit.id] or [root.id]
        await directory.update_user(
            actor, id=user_id, org_unit_ids=units, primary_org_unit_id=units[0]
        )


async def replace_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = if_match(request, unit.version)
    resource = await read_resource(request, OrgUnitGroup, Context.RESOURCE_REPLACEMENT_REQUEST)
    unit = await _apply_group(request, unit, resource, expected)
    return await _group_response(request, unit)


async def patch_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = if_match(request, unit.version)
    members = await _members(TenantScope(unit.tenant_id), [unit.id])
    current = await patched(
        request, OrgUnitGroup, group_json(unit, members[unit.id], base_url(request))
    )
    if current is not None:
        if current.members is None:
            current.members = []
        unit = await _apply_group(request, unit, current, expected)
    return await _group_response(request, unit)


async def delete_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    if_match(request, unit.version)
    await directory.delete_org_unit(tenant_system_actor(request[TENANT], "scim"), id=unit.id)
    return web.Response(status=204)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
