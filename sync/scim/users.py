"""SCIM Users: the tenant's directory users (`externalId` is the portal subject used for SSO)."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from scim2_models import Context, User

from models.directory import Membership, OrgUnit, UserStatus
from models.directory import User as DirectoryUser
from models.scope import TenantScope
from services import directory, offboarding
from services.inputs import KEEP
from services.tenants import tenant_system_actor
from sync.scim.filters import USER_ATTRIBUTES, filter_q
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

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


def user_json(user: DirectoryUser, units: list[OrgUnit], base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.id),
        "userName": user.username,
        "displayName": user.display_name,
        "name": {"formatted": user.display_name},
        "active": user.status == UserStatus.ACTIVE,
        "meta": meta("User", user, base),
    }
    if user.external_subject:
        data["externalId"] = user.external_subject
    if user.title:
        data["title"] = user.title
    if user.email:
        data["emails"] = [{"value": user.email, "type": "work", "primary": True}]
    if user.phone:
        data["phoneNumbers"] = [{"value": user.phone, "type": "work", "primary": True}]
    if units:
        data["groups"] = [
            {"value": str(u.id), "display": u.name, "$ref": f"{base}/Groups/{u.id}"} for u in units
        ]
    return data


async def unit_map(scope: TenantScope, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[OrgUnit]]:
    found: dict[uuid.UUID, list[OrgUnit]] = {u: [] for u in user_ids}
    if user_ids:
        rows = await scope.query(Membership).filter(user_id__in=user_ids).select_related("org_unit")
        for row in rows:
            found[row.user_id].append(row.org_unit)
    return found


async def list_users(request: web.Request) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    start, count = paging(request)
    query = scope.query(DirectoryUser)
    if "filter" in request.query:
        query = query.filter(filter_q(request.query["filter"], USER_ATTRIBUTES))
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count) if count else []
    units = await unit_map(scope, [u.id for u in rows]) if "groups" not in excluded(request) else {}
    base = base_url(request)
    return list_response(
        [user_json(u, units.get(u.id, []), base) for u in rows], total=total, start=start
    )


async def _user(request: web.Request) -> DirectoryUser:
    user = await TenantScope(request[TENANT].id).get(DirectoryUser, request.match_info["id"])
    if user is None:
        raise ScimError(404, "No such user")
    return user


async def _user_response(
    request: web.Request, user: DirectoryUser, status: int = 200
) -> web.Response:
    units = await unit_map(TenantScope(user.tenant_id), [user.id])
    return respond(
        user_json(user, units[user.id], base_url(request)),
        status=status,
        headers={"ETag": etag(user.version)},
    )


async def get_user(request: web.Request) -> web.Response:
    user = await _user(request)
    if request.headers.get("If-None-Match") == etag(user.version):
        return web.Response(status=304)
    return await _user_response(request, user)


def primary(values: list[Any] | None) -> Any:
    """The value of the multi-valued attribute's primary entry, else of its first one."""
    values = values or []
    return next((v.value for v in values if v.primary), None) or (
        values[0].value if values else None
    )


def _fields(resource: User[Any]) -> dict[str, Any]:
    email = primary(resource.emails)
    phone = primary(resource.phone_numbers)
    display = resource.display_name or (resource.name.formatted if resource.name else None)
    if not display and resource.name:
        display = " ".join(p for p in (resource.name.given_name, resource.name.family_name) if p)
    return {
        "display_name": display or resource.user_name,
        "email": str(email) if email else None,
        "phone": phone,
        "title": resource.title,
        "external_subject": resource.external_id,
    }


async def root_unit(scope: TenantScope) -> OrgUnit:
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ScimError(409, "The tenant has no org unit to place users in")
    return root


async def create_user(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    resource = await read_resource(request, User, Context.RESOURCE_CREATION_REQUEST)
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    user = await directory.create_user(
        actor,
        username=resource.user_name or "",
        org_unit_ids=[(await root_unit(scope)).id],
        **_fields(resource),
    )
    if resource.active is False:
        user = await offboarding.deprovision_user(actor, user.id)
    return await _user_response(request, user, 201)


async def _apply_user(
    request: web.Request, user: DirectoryUser, resource: User[Any], expected: int | None
) -> DirectoryUser:
    tenant = request[TENANT]
    actor = tenant_system_actor(tenant, "scim")
    fields = _fields(resource)
    status: Any = KEEP
    if resource.active is True and user.status != UserStatus.ACTIVE:
        status = UserStatus.ACTIVE
    user = await directory.update_user(
        actor, id=user.id, status=status, expected_version=expected, **fields
    )
    if resource.active is False and user.status != UserStatus.DEPROVISIONED:
        user = await offboarding.deprovision_user(actor, user.id)
    return user


async def replace_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    resource = await read_resource(request, User, Context.RESOURCE_REPLACEMENT_REQUEST)
    user = await _apply_user(request, user, resource, expected)
    return await _user_response(request, user)


async def patch_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    units = await unit_map(TenantScope(user.tenant_id), [user.id])
    current = await patched(request, User, user_json(user, units[user.id], base_url(request)))
    if current is not None:
        user = await _apply_user(request, user, current, expected)
    return await _user_response(request, user)


async def delete_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    actor = tenant_system_actor(request[TENANT], "scim")
    await offboarding.deprovision_user(actor, user.id, expected_version=expected)
    return web.Response(status=204)
