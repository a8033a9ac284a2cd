"""`/scim/v2`, a sub-application of its own: each tenant authenticates with its own bearer
token, and every answer that is not a success (an unknown path or method included) is a SCIM
Error document."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from scim2_models import SCIMException

from models.tenants import TenantStatus
from services import sso
from services.errors import Code, ServiceError
from sync.scim import groups, users
from sync.scim.protocol import (
    ROLE_MAP,
    SEARCH,
    TENANT,
    Query,
    ScimError,
    error_response,
    list_response,
    query_of,
    read_body,
)
from sync.scim.schemas import (
    resource_type,
    resource_types,
    schema,
    schemas,
    service_provider_config,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SERVICE_ERRORS = {
    Code.NOT_FOUND: (404, None),
    Code.DUPLICATE: (409, "uniqueness"),
    Code.CONFLICT: (412, None),
    Code.IN_USE: (409, "mutability"),
    Code.FORBIDDEN: (403, None),
    Code.INVALID_STATE: (409, None),
    Code.CYCLE: (400, "invalidValue"),
}


@web.middleware
async def _scim(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bearer token -> tenant; every failure -> a SCIM error response."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    tenant = await sso.scim_tenant(secret.strip()) if scheme.lower() == "bearer" else None
    if tenant is None:
        response = error_response(401, "Send a valid SCIM bearer token (created by a tenant admin)")
        response.headers["WWW-Authenticate"] = 'Bearer realm="scim"'
        return response
    if tenant.status != TenantStatus.ACTIVE:
        return error_response(403, f"Tenant '{tenant.code}' is {tenant.status.value}")
    request[TENANT] = tenant
    try:
        return await handler(request)
    except ScimError as exc:
        return error_response(exc.status, exc.detail, exc.scim_type)
    except ServiceError as exc:
        status, scim_type = _SERVICE_ERRORS.get(exc.problems[0].code, (400, "invalidValue"))
        return error_response(status, str(exc), scim_type)
    except ValidationError as exc:
        return _invalid(exc)
    except SCIMException as exc:
        return error_response(exc.status, str(exc), exc.scim_type)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, exc.reason)


def _invalid(exc: ValidationError) -> web.Response:
    problem = exc.errors()[0]
    where = ".".join(str(p) for p in problem.get("loc", ()))
    message = f"{where}: {problem.get('msg')}" if where else str(problem.get("msg"))
    kind = str(problem.get("type", ""))
    scim_type = kind.removeprefix("scim_") if kind.startswith("scim_") else "invalidValue"
    status = 409 if scim_type == "uniqueness" else 400
    return error_response(status, message, scim_type)


def _listing(page: Callable[[web.Request, Query], Awaitable[Any]]) -> Handler:
    async def get(request: web.Request) -> web.StreamResponse:
        return await page(request, query_of(request.query))

    return get


def _search(page: Callable[[web.Request, Query], Awaitable[Any]]) -> Handler:
    async def post(request: web.Request) -> web.StreamResponse:
        return await page(request, await _search_query(request))

    return post


async def _search_query(request: web.Request) -> Query:
    body = await read_body(request)
    if SEARCH not in body.get("schemas", []):
        raise ScimError(400, f"A search request has the schema {SEARCH}", "invalidSyntax")
    return query_of(body)


async def search_all(request: web.Request) -> web.Response:
    """`POST /.search` over Users and Groups: users first, then groups, paged as one list."""
    query = await _search_query(request)
    whole = Query(query.filter, 1, query.start - 1 + query.count, query.attributes, query.excluded)
    found_users, user_total = await users.user_page(request, whole)
    found_groups, group_total = await groups.group_page(request, whole)
    window = (found_users + found_groups)[query.start - 1 : query.start - 1 + query.count]
    return list_response(window, total=user_total + group_total, start=query.start)


def add_routes(app: web.Application, *, role_map: dict[str, str]) -> None:
    scim = web.Application(middlewares=[_scim])
    scim[ROLE_MAP] = role_map
    routes = [
        ("GET", "/ServiceProviderConfig", service_provider_config),
        ("GET", "/ResourceTypes", resource_types),
        ("GET", "/ResourceTypes/{id}", resource_type),
        ("GET", "/Schemas", schemas),
        ("GET", "/Schemas/{id}", schema),
        ("POST", "/.search", search_all),
        ("GET", "/Users", _listing(users.list_users)),
        ("POST", "/Users", users.create_user),
        ("POST", "/Users/.search", _search(users.list_users)),
        ("GET", "/Users/{id}", users.get_user),
        ("PUT", "/Users/{id}", users.replace_user),
        ("PATCH", "/Users/{id}", users.patch_user),
        ("DELETE", "/Users/{id}", users.delete_user),
        ("GET", "/Groups", _listing(groups.list_groups)),
        ("POST", "/Groups", groups.create_group),
        ("POST", "/Groups/.search", _search(groups.list_groups)),
        ("GET", "/Groups/{id}", groups.get_group),
        ("PUT", "/Groups/{id}", groups.replace_group),
        ("PATCH", "/Groups/{id}", groups.patch_group),
        ("DELETE", "/Groups/{id}", groups.delete_group),
    ]
    for method, path, handler in routes:
        scim.router.add_route(method, path, handler)
    app.add_subapp("/scim/v2", scim)
