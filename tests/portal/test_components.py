"""Service component manifests: the shipped standard set, registration checks that point at
the manifest field at fault, immutable versions, and tenant-owned components kept private."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from graphql import GraphQLSchema

from models.audit import AuditEntry
from models.directory import User
from models.portal_components import PortalComponent, PortalComponentVersion
from schema import build_schema
from services.errors import ServiceError
from services.portal import STANDARD_MANIFESTS, ensure_standard_components, validate_manifest
from tests.conftest import GraphQL
from tests.portal.support import manifest

REGISTERED = (
    "component { id key standard latestVersion versions { version name } } "
    "componentVersion { id version operation settingsSchema requiredPermission } "
)
STANDARD_KEYS = {
    "doc-todo",
    "doc-done",
    "doc-started",
    "public-notices",
    "publications",
    "calendar",
    "notes",
    "contacts",
    "public-affairs",
}


def _schema() -> GraphQLSchema:
    return build_schema()._schema


async def test_the_standard_set_is_seeded_once_and_visible_to_every_tenant(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    result = await gql(
        "{ portalComponents(filter: {standard: true}, first: 50) { totalCount edges { node {"
        " key standard availability latest { version operation settingsSchema help example } }"
        " } } }",
        token=gql.token(department.admin, department.tenant),
    )
    nodes = [e["node"] for e in result.data["portalComponents"]["edges"]]
    assert {n["key"] for n in nodes} == STANDARD_KEYS
    assert all(n["availability"] == "NOT_APPLIED" and n["latest"]["help"] for n in nodes)
    publications = next(n for n in nodes if n["key"] == "publications")
    assert "pageSize" in publications["latest"]["settingsSchema"]["properties"]

    versions = await PortalComponentVersion.filter(component__standard=True).count()
    assert await ensure_standard_components() == 0
    assert await PortalComponentVersion.filter(component__standard=True).count() == versions


def test_shipped_operations_parse_and_fail_our_schema_only_on_fields_still_to_come() -> None:
    """With `portal_check_shipped_operations` they are validated against our schema: every
    shipped operation names a query that exists."""
    schema = _schema()
    pending = {}
    for document in STANDARD_MANIFESTS:
        validate_manifest(document, operation_schema=None)
        try:
            validate_manifest(document, operation_schema=schema)
        except ServiceError as error:
            pending[document["key"]] = [p.message for p in error.problems]
    assert pending == {}
    assert all("Cannot query field" in m for messages in pending.values() for m in messages)


async def test_the_catalogue_costs_the_same_queries_however_many_components(
    gql: GraphQL, make_department, count_queries
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    query = (
        "{ portalComponents(first: 50) { edges { node { key availability application { status }"
        " latest { version } versions { version } } } } }"
    )

    async def cost() -> tuple[int, int]:
        with count_queries() as counted:
            result = await gql(query, token=token)
        return counted(), len(result.data["portalComponents"]["edges"])

    await cost()  # the token's first use records a sign-in
    few_queries, few = await cost()
    for n in range(3):
        document = manifest(f"n{n}-{uuid.uuid4().hex[:6]}")
        await gql.mutate(
            "registerPortalComponent", {"manifest": document}, "component { id }", token=token
        )
    many_queries, many = await cost()
    assert many == few + 3
    assert many_queries == few_queries


async def test_a_bad_manifest_is_refused_with_errors_at_each_field(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    before = (await PortalComponent.all().count(), await AuditEntry.all().count())

    async def errors(document: Any) -> list[tuple[str, list[str]]]:
        result = await gql.mutate(
            "registerPortalComponent", {"manifest": document}, REGISTERED, token=token
        )
        assert result["component"] is None
        assert all(e["message"] for e in result["errors"])
        return [(e["code"], e["field"]) for e in result["errors"]]

    broken = manifest("Bad Key", version="1.0", category="gossip", operation="query {")
    broken["settingsSchema"] = {"type": "objec", "properties": {"days": {"minimum": "one"}}}
    broken["colour"] = "red"
    del broken["description"]
    found = await errors(broken)
    assert ("REQUIRED", ["input", "manifest", "description"]) in found
    assert ("INVALID", ["input", "manifest"]) in found  # the unknown property 'colour'
    assert ("INVALID", ["input", "manifest", "category"]) in found
    assert ("INVALID", ["input", "manifest", "key"]) in found
    assert ("INVALID", ["input", "manifest", "version"]) in found
    assert ("INVALID", ["input", "manifest", "operation"]) in found
    assert ("INVALID", ["input", "manifest", "settingsSchema", "type"]) in found
    assert (
        "INVALID",
        ["input", "manifest", "settingsSchema", "properties", "days", "minimum"],
    ) in found

    example = manifest(f"ex{uuid.uuid4().hex[:6]}", example={"settings": {"days": 40}})
    assert await errors(example) == [
        ("INVALID", ["input", "manifest", "example", "settings", "days"])
    ]
    remote = manifest(f"rf{uuid.uuid4().hex[:6]}")
    remote["settingsSchema"]["properties"]["days"] = {"$ref": "http://127.0.0.1:9/days.json"}
    assert await errors(remote) == [
        ("INVALID", ["input", "manifest", "settingsSchema", "properties", "days", "$ref"])
    ]
    unknown_field = manifest(f"uf{uuid.uuid4().hex[:6]}", operation="query { noSuchField }")
    result = await gql.mutate(
        "registerPortalComponent", {"manifest": unknown_field}, REGISTERED, token=token
    )
    assert [e["field"] for e in result["errors"]] == [["input", "manifest", "operation"]]
    assert "Cannot query field 'noSuchField'" in result["errors"][0]["message"]
    not_object = manifest(f"no{uuid.uuid4().hex[:6]}", settingsSchema={"type": "array"})
    assert await errors(not_object) == [
        ("INVALID", ["input", "manifest", "settingsSchema", "type"])
    ]
    assert await errors([1, 2]) == [("INVALID", ["input", "manifest"])]
    assert (await PortalComponent.all().count(), await AuditEntry.all().count()) == before


async def test_versions_are_kept_and_never_change(gql: GraphQL, make_department) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    key = f"duty-{uuid.uuid4().hex[:6]}"

    first = await gql.mutate(
        "registerPortalComponent", {"manifest": manifest(key)}, REGISTERED, token=token
    )
    assert first["errors"] == []
    assert first["component"]["standard"] is False
    assert first["componentVersion"]["operation"].startswith("query DutyRoster")

    changed = manifest(key, name="改名 Renamed")
    again = await gql.mutate(
        "registerPortalComponent", {"manifest": changed}, REGISTERED, token=token
    )
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("DUPLICATE", ["input", "manifest", "version"])
    ]

    newer = manifest(key, version="1.1.0", name="值班表 v1.1")
    assert (
        await gql.mutate("registerPortalComponent", {"manifest": newer}, REGISTERED, token=token)
    )["errors"] == []
    backport = manifest(key, version="1.0.1", name="值班表 1.0.1")
    latest = await gql.mutate(
        "registerPortalComponent", {"manifest": backport}, REGISTERED, token=token
    )
    assert latest["component"]["latestVersion"] == "1.1.0"
    assert [v["version"] for v in latest["component"]["versions"]] == ["1.1.0", "1.0.1", "1.0.0"]
    assert latest["component"]["versions"][2]["name"] == "值班表 Duty roster"
    stored = await PortalComponentVersion.get(component__key=key, version="1.0.0")
    assert stored.manifest == manifest(key)

    audit = await department.scope.query(AuditEntry).filter(action="portal.component_registered")
    assert len(audit) == 3


async def test_tenant_components_stay_private_and_standard_keys_are_reserved(
    gql: GraphQL, make_department
) -> None:
    owner, other = await make_department(), await make_department()
    owner_token = gql.token(owner.admin, owner.tenant)
    other_token = gql.token(other.admin, other.tenant)
    key = f"own-{uuid.uuid4().hex[:6]}"
    made = await gql.mutate(
        "registerPortalComponent", {"manifest": manifest(key)}, REGISTERED, token=owner_token
    )
    component_id = made["component"]["id"]

    async def keys(token: str) -> set[str]:
        result = await gql(
            "{ portalComponents(first: 100) { edges { node { key availability } } } }",
            token=token,
        )
        return {e["node"]["key"] for e in result.data["portalComponents"]["edges"]}

    assert key in await keys(owner_token)
    assert key not in await keys(other_token)
    node = "query($id: ID!) { node(id: $id) { ... on PortalComponent { key availability } } }"
    assert (await gql(node, {"id": component_id}, token=owner_token)).data["node"] == {
        "key": key,
        "availability": "OWNED",
    }
    assert (await gql(node, {"id": component_id}, token=other_token)).data["node"] is None
    applied = await gql.mutate(
        "applyForPortalService",
        {"componentId": component_id},
        "application { id }",
        token=other_token,
    )
    assert [e["code"] for e in applied["errors"]] == ["NOT_FOUND"]

    reserved = await gql.mutate(
        "registerPortalComponent",
        {"manifest": manifest("publications", version="9.0.0")},
        REGISTERED,
        token=owner_token,
    )
    assert [(e["code"], e["field"]) for e in reserved["errors"]] == [
        ("DUPLICATE", ["input", "manifest", "key"])
    ]


async def test_only_platform_admins_extend_the_standard_set(
    gql: GraphQL, make_department, platform_admin: User
) -> None:
    department = await make_department()
    key = f"std-{uuid.uuid4().hex[:6]}"
    document = {"manifest": manifest(key), "standard": True}
    refused = await gql.mutate(
        "registerPortalComponent",
        document,
        REGISTERED,
        token=gql.token(department.admin, department.tenant),
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    operator = gql.token(platform_admin, "platform")
    added = await gql.mutate("registerPortalComponent", document, REGISTERED, token=operator)
    assert added["errors"] == []
    assert added["component"]["standard"] is True
    seen = await gql(
        "query($key: String!) { portalComponent(key: $key) { standard availability } }",
        {"key": key},
        token=gql.token(department.admin, department.tenant),
    )
    assert seen.data["portalComponent"] == {"standard": True, "availability": "NOT_APPLIED"}


async def test_the_manifest_standard_is_published_as_a_json_schema(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    result = await gql(
        "{ portalComponentManifestSchema }", token=gql.token(department.admin, department.tenant)
    )
    published = result.data["portalComponentManifestSchema"]
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "settingsSchema" in published["required"]
    document = copy.deepcopy(manifest("checked-by-anyone"))
    assert validate_manifest(document, operation_schema=_schema()).key == "checked-by-anyone"
