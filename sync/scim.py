"""SCIM 2.0 server (RFC 7643/7644) under `/scim/v2`: the portal provisions users and org units.

Users are directory users (`externalId` is the portal subject, `sub`, used for SSO); Groups are
org units, with their parent in the `urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit`
extension and their members as memberships. Each tenant authenticates with its own bearer token
(created by tenant admins through GraphQL, stored hashed). Writes go through the directory
services with the tenant's system actor, so they are checked and audited like any other.
Deprovisioning (`active: false` or DELETE) deactivates the user and keeps their history.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web
from pydantic import ValidationError
from scim2_filter_parser import ast as f
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Extension,
    Filter,
    Group,
    Patch,
    PatchOp,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models.urn import URN
from tortoise.expressions import Q

from models.directory import Membership, OrgUnit, UserStatus
from models.directory import User as DirectoryUser
from models.scope import TenantScope
from models.tenants import Tenant, TenantStatus
from services import directory, offboarding, sso
from services.errors import Code, ServiceError
from services.inputs import KEEP
from services.tenants import tenant_system_actor

SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ORG_UNIT_SCHEMA = "urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit"
MAX_COUNT = 1000
TENANT = web.RequestKey("scim_tenant", Tenant)


class OrgUnitExtension(Extension):
    """Where a Group (org unit) hangs in the tree."""

    __schema__ = URN(ORG_UNIT_SCHEMA)
    parent: str | None = None
    """The id of the parent Group; absent for units directly under the tenant's root unit."""
    code: str | None = None
    sort_order: int | None = None


OrgUnitGroup: Any = Group[OrgUnitExtension]  # type: ignore[misc]


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, content_type=SCIM_JSON, headers=headers
    )


def _error(status: int, detail: str, scim_type: str | None = None) -> web.Response:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return _json(body, status)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _scim(handler: Handler) -> Handler:
    """Bearer token -> tenant; ScimError and ServiceError -> SCIM error responses."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        tenant = await sso.scim_tenant(secret.strip()) if scheme.lower() == "bearer" else None
        if tenant is None:
            return _error(401, "Send a valid SCIM bearer token (created by a tenant admin)")
        if tenant.status != TenantStatus.ACTIVE:
            return _error(403, f"Tenant '{tenant.code}' is {tenant.status.value}")
        request[TENANT] = tenant
        try:
            return await handler(request)
        except ScimError as exc:
            return _error(exc.status, exc.detail, exc.scim_type)
        except ServiceError as exc:
            return _service_error(exc)
        except ValidationError as exc:
            return _error(400, _first(exc), "invalidValue")

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
    return _error(status, str(exc), scim_type)


def _base(request: web.Request) -> str:
    return f"{request.url.origin()}/scim/v2"


def _version(version: int) -> str:
    return f'W/"{version}"'


def _meta(kind: str, row: Any, base: str) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": _iso(row.created_at),
        "lastModified": _iso(row.updated_at),
        "version": _version(row.version),
        "location": f"{base}/{kind}s/{row.id}",
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def user_json(user: DirectoryUser, units: list[OrgUnit], base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.id),
        "userName": user.username,
        "displayName": user.display_name,
        "name": {"formatted": user.display_name},
        "active": user.status == UserStatus.ACTIVE,
        "meta": _meta("User", user, base),
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
        "meta": _meta("Group", unit, base),
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


# Filters ---------------------------------------------------------------------------------------

USER_ATTRIBUTES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("username", None): ("username", "str"),
    ("externalid", None): ("external_subject", "str"),
    ("displayname", None): ("display_name", "str"),
    ("id", None): ("id", "uuid"),
    ("active", None): ("status", "active"),
    ("title", None): ("title", "str"),
    ("emails", "value"): ("email", "str"),
    ("emails", None): ("email", "str"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
    ("meta", "created"): ("created_at", "datetime"),
}
GROUP_ATTRIBUTES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("displayname", None): ("name", "str"),
    ("externalid", None): ("external_id", "str"),
    ("id", None): ("id", "uuid"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
    ("meta", "created"): ("created_at", "datetime"),
}
_LOOKUPS = {
    "eq": "",
    "ne": "",
    "co": "__icontains",
    "sw": "__istartswith",
    "ew": "__iendswith",
    "gt": "__gt",
    "ge": "__gte",
    "lt": "__lt",
    "le": "__lte",
}


def filter_q(expression: str, attributes: dict[tuple[str, str | None], tuple[str, str]]) -> Q:
    """A SCIM filter as a Tortoise condition (parsed by scim2-filter-parser)."""
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(expression))
    except Exception as exc:
        raise ScimError(400, f"The filter cannot be parsed: {exc}", "invalidFilter") from exc
    if tree is None:
        raise ScimError(400, "The filter cannot be parsed", "invalidFilter")
    return _node(tree, attributes)


def _node(node: Any, attributes: dict[tuple[str, str | None], tuple[str, str]]) -> Q:
    if isinstance(node, f.Filter):
        if node.namespace is not None:
            raise ScimError(400, "Complex attribute filters are not supported", "invalidFilter")
        inner = _node(node.expr, attributes)
        return ~inner if node.negated else inner
    if isinstance(node, f.LogExpr):
        left, right = _node(node.expr1, attributes), _node(node.expr2, attributes)
        return left & right if node.op.lower() == "and" else left | right
    if isinstance(node, f.AttrExpr):
        path = node.attr_path
        sub = path.sub_attr.value.lower() if path.sub_attr is not None else None
        key = (path.attr_name.lower(), sub)
        if key not in attributes:
            raise ScimError(
                400, f"Filtering on '{path.attr_name}' is not supported", "invalidFilter"
            )
        column, kind = attributes[key]
        op = node.value.lower()
        if op == "pr":
            present: dict[str, Any] = {f"{column}__isnull": True}
            return ~Q(**present)
        if op not in _LOOKUPS:
            raise ScimError(400, f"Unknown filter operator '{op}'", "invalidFilter")
        raw = node.comp_value.value if node.comp_value else None
        if kind == "active":
            active = Q(status=UserStatus.ACTIVE)
            matches = active if _value(raw, "bool") else ~active
            return ~matches if op == "ne" else matches
        value = _value(raw, kind)
        if op == "eq" and kind == "str" and column == "username":
            condition = Q(**{f"{column}__iexact": value})
        else:
            condition = Q(**{f"{column}{_LOOKUPS[op]}": value})
        return ~condition if op == "ne" else condition
    raise ScimError(400, "The filter cannot be parsed", "invalidFilter")


def _value(raw: Any, kind: str) -> Any:
    if kind == "datetime":
        try:
            return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ScimError(400, f"'{raw}' is not a date-time", "invalidFilter") from exc
    if kind == "uuid":
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            return uuid.UUID(int=0)
    if kind == "bool":
        return raw is True or str(raw).lower() == "true"
    return raw


# Handlers --------------------------------------------------------------------------------------


def _paging(request: web.Request) -> tuple[int, int]:
    try:
        start = max(1, int(request.query.get("startIndex", "1")))
        count = min(MAX_COUNT, max(0, int(request.query.get("count", "100"))))
    except ValueError as exc:
        raise ScimError(400, "startIndex and count must be integers", "invalidValue") from exc
    return start, count


def _excluded(request: web.Request) -> set[str]:
    raw = request.query.get("excludedAttributes", "")
    return {a.strip().lower() for a in raw.split(",") if a.strip()}


async def _unit_map(
    scope: TenantScope, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[OrgUnit]]:
    found: dict[uuid.UUID, list[OrgUnit]] = {u: [] for u in user_ids}
    if user_ids:
        rows = await scope.query(Membership).filter(user_id__in=user_ids).select_related("org_unit")
        for row in rows:
            found[row.user_id].append(row.org_unit)
    return found


async def list_users(request: web.Request) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    start, count = _paging(request)
    query = scope.query(DirectoryUser)
    if "filter" in request.query:
        query = query.filter(filter_q(request.query["filter"], USER_ATTRIBUTES))
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count) if count else []
    units = (
        await _unit_map(scope, [u.id for u in rows]) if "groups" not in _excluded(request) else {}
    )
    base = _base(request)
    return _json(
        {
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(rows),
            "Resources": [user_json(u, units.get(u.id, []), base) for u in rows],
        }
    )


async def _user(request: web.Request) -> DirectoryUser:
    user = await TenantScope(request[TENANT].id).get(DirectoryUser, request.match_info["id"])
    if user is None:
        raise ScimError(404, "No such user")
    return user


def _if_match(request: web.Request, version: int) -> int | None:
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and _version(version) not in wanted:
        raise ScimError(412, f"The resource is at version {_version(version)}, not {wanted}")
    return version if wanted else None


async def get_user(request: web.Request) -> web.Response:
    user = await _user(request)
    if request.headers.get("If-None-Match") == _version(user.version):
        return web.Response(status=304)
    units = await _unit_map(TenantScope(user.tenant_id), [user.id])
    return _json(
        user_json(user, units[user.id], _base(request)), headers={"ETag": _version(user.version)}
    )


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise ScimError(400, "The body is not JSON", "invalidSyntax") from exc
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object", "invalidSyntax")
    return data


def _fields(resource: User[Any]) -> dict[str, Any]:
    emails = resource.emails or []
    email = next((e.value for e in emails if e.primary), None) or (
        emails[0].value if emails else None
    )
    phones = resource.phone_numbers or []
    phone = next((p.value for p in phones if p.primary), None) or (
        phones[0].value if phones else None
    )
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


async def _root_unit(scope: TenantScope) -> OrgUnit:
    root = await scope.query(OrgUnit).filter(parent_id=None).order_by("created_at").first()
    if root is None:
        raise ScimError(409, "The tenant has no org unit to place users in")
    return root


async def create_user(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    resource: Any = User.model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    scope = TenantScope(tenant.id)
    actor = tenant_system_actor(tenant, "scim")
    user = await directory.create_user(
        actor,
        username=resource.user_name or "",
        org_unit_ids=[(await _root_unit(scope)).id],
        **_fields(resource),
    )
    if resource.active is False:
        user = await offboarding.deprovision_user(actor, user.id)
    units = await _unit_map(scope, [user.id])
    return _json(
        user_json(user, units[user.id], _base(request)),
        status=201,
        headers={"ETag": _version(user.version)},
    )


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
    expected = _if_match(request, user.version)
    resource: Any = User.model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
    )
    user = await _apply_user(request, user, resource, expected)
    units = await _unit_map(TenantScope(user.tenant_id), [user.id])
    return _json(
        user_json(user, units[user.id], _base(request)), headers={"ETag": _version(user.version)}
    )


async def patch_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = _if_match(request, user.version)
    patch = PatchOp[User].model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    scope = TenantScope(user.tenant_id)
    current: Any = User.model_validate(
        user_json(user, (await _unit_map(scope, [user.id]))[user.id], _base(request)),
        scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST,
    )
    if patch.patch(current):
        user = await _apply_user(request, user, current, expected)
    units = await _unit_map(scope, [user.id])
    return _json(
        user_json(user, units[user.id], _base(request)), headers={"ETag": _version(user.version)}
    )


async def delete_user(request: web.Request) -> web.Response:
    user = await _user(request)
    expected = _if_match(request, user.version)
    actor = tenant_system_actor(request[TENANT], "scim")
    await offboarding.deprovision_user(actor, user.id, expected_version=expected)
    return web.Response(status=204)


# Groups ----------------------------------------------------------------------------------------


async def list_groups(request: web.Request) -> web.Response:
    scope = TenantScope(request[TENANT].id)
    start, count = _paging(request)
    query = scope.query(OrgUnit)
    if "filter" in request.query:
        query = query.filter(filter_q(request.query["filter"], GROUP_ATTRIBUTES))
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count) if count else []
    members: dict[uuid.UUID, list[DirectoryUser]] | None = None
    if "members" not in _excluded(request):
        members = await _members(scope, [u.id for u in rows])
    base = _base(request)
    return _json(
        {
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(rows),
            "Resources": [
                group_json(u, members.get(u.id, []) if members is not None else None, base)
                for u in rows
            ],
        }
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
    return _json(
        group_json(unit, members[unit.id], _base(request)),
        status=status,
        headers={"ETag": _version(unit.version)},
    )


async def get_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    if request.headers.get("If-None-Match") == _version(unit.version):
        return web.Response(status=304)
    return await _group_response(request, unit)


async def _parent_id(scope: TenantScope, resource: Any) -> uuid.UUID:
    extension = resource[OrgUnitExtension]
    if extension is not None and extension.parent:
        parent = await scope.get(OrgUnit, extension.parent)
        if parent is None:
            raise ScimError(400, f"No parent group {extension.parent}", "invalidValue")
        return parent.id
    return (await _root_unit(scope)).id


async def create_group(request: web.Request) -> web.Response:
    tenant = request[TENANT]
    scope = TenantScope(tenant.id)
    resource: Any = OrgUnitGroup.model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
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
    memberships = await _unit_map(scope, list(changed))
    root = await _root_unit(scope)
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


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def replace_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = _if_match(request, unit.version)
    resource: Any = OrgUnitGroup.model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
    )
    unit = await _apply_group(request, unit, resource, expected)
    return await _group_response(request, unit)


async def patch_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    expected = _if_match(request, unit.version)
    patch = PatchOp[OrgUnitGroup].model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    members = await _members(TenantScope(unit.tenant_id), [unit.id])
    current: Any = OrgUnitGroup.model_validate(
        group_json(unit, members[unit.id], _base(request)),
        scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST,
    )
    if patch.patch(current):
        if current.members is None:
            current.members = []
        unit = await _apply_group(request, unit, current, expected)
    return await _group_response(request, unit)


async def delete_group(request: web.Request) -> web.Response:
    unit = await _group(request)
    _if_match(request, unit.version)
    await directory.delete_org_unit(tenant_system_actor(request[TENANT], "scim"), id=unit.id)
    return web.Response(status=204)


# Discovery -------------------------------------------------------------------------------------


def _dump(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return data


async def service_provider_config(request: web.Request) -> web.Response:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A per-tenant token created by a tenant admin (createScimToken)",
                primary=True,
            )
        ],
    )
    return _json(_dump(config))


def _resource_types(base: str) -> list[dict[str, Any]]:
    types = []
    for model, name, endpoint in ((User, "User", "/Users"), (OrgUnitGroup, "Group", "/Groups")):
        data = _dump(ResourceType.from_resource(model))
        data.update(id=name, name=name, endpoint=endpoint)
        data["meta"] = {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"}
        types.append(data)
    return types


def _schemas(base: str) -> list[dict[str, Any]]:
    found = []
    for model in (User, Group, OrgUnitExtension):
        data = _dump(model.to_schema())
        data["meta"] = {"resourceType": "Schema", "location": f"{base}/Schemas/{data['id']}"}
        found.append(data)
    return found


def _listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


async def resource_types(request: web.Request) -> web.Response:
    return _json(_listing(_resource_types(_base(request))))


async def resource_type(request: web.Request) -> web.Response:
    for item in _resource_types(_base(request)):
        if item["id"] == request.match_info["id"]:
            return _json(item)
    return _error(404, "No such resource type")


async def schemas(request: web.Request) -> web.Response:
    return _json(_listing(_schemas(_base(request))))


async def schema(request: web.Request) -> web.Response:
    for item in _schemas(_base(request)):
        if item["id"] == request.match_info["id"]:
            return _json(item)
    return _error(404, "No such schema")


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
