"""The SCIM routes under `/scim/v2`: each tenant authenticates with its own bearer token, and
ScimError, ServiceError and validation errors become SCIM error responses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError

from models.tenants import TenantStatus
from services import sso
from services.errors import Code, ServiceError
from sync.scim.groups import (
    create_group,
    delete_group,
    get_group,
    list_groups,
    patch_group,
    replace_group,
)
from sync.scim.protocol import TENANT, ScimError, error_response
from sync.scim.schemas import (
    resource_type,
    resource_types,
    schema,
    schemas,
    service_provider_config,
)
from sync.scim.users import create_user, delete_user, get_user, list_users, patch_user, replace_user

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _scim(handler: Handler) -> Handler:
    """Bearer token -> tenant; ScimError and ServiceError -> SCIM error responses."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        tenant = await sso.scim_tenant(secret.strip()) if scheme.lower() == "bearer" else None
        if tenant is None:
            return error_response(401, "Send a valid SCIM bearer token (created by a tenant admin)")
        if tenant.status != TenantStatus.ACTIVE:
            return error_response(403, f"Tenant '{tenant.code}' is {tenant.status.value}")
        request[TENANT] = tenant
        try:
            return await handler(request)
        except ScimError as exc:
            return error_response(exc.status, exc.detail, exc.scim_type)
        except ServiceError as exc:
            return _service_error(exc)
        except ValidationError as exc:
            return error_response(400, _first(exc), "invalidValue")

    return wrapped


def _first(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(p) for p in problem.get("loc", ()))
    return f"{where}: {problem.get('msg')}" if where else str(problem.get("msg"))


def _service_error(exc: ServiceError) -> web.Response:
    code = exc.problems[0].code
    status, scim_type = {
        Code.NOT_FOUND: (404, None),
        Code.DUPLICATE: (409, "uniqueness"),
        Code.CONFLICT: (412, None),
        Code.IN_USE: (409, "mutability"),
        Code.FORBIDDEN: (403, None),
        Code.INVALID_STATE: (409, None),
        Code.CYCLE: (400, "invalidValue"),
    }.get(code, (400, "invalidValue"))
    return error_response(status, str(exc), scim_type)


def add_routes(app: web.Application) -> None:
    routes = [
        ("GET", "/ServiceProviderConfig", service_provider_config),
        ("GET", "/ResourceTypes", resource_types),
        ("GET", "/ResourceTypes/{id}", resource_type),
        ("GET", "/Schemas", schemas),
        ("GET", "/Schemas/{id}", schema),
        ("GET", "/Users", list_users),
        ("POST", "/Users", create_user),
        ("GET", "/Users/{id}", get_user),
        ("PUT", "/Users/{id}", replace_user),
        ("PATCH", "/Users/{id}", patch_user),
        ("DELETE", "/Users/{id}", delete_user),
        ("GET", "/Groups", list_groups),
        ("POST", "/Groups", create_group),
        ("GET", "/Groups/{id}", get_group),
        ("PUT", "/Groups/{id}", replace_group),
        ("PATCH", "/Groups/{id}", patch_group),
        ("DELETE", "/Groups/{id}", delete_group),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, "/scim/v2" + path, _scim(handler))
