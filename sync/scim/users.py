"""SCIM Users: the tenant's directory users (`externalId` is the portal subject used for SSO).

A PUT or PATCH sets every stored attribute from the resulting resource, so what a client reads
back is what it wrote (absent means cleared), and `roles` go through the role map. DELETE
deprovisions and marks the user deleted: gone from SCIM, kept with their history; creating the
same userName (or externalId) again reactivates that user under the same id."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from scim2_models import Context, User
from tortoise.expressions import Q

from models.directory import Membership, OrgUnit, UserStatus
from models.directory import User as DirectoryUser
from models.scope import TenantScope
from services import directory, offboarding
from services.inputs import KEEP
from services.tenants import tenant_system_actor
from services.uow import transaction
from sync.scim.filters import USER_FILTERS, filter_q
from sync.scim.protocol import (
    ROLE_MAP,
    TENANT,
    USER_SCHEMA,
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
from sync.scim.schemas import refuse_unsupported


def user_json(user: DirectoryUser, units: list[OrgUnit], base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.id),
        "userName": user.username,
        "displayName": user.display_name,
        "active": user.status == UserStatus.ACTIVE,
        "meta": meta("User", user, base),
    }
    name = {"givenName": user.given_name, "familyName": user.family_name}
    if any(name.values()):
        data["name"] = {k: v for k, v in name.items() if v}
    optional = {
        "externalId": user.external_subject,
        "title": user.title,
        "emails": directory.contact_list(user.emails, user.email),
        "phoneNumbers": directory.contact_list(user.phones, user.phone),
        "roles": [{"value": r} for r in user.portal_roles or []],
        "groups": [
            {"value": str(u.id), "display": u.name, "$ref": f"{base}/Groups/{u.id}"} for u in units
        ],
    }
    data.update({k: v for k, v in optional.items() if v})
    return data


async def unit_map(scope: TenantScope, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[OrgUnit]]:
    found: dict[uuid.UUID, list[OrgUnit]] = {u: [] for u in user_ids}
    if user_ids:
        rows = await scope.query(Membership).filter(user_id__in=user_ids).select_related("org_unit")
        for row in rows:
            found[row.user_id].append(row.org_unit)
    return found


def live_users(scope: TenantScope) -> Any:
    """The users SCIM serves: all but those deleted at the portal."""
    return scope.query(DirectoryUser).filter(deleted_at=None)


async def user_page(request: web.Request, query: Query) -> tuple[list[dict[str, Any]], int]:
    scope = TenantScope(request[TENANT].id)
    rows = live_users(scope)
    if query.filter:
        rows = rows.filter(filter_q(query.filter, USER_FILTERS))
    total = await rows.count()
    found = (
        await rows.order_by("id").offset(query.start - 1).limit(query.count) if query.count else []
    )
    units = await unit_map(scope, [u.id for u in found])
    base = base_url(request)
    return [query.shape(user_json(u, units[u.id], base)) for u in found], total


async def list_users(request: web.Request, query: Query) -> web.Response:
    resources, total = await user_page(request, query)
    return list_response(resources, total=total, start=query.start)


async def _user(request: web.Request) -> DirectoryUser:
    found = await live_users(TenantScope(request[TENANT].id)).filter(
        id=_uuid(request.match_info["id"])
    )
    if not found:
        raise ScimError(404, "No such user")
    return found[0]


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.UUID(int=0)


async def respond(request: web.Request, user_id: uuid.UUID, status: int = 200) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    user = await scope.query(DirectoryUser).get(id=user_id)
    units = await unit_map(scope, [user.id])
    data = shape_of(request).shape(user_json(user, units[user.id], base_url(request)))
    return respond_json(data, status=status, headers={"ETag": etag(user.version)})


async def get_user(request: web.Request) -> web.Response:
    user = await _user(request)
    if request.headers.get("If-None-Match") == etag(user.version):
        return web.Response(status=304)
    return await respond(request, user.id)


def _fields(resource: User[Any], current: DirectoryUser | None) -> dict[str, Any]:
    """Every stored attribute from the resource; absent ones are cleared."""
    display = resource.display_name
    if not display and current is None:  # creation may leave it to us
        parts = (resource.name.given_name, resource.name.family_name) if resource.name else ()
        display = " ".join(p for p in parts if p) or resource.user_name
    if not display:
        raise ScimError(400, "displayName is required", "invalidValue")
    return {
        "username": resource.user_name or "",
        "display_name": display,
        "given_name": resource.name.given_name if resource.name else None,
        "family_name": resource.name.family_name if resource.name else None,
        "emails": _entries(resource.emails),
        "phones": _entries(resource.phone_numbers),
        "title": resource.title,
        "external_subject": resource.external_id,
    }


def _entries(items: list[Any] | None) -> list[dict[str, Any]] | None:
    if not items:
        return None
    return [
        {
            k: v
            for k, v in {
                "value": i.value and str(i.value),
                "type": i.type,
                "primary": i.primary,
            }.items()
            if v is not None
        }
        for i in items
    ]


async def _apply(
    request: web.Request,
    user: DirectoryUser,
    resource: User[Any],
    expected: int | None,
    *,
    put: bool = False,
) -> uuid.UUID:
    """Make the stored user equal the resource, in one transaction. A PUT without externalId
    or active keeps the stored one (the SSO link is not dropped by a client that omits it)."""
    tenant = request[TENANT]
    actor = tenant_system_actor(tenant, "scim")
    fields = _fields(resource, user)
    if put and fields["external_subject"] is None:
        fields["external_subject"] = KEEP
    active = resource.active
    if active is None and not put:
        raise ScimError(400, "active is required (true or false)", "invalidValue")
    async with transaction(actor):
        status = UserStatus.ACTIVE if active is True and user.status != UserStatus.ACTIVE else KEEP
        user = await directory.update_user(
            actor, id=user.id, status=status, expected_version=expected, **fields
        )
        await directory.set_portal_roles(
            actor,
            user_id=user.id,
            names=[str(r.value) for r in resource.roles or [] if r.value],
            role_map=request.app[ROLE_MAP],
        )
        if active is False and user.status != UserStatus.DEPROVISIONED:
            await offboarding.deprovision_user(actor, user.id)
    return user.id


async def create_user(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    body = await read_body(request)
    refuse_unsupported(body, USER_SCHEMA)
    resource: User[Any] = User.model_validate(body, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    if resource.active is None:
        resource.active = True
    scope = TenantScope(tenant.id)
    gone = await _deleted_match(scope, resource)
    if gone is not None:
        return await respond(request, await _apply(request, gone, resource, None), 201)
    actor = tenant_system_actor(tenant, "scim")
    fields = _fields(resource, None)
    resource.display_name = fields["display_name"]
    async with transaction(actor):
        user = await directory.create_user(
            actor, org_unit_ids=[(await root_unit(scope)).id], **fields
        )
        await _apply(request, user, resource, None)
    return await respond(request, user.id, 201)


async def _deleted_match(scope: TenantScope, resource: User[Any]) -> DirectoryUser | None:
    """A user deleted at the portal with this userName (or externalId): it comes back."""
    same = Q(username__iexact=resource.user_name or "")
    if resource.external_id:
        same |= Q(external_subject=resource.external_id)
    return (
        await scope.query(DirectoryUser)
        .filter(deleted_at__not_isnull=True)
        .filter(same)
        .order_by("-deleted_at")
        .first()
    )


async def root_unit(scope: TenantScope) -> OrgUnit:
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ScimError(409, "The tenant has no org unit to place users in")
    return root


async def replace_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    body = await read_body(request)
    refuse_unsupported(body, USER_SCHEMA)
    resource: User[Any] = User.model_validate(body, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    return await respond(request, await _apply(request, user, resource, expected, put=True))


async def patch_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    units = await unit_map(TenantScope(user.tenant_id), [user.id])
    current = await patched(request, User, user_json(user, units[user.id], base_url(request)))
    if current is not None:
        refuse_unsupported(current.model_dump(mode="json", by_alias=True), USER_SCHEMA)
        await _apply(request, user, current, expected)
    return await respond(request, user.id)


async def delete_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = if_match(request, user.version)
    actor = tenant_system_actor(request[TENANT], "scim")
    await offboarding.deprovision_user(actor, user.id, expected_version=expected, deleted=True)
    return web.Response(status=204)
