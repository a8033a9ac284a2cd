"""The SCIM server's contract, over real HTTP: userName changes, case-insensitive uniqueness
held by the database, what is not stored is refused, what is written reads back the same,
DELETE makes the resource gone and re-creating it reactivates the same user, partial
representations, searches, SCIM errors everywhere, and roles through the role map."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from aiohttp.test_utils import TestServer
from tortoise.exceptions import IntegrityError

from models.audit import AuditEntry
from models.directory import Role, RoleAssignment, UserStatus
from models.directory import User as DirectoryUser
from server.app import create_app
from server.settings import Settings
from services import directory
from tests.conftest import GraphQL
from tests.sso.support import scim_token

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


class Scim:
    def __init__(self, http: httpx2.AsyncClient, department: Any) -> None:
        self.http, self.department = http, department

    async def create(self, user_name: str, **attributes: Any) -> httpx2.Response:
        body = {"schemas": [USER], "userName": user_name, "displayName": user_name, **attributes}
        return await self.http.post("/Users", json=body)

    async def patch(self, id: str, *operations: dict[str, Any]) -> httpx2.Response:
        return await self.http.patch(
            f"/Users/{id}", json={"schemas": [PATCH], "Operations": list(operations)}
        )


async def _client(url: str, gql: GraphQL, department: Any) -> httpx2.AsyncClient:
    token = await scim_token(gql, department)
    return httpx2.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def scim(server: TestServer, gql: GraphQL, make_department) -> AsyncIterator[Scim]:
    department = await make_department()
    http = await _client(str(server.make_url("/scim/v2")), gql, department)
    yield Scim(http, department)
    await http.aclose()


async def test_user_names_change_and_are_unique_ignoring_case(scim: Scim) -> None:
    created = (await scim.create("alice.x")).json()
    taken = await scim.create("ALICE.x")
    assert taken.status_code == 409
    assert taken.json()["scimType"] == "uniqueness"
    found = (await scim.http.get("/Users", params={"filter": 'userName eq "Alice.X"'})).json()
    assert [u["id"] for u in found["Resources"]] == [created["id"]]

    row = await scim.department.scope.get(DirectoryUser, created["id"])
    with pytest.raises(IntegrityError):  # the database holds the rule, not only the service
        await scim.department.scope.create(
            DirectoryUser, username="ALICE.X", display_name="x", primary_org_unit_id=None
        )

    put = {**created, "userName": "alice.put"}
    assert (await scim.http.put(f"/Users/{created['id']}", json=put)).json()["userName"] == (
        "alice.put"
    )
    with_path = await scim.patch(
        created["id"], {"op": "replace", "path": "userName", "value": "alice.path"}
    )
    assert with_path.json()["userName"] == "alice.path"
    without = await scim.patch(created["id"], {"op": "replace", "value": {"userName": "Alice.X"}})
    assert without.json()["userName"] == "Alice.X", "a change of case alone is a change"
    assert (await scim.create("alice.put")).status_code == 201, "the old name is free again"
    bare = await scim.http.post("/Users", json={"schemas": [USER], "userName": "no.display"})
    assert bare.status_code == 201
    assert (bare.json()["displayName"], bare.json()["active"]) == ("no.display", True)
    row = await scim.department.scope.get(DirectoryUser, created["id"])
    assert row is not None
    assert row.username == "Alice.X"


async def test_what_is_not_stored_is_refused_and_what_is_written_reads_back(scim: Scim) -> None:
    refused = await scim.create("bob", nickName="Bobby")
    assert refused.status_code == 400
    assert refused.json()["scimType"] == "invalidPath"
    assert "nickName" in refused.json()["detail"]
    assert not await scim.department.scope.query(DirectoryUser).filter(username="bob").exists()

    emails = [
        {"value": "bob@home.example", "type": "home", "primary": True},
        {"value": "bob@city.gov.cn", "type": "work"},
    ]
    phones = [{"value": "+86 10 1234", "type": "other", "primary": True}]
    bob = (
        await scim.create(
            "bob",
            name={"givenName": "Bob", "familyName": "Li"},
            emails=emails,
            phoneNumbers=phones,
            title="科员",
        )
    ).json()
    assert bob["emails"] == emails
    assert bob["phoneNumbers"] == phones
    assert bob["name"] == {"givenName": "Bob", "familyName": "Li"}
    row = await scim.department.scope.get(DirectoryUser, bob["id"])
    assert row is not None
    assert (row.email, row.phone) == ("bob@home.example", "+86 10 1234"), "the primary ones"

    for operation, why in (
        ({"op": "add", "path": "locale", "value": "zh-CN"}, "invalidPath"),
        ({"op": "add", "path": "name.middleName", "value": "Q"}, "invalidPath"),
        ({"op": "remove", "path": "displayName"}, "invalidValue"),
        ({"op": "remove", "path": "active"}, "invalidValue"),
    ):
        answer = await scim.patch(bob["id"], operation)
        assert answer.status_code == 400, operation
        assert answer.json()["scimType"] == why, operation
    removed = await scim.patch(
        bob["id"], {"op": "remove", "path": "name"}, {"op": "remove", "path": "title"}
    )
    assert "name" not in removed.json()
    assert "title" not in removed.json()
    again = await scim.http.get(f"/Users/{bob['id']}")
    assert again.json() == removed.json(), "what a PATCH answers is what is stored"


async def test_delete_makes_the_user_gone_and_recreating_reactivates_them(scim: Scim) -> None:
    scope = scim.department.scope
    carol = (await scim.create("carol", externalId="portal|carol")).json()
    assert (await scim.http.delete(f"/Users/{carol['id']}")).status_code == 204
    gone = await scim.http.get(f"/Users/{carol['id']}")
    assert gone.status_code == 404
    assert gone.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    listed = (await scim.http.get("/Users", params={"filter": 'userName eq "carol"'})).json()
    assert listed["totalResults"] == 0
    assert (
        await scim.patch(carol["id"], {"op": "replace", "path": "title", "value": "x"})
    ).status_code == 404
    row = await scope.get(DirectoryUser, carol["id"])
    assert row is not None, "history is kept"
    assert row.status == UserStatus.DEPROVISIONED
    assert row.deleted_at is not None

    back = await scim.create("Carol", externalId="portal|carol")
    assert back.status_code == 201
    assert back.json()["id"] == carol["id"], "the same person, linked again"
    assert back.json()["active"] is True
    row = await scope.get(DirectoryUser, carol["id"])
    assert row is not None
    assert (row.status, row.deleted_at, row.username) == (UserStatus.ACTIVE, None, "Carol")
    actions = (
        await scope.query(AuditEntry).filter(target_id=str(row.id)).values_list("action", flat=True)
    )
    assert "user.deprovisioned" in actions


async def test_partial_representations_searches_and_errors(scim: Scim) -> None:
    dave = (await scim.create("dave", title="科长", emails=[{"value": "d@x.cn"}])).json()
    only = (await scim.http.get(f"/Users/{dave['id']}", params={"attributes": "userName"})).json()
    assert set(only) == {"schemas", "id", "userName"}
    less = await scim.http.get(
        f"/Users/{dave['id']}", params={"excludedAttributes": "emails,title"}
    )
    assert "emails" not in less.json()
    assert "title" not in less.json()
    assert less.json()["userName"] == "dave"

    search = {"schemas": [SEARCH], "filter": 'title eq "科长"', "attributes": ["userName"]}
    found = (await scim.http.post("/Users/.search", json=search)).json()
    assert [r["userName"] for r in found["Resources"]] == ["dave"]
    everything = (await scim.http.post("/.search", json={"schemas": [SEARCH]})).json()
    kinds = {r["meta"]["resourceType"] for r in everything["Resources"]}
    assert kinds == {"User", "Group"}

    value_filter = await scim.http.get(
        "/Users", params={"filter": 'emails[type eq "work"].value co "x"'}
    )
    assert value_filter.status_code == 400
    assert value_filter.json()["scimType"] == "invalidFilter"
    for method, path, status in (
        ("GET", "/Nothing", 404),
        ("DELETE", "/Schemas", 405),
        ("PUT", "/Users", 405),
        ("GET", "/Users/not-an-id", 404),
    ):
        answer = await scim.http.request(method, path)
        assert answer.status_code == status, (method, path)
        assert answer.headers["Content-Type"].startswith("application/scim+json")
        assert answer.json()["status"] == str(status)


@pytest.fixture
async def mapped(database: Settings, gql: GraphQL, make_department) -> AsyncIterator[Scim]:
    """A server whose role map turns the portal's `oa-admin` into `tenant_admin`."""
    settings = database.model_copy(update={"oidc_role_map": {"oa-admin": "tenant_admin"}})
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    department = await make_department()
    http = await _client(str(server.make_url("/scim/v2")), gql, department)
    yield Scim(http, department)
    await http.aclose()
    await server.close()


async def test_roles_go_through_the_role_map_both_ways(mapped: Scim) -> None:
    scope = mapped.department.scope
    erin = (await mapped.create("erin", roles=[{"value": "oa-admin"}, {"value": "reader"}])).json()
    assert erin["roles"] == [{"value": "oa-admin"}, {"value": "reader"}], "kept as sent"
    member = await scope.query(Role).get(code="member")
    department = mapped.department
    await directory.assign_role(department.actor, user_id=erin["id"], role_id=member.id)
    held = scope.query(RoleAssignment).filter(user_id=erin["id"], role__code="tenant_admin")
    assert await held.count() == 1

    demoted = await mapped.patch(erin["id"], {"op": "remove", "path": "roles"})
    assert "roles" not in demoted.json()
    assert await held.count() == 0, "taken away when the portal no longer names it"
    audit = (
        await scope.query(AuditEntry)
        .filter(action="role.unassigned")
        .values_list("data", flat=True)
    )
    assert [d["source"] for d in audit] == ["portal"]
    members = scope.query(RoleAssignment).filter(user_id=erin["id"], role__code="member")
    assert await members.count() == 1, "roles the map does not name are not touched"
