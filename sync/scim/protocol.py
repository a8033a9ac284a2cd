"""SCIM's wire format as this server speaks it: the media type, error bodies, ETags, resource
`meta`, list responses and paging, the query of a list or search (`filter`, paging,
`attributes`, `excludedAttributes`) and partial representations, and reading a request body."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web
from scim2_models import Context, PatchOp

from models.tenants import Tenant

SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ORG_UNIT_SCHEMA = "urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit"
URNS = (USER_SCHEMA, GROUP_SCHEMA, ORG_UNIT_SCHEMA)
ALWAYS = ("schemas", "id")
"""Returned whatever `attributes` and `excludedAttributes` say (RFC 7643 §7: `id` is "always")."""
MAX_COUNT = 1000
TENANT = web.RequestKey("scim_tenant", Tenant)
ROLE_MAP = web.AppKey("scim_role_map", dict)
"""Portal role name -> role code: the same map as the roles claim's (OIDC_ROLE_MAP)."""


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def respond(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, content_type=SCIM_JSON, headers=headers
    )


def error_response(status: int, detail: str, scim_type: str | None = None) -> web.Response:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return respond(body, status)


def list_response(resources: list[dict[str, Any]], *, total: int, start: int) -> web.Response:
    return respond(
        {
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def base_url(request: web.Request) -> str:
    return f"{request.url.origin()}/scim/v2"


def etag(version: int) -> str:
    return f'W/"{version}"'


def meta(kind: str, row: Any, base: str) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": _iso(row.created_at),
        "lastModified": _iso(row.updated_at),
        "version": etag(row.version),
        "location": f"{base}/{kind}s/{row.id}",
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def if_match(request: web.Request, version: int) -> int | None:
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and etag(version) not in wanted:
        raise ScimError(412, f"The resource is at version {etag(version)}, not {wanted}")
    return version if wanted else None


# Queries and partial representations -----------------------------------------------------------


@dataclass(frozen=True)
class Query:
    filter: str | None = None
    start: int = 1
    count: int = 100
    attributes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def shape(self, data: dict[str, Any]) -> dict[str, Any]:
        return project(data, self.attributes, self.excluded)

    async def rows(self, query: Any) -> list[Any]:
        """The page of an ORM query ordered by id."""
        if not self.count:
            return []
        found: list[Any] = await query.order_by("id").offset(self.start - 1).limit(self.count)
        return found


def query_of(params: Any) -> Query:
    """The query of `GET ?filter=…` (query string) or of a `POST /.search` body."""
    try:
        start = max(1, int(params.get("startIndex") or 1))
        count = min(MAX_COUNT, max(0, int(params.get("count", 100))))
    except (TypeError, ValueError) as exc:
        raise ScimError(400, "startIndex and count must be integers", "invalidValue") from exc
    attributes, excluded = (
        _paths(params.get("attributes")),
        _paths(params.get("excludedAttributes")),
    )
    if attributes and excluded:
        raise ScimError(
            400, "attributes and excludedAttributes exclude each other", "invalidSyntax"
        )
    found = params.get("filter")
    return Query(str(found) if found else None, start, count, attributes, excluded)


def shape_of(request: web.Request) -> Query:
    """`attributes` / `excludedAttributes` of a request that returns one resource."""
    return query_of(request.query)


def _paths(raw: Any) -> tuple[str, ...]:
    if not raw:
        return ()
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ScimError(400, "Attribute lists are strings", "invalidSyntax")
    return tuple(i.strip() for i in items if i.strip())


def project(data: dict[str, Any], attributes: tuple[str, ...], excluded: tuple[str, ...]) -> dict:
    """The partial representation RFC 7644 §3.9 describes: only `attributes` (with what is
    always returned), or everything but `excludedAttributes`."""
    if attributes:
        out = {k: data[k] for k in ALWAYS if k in data}
        for path in attributes:
            _copy(data, out, *_split(path))
        return out
    if excluded:
        out = copy.deepcopy(data)
        for path in excluded:
            _drop(out, *_split(path))
        return out
    return data


def _split(path: str) -> tuple[str | None, str | None, str | None]:
    """(extension URN or None, attribute or None for the whole extension, sub-attribute)."""
    container = None
    for urn in URNS:
        if path.lower().startswith(urn.lower()):
            rest = path[len(urn) :].lstrip(":")
            container = urn if urn == ORG_UNIT_SCHEMA else None
            if container and not rest:
                return container, None, None
            path = rest
            break
    attr, _, sub = path.partition(".")
    return container, attr or None, sub or None


def _key(data: dict[str, Any], name: str) -> str | None:
    return next((k for k in data if k.lower() == name.lower()), None)


def _copy(data: dict[str, Any], out: dict[str, Any], container: Any, attr: Any, sub: Any) -> None:
    source = data.get(container, {}) if container else data
    target = out.setdefault(container, {}) if container else out
    if attr is None:
        target.update(source)
        return
    key = _key(source, attr)
    if key is None:
        return
    value = source[key]
    if sub is None or not isinstance(value, dict | list):
        target[key] = value
    elif isinstance(value, dict):
        kept = _key(value, sub)
        if kept is not None:
            target.setdefault(key, {})[kept] = value[kept]
    else:
        target[key] = [
            {k: v for k, v in item.items() if k.lower() == sub.lower()} for item in value
        ]
    if container and not target:
        del out[container]


def _drop(data: dict[str, Any], container: Any, attr: Any, sub: Any) -> None:
    target = data.get(container) if container else data
    if not isinstance(target, dict):
        return
    if attr is None:
        data.pop(container, None)
        return
    key = _key(target, attr)
    if key is None or key in ALWAYS:
        return
    if sub is None:
        del target[key]
        return
    for item in target[key] if isinstance(target[key], list) else [target[key]]:
        if isinstance(item, dict) and (kept := _key(item, sub)) is not None:
            del item[kept]


# Request bodies ----------------------------------------------------------------------------


async def read_body(request: web.Request) -> dict[str, Any]:
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise ScimError(400, "The body is not JSON", "invalidSyntax") from exc
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object", "invalidSyntax")
    return data


async def read_resource(request: web.Request, model: Any, context: Context) -> Any:
    """The request body as a `model` resource, validated for `context` (creation, replacement)."""
    return model.model_validate(await read_body(request), scim_ctx=context)


async def patched(request: web.Request, model: Any, current: dict[str, Any]) -> Any | None:
    """`current` (a resource's JSON) with the request's PATCH operations applied; None when
    they change nothing."""
    patch = await read_resource(request, PatchOp[model], Context.RESOURCE_PATCH_REQUEST)
    resource = model.model_validate(current, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    return resource if patch.patch(resource) else None
