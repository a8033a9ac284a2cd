"""What this server stores, and so advertises: the attributes of Users and Groups kept in the
directory, published under `/Schemas` as RFC 7643's schemas cut down to them, and the check
that refuses anything else instead of dropping it (`refuse_unsupported`). Also the other
discovery endpoints, `/ServiceProviderConfig` and `/ResourceTypes`."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Extension,
    Filter,
    Group,
    Patch,
    Reference,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models.urn import URN

from sync.scim.protocol import (
    GROUP_SCHEMA,
    MAX_COUNT,
    ORG_UNIT_SCHEMA,
    USER_SCHEMA,
    ScimError,
    base_url,
    list_response,
    respond,
)

Attributes = dict[str, frozenset[str] | None]
"""Attribute name -> the sub-attributes kept (None: a simple attribute)."""

USER_ATTRIBUTES: Attributes = {
    "userName": None,
    "name": frozenset({"givenName", "familyName"}),
    "displayName": None,
    "title": None,
    "active": None,
    "emails": frozenset({"value", "type", "primary"}),
    "phoneNumbers": frozenset({"value", "type", "primary"}),
    "roles": frozenset({"value"}),
    "groups": frozenset({"value", "$ref", "display", "type"}),
}
GROUP_ATTRIBUTES: Attributes = {
    "displayName": None,
    "members": frozenset({"value", "$ref", "type"}),
}
ORG_UNIT_ATTRIBUTES: Attributes = {"parent": None, "sortOrder": None}
REQUIRED = {USER_SCHEMA: {"userName", "displayName", "active"}, GROUP_SCHEMA: {"displayName"}}
COMMON = {"schemas", "id", "externalId", "meta"}


class OrgUnitExtension(Extension):
    """Where a Group (org unit) hangs in the tree."""

    __schema__ = URN(ORG_UNIT_SCHEMA)
    parent: Reference[Group] | None = None
    """The parent Group's location (its id alone is accepted too); absent for units directly
    under the tenant's root unit."""
    sort_order: int | None = None


OrgUnitGroup: Any = Group[OrgUnitExtension]  # type: ignore[misc]


def _dump(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return data


def _cut(schema: dict[str, Any], kept: Attributes) -> dict[str, Any]:
    """RFC 7643's schema with only the kept attributes and sub-attributes."""
    attributes = []
    for attribute in schema["attributes"]:
        if attribute["name"] not in kept:
            continue
        attribute = dict(attribute)
        subs = kept[attribute["name"]]
        if subs is not None:
            attribute["subAttributes"] = [
                s for s in attribute.get("subAttributes", []) if s["name"] in subs
            ]
        attribute["required"] = attribute["name"] in REQUIRED.get(schema["id"], ())
        attributes.append(attribute)
    return {**schema, "attributes": attributes}


def _user_schema() -> dict[str, Any]:
    schema = _cut(_dump(User.to_schema()), USER_ATTRIBUTES)
    schema["description"] = "Officecloud directory users; externalId is the SSO subject (sub)"
    for attribute in schema["attributes"]:
        if attribute["name"] == "userName":
            attribute.update(uniqueness="server", caseExact=False)
    return schema


def _org_unit_schema() -> dict[str, Any]:
    schema = _dump(OrgUnitExtension.to_schema())
    schema["name"] = "OrgUnit"
    schema["description"] = "Where a Group (org unit) hangs in the tree"
    return schema


def schema_documents() -> list[dict[str, Any]]:
    group = _cut(_dump(Group.to_schema()), GROUP_ATTRIBUTES)
    group["description"] = "Officecloud org units"
    return [_user_schema(), group, _org_unit_schema()]


def refuse_unsupported(data: dict[str, Any], schema: str) -> None:
    """A resource as JSON (a request body, or the result of a PATCH) holds only what is stored:
    anything else is a 400 naming it, never silently dropped. Read-only attributes are ignored
    (RFC 7644 §3.3): the caller never reads them."""
    kept, extensions = (
        (USER_ATTRIBUTES, {}) if schema == USER_SCHEMA else (GROUP_ATTRIBUTES, {ORG_UNIT_SCHEMA})
    )
    for key, value in data.items():
        if key in COMMON or value is None:
            continue
        if key in extensions:
            if isinstance(value, dict):
                _check(value, ORG_UNIT_ATTRIBUTES, key)
            continue
        _check({key: value}, kept, "")


def _check(data: dict[str, Any], kept: Attributes, prefix: str) -> None:
    by_lower = {name.lower(): name for name in kept}
    for key, value in data.items():
        name = by_lower.get(key.lower())
        where = f"{prefix}:{key}" if prefix else key
        if name is None:
            raise ScimError(400, f"'{where}' is not stored here (see /Schemas)", "invalidPath")
        subs = kept[name]
        if subs is None or value is None:
            continue
        lowered = {s.lower() for s in subs}
        for item in value if isinstance(value, list) else [value]:
            extra = [k for k in item if k.lower() not in lowered] if isinstance(item, dict) else []
            if extra:
                raise ScimError(
                    400, f"'{where}.{extra[0]}' is not stored here (see /Schemas)", "invalidPath"
                )


# Discovery endpoints -------------------------------------------------------------------------


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
    data = _dump(config)
    data["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base_url(request)}/ServiceProviderConfig",
    }
    return respond(data)


def _resource_types(base: str) -> list[dict[str, Any]]:
    user: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "Directory users",
        "schema": USER_SCHEMA,
    }
    group: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "Org units",
        "schema": GROUP_SCHEMA,
        "schemaExtensions": [{"schema": ORG_UNIT_SCHEMA, "required": False}],
    }
    for item in (user, group):
        item["meta"] = {
            "resourceType": "ResourceType",
            "location": f"{base}/ResourceTypes/{item['id']}",
        }
    return [user, group]


def _schemas(base: str) -> list[dict[str, Any]]:
    found = []
    for data in schema_documents():
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
    raise ScimError(404, "No such resource type")


async def schemas(request: web.Request) -> web.Response:
    items = _schemas(base_url(request))
    return list_response(items, total=len(items), start=1)


async def schema(request: web.Request) -> web.Response:
    for item in _schemas(base_url(request)):
        if item["id"] == request.match_info["id"]:
            return respond(item)
    raise ScimError(404, "No such schema")
