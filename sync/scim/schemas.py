"""Discovery: `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Group,
    Patch,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    User,
)

from sync.scim.groups import OrgUnitExtension, OrgUnitGroup
from sync.scim.protocol import MAX_COUNT, base_url, error_response, list_response, respond


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
    return respond(_dump(config))


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


async def resource_types(request: web.Request) -> web.Response:
    items = _resource_types(base_url(request))
    return list_response(items, total=len(items), start=1)


async def resource_type(request: web.Request) -> web.Response:
    for item in _resource_types(base_url(request)):
        if item["id"] == request.match_info["id"]:
            return respond(item)
    return error_response(404, "No such resource type")


async def schemas(request: web.Request) -> web.Response:
    items = _schemas(base_url(request))
    return list_response(items, total=len(items), start=1)


async def schema(request: web.Request) -> web.Response:
    for item in _schemas(base_url(request)):
        if item["id"] == request.match_info["id"]:
            return respond(item)
    return error_response(404, "No such schema")
