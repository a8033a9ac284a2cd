"""SCIM's wire format as this server speaks it: the media type, error bodies, ETags, resource
`meta`, list responses and paging, and reading a request body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from aiohttp import web
from scim2_models import Context, PatchOp

from models.tenants import Tenant

SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
MAX_COUNT = 1000
TENANT = web.RequestKey("scim_tenant", Tenant)


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


def paging(request: web.Request) -> tuple[int, int]:
    try:
        start = max(1, int(request.query.get("startIndex", "1")))
        count = min(MAX_COUNT, max(0, int(request.query.get("count", "100"))))
    except ValueError as exc:
        raise ScimError(400, "startIndex and count must be integers", "invalidValue") from exc
    return start, count


def excluded(request: web.Request) -> set[str]:
    raw = request.query.get("excludedAttributes", "")
    return {a.strip().lower() for a in raw.split(",") if a.strip()}


def if_match(request: web.Request, version: int) -> int | None:
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and etag(version) not in wanted:
        raise ScimError(412, f"The resource is at version {etag(version)}, not {wanted}")
    return version if wanted else None


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
