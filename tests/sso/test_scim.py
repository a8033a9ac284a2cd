"""The SCIM 2.0 server with a real SCIM client (scim2-client over httpx2): discovery, users and
groups (org units) created, filtered, patched and deprovisioned, ETags, paging, tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from aiohttp.test_utils import TestServer
from scim2_client.engines.httpx2 import AsyncSCIMClient
from scim2_models import (
    Email,
    Group,
    GroupMember,
    PatchOp,
    PatchOperation,
    ResourceType,
    ScimProvider,
    SearchRequest,
    User,
)

from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, UserStatus
from models.directory import User as DirectoryUser
from sync.scim.schemas import OrgUnitExtension
from tests.conftest import GraphQL
from tests.sso.support import scim_token

OrgUnitGroup: Any = Group[OrgUnitExtension]  # type: ignore[misc]


@pytest.fixture
async def scim(server: TestServer, gql: GraphQL, make_department) -> AsyncIterator[Any]:
    department = await make_department()
    secret = await scim_token(gql, department)
    http = httpx2.AsyncClient(
        base_url=str(server.make_url("/scim/v2")),
        headers={"Authorization": f"Bearer {secret}"},
    )
    provider = ScimProvider(
        models=(User, Group, OrgUnitExtension),
        resource_types=[ResourceType.from_resource(User), ResourceType.from_resource(OrgUnitGroup)],
    )
    client = AsyncSCIMClient(http, provider=provider)
    client.department = department
    client.secret = secret
    yield client
    await http.aclose()


async def test_a_scim_client_provisions_and_deprovisions_users_and_groups(scim: Any) -> None:
    department = scim.department
    scope = department.scope
    await scim.discover()
    assert {t.id for t in scim.provider.resource_types} >= {"User", "Group"}

    office = await scim.create(OrgUnitGroup(display_name="办公室", external_id="portal-ou-1"))
    child = OrgUnitGroup(display_name="文书科", external_id="portal-ou-2")
    child[OrgUnitExtension] = OrgUnitExtension(parent=office.id)
    section = await scim.create(child)
    assert section[OrgUnitExtension].parent == office.meta.location, "a bare id is accepted"
    unit = await scope.get(OrgUnit, section.id)
    assert unit is not None
    assert unit.path.startswith((await scope.get(OrgUnit, office.id)).path)

    created = await scim.create(
        User(
            user_name="zhang.san",
            external_id="portal|zhang",
            display_name="张三",
            emails=[Email(value="zhang@city.gov.cn", primary=True)],
            active=True,
        )
    )
    assert created.meta.version == 'W/"1"'
    found = await scim.query(User, query_parameters=SearchRequest(filter='userName eq "Zhang.San"'))
    assert [u.id for u in found.resources] == [created.id]
    found = await scim.query(
        User, query_parameters=SearchRequest(filter='externalId eq "portal|zhang"')
    )
    assert found.total_results == 1
    later = await scim.query(
        User,
        query_parameters=SearchRequest(
            filter=f'meta.lastModified ge "{created.meta.last_modified.isoformat()}"'
        ),
    )
    assert created.id in [u.id for u in later.resources]

    renamed = await scim.modify(
        User,
        created.id,
        PatchOp[User](
            operations=[PatchOperation(op="replace", path="displayName", value="张三丰")]
        ),
    )
    assert renamed.display_name == "张三丰"
    assert renamed.meta.version == 'W/"2"'

    await scim.modify(
        OrgUnitGroup,
        section.id,
        PatchOp[OrgUnitGroup](
            operations=[
                PatchOperation(op="add", path="members", value=[GroupMember(value=created.id)])
            ]
        ),
    )
    units = (
        await scope.query(Membership)
        .filter(user_id=created.id)
        .values_list("org_unit_id", flat=True)
    )
    assert [str(u) for u in units] == [section.id], "moved from the root unit into the group"
    member_of = await scim.query(User, created.id)
    assert [g.value for g in member_of.groups] == [section.id]

    audit_before = await scope.query(AuditEntry).count()
    gone = await scim.modify(
        User,
        created.id,
        PatchOp[User](operations=[PatchOperation(op="replace", path="active", value=False)]),
    )
    assert gone.active is False
    row = await scope.get(DirectoryUser, created.id)
    assert row is not None
    assert row.status == UserStatus.DEPROVISIONED
    actions = (
        await scope.query(AuditEntry).filter(seq__gt=audit_before).values_list("action", flat=True)
    )
    assert "directory.user.deprovisioned" in actions or "user.deprovisioned" in actions

    await scim.delete(User, created.id)
    assert (await scope.get(DirectoryUser, created.id)) is not None, "history is never deleted"

    assert (
        await scim.query(User, query_parameters=SearchRequest(filter="active eq true"))
    ).total_results == 1


async def test_etags_paging_errors_and_tokens(scim: Any, server: TestServer) -> None:
    http: httpx2.AsyncClient = scim.client
    created = await scim.create(User(user_name="li.si", display_name="李四"))
    url = f"/Users/{created.id}"
    stale = await http.patch(
        url,
        headers={"If-Match": 'W/"7"'},
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "title", "value": "科员"}],
        },
    )
    assert stale.status_code == 412
    assert (await http.get(url, headers={"If-None-Match": 'W/"1"'})).status_code == 304
    fresh = await http.patch(
        url,
        headers={"If-Match": 'W/"1"'},
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "title", "value": "科员"}],
        },
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == 'W/"2"'

    duplicate = await http.post(
        "/Users",
        json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "li.si"},
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["scimType"] == "uniqueness"

    page = (await http.get("/Users", params={"startIndex": 2, "count": 1})).json()
    assert page["totalResults"] == 2  # the tenant's admin and li.si
    assert page["startIndex"] == 2
    assert len(page["Resources"]) == 1

    bad = await http.get("/Users", params={"filter": 'nickName eq "x"'})
    assert bad.status_code == 400
    assert bad.json()["scimType"] == "invalidFilter"
    assert (await http.get("/Schemas")).json()["totalResults"] == 3
    assert (await http.get("/ServiceProviderConfig")).json()["etag"]["supported"] is True

    in_use = await scim.create(
        OrgUnitGroup(display_name="有人的科室", members=[GroupMember(value=created.id)])
    )
    assert (await http.delete(f"/Groups/{in_use.id}")).status_code == 204, "archived"
    assert (await http.get(f"/Groups/{in_use.id}")).status_code == 404
    member = (await http.get(url)).json()
    assert [g["display"] for g in member["groups"]] == [scim.department.tenant.name], "moved up"

    async with httpx2.AsyncClient(base_url=str(server.make_url("/scim/v2"))) as anonymous:
        assert (await anonymous.get("/Users")).status_code == 401
        wrong = await anonymous.get("/Users", headers={"Authorization": "Bearer ocscim_nope"})
        assert wrong.status_code == 401
