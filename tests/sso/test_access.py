"""Portal access authorisation (门户访问授权) managed through GraphQL and enforced on every
request, and access statistics (门户访问统计) queried and exported by tenant admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import orjson
from aiohttp.test_utils import TestServer

from models.directory import OrgUnit, Role
from services import directory
from tests.conftest import GraphQL, gid

VIEWER = "{ viewer { user { username } } }"
STATS = """query($from: Date!, $to: Date!) {
  accessStats(from: $from, to: $to) {
    day signIns failedSignIns activeUsers components { component uses users }
  }
}"""


async def test_access_rules_refuse_people_and_components_they_do_not_grant(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    office = await directory.create_org_unit(department.actor, name="办公室", parent_id=root.id)
    outside = await directory.create_org_unit(department.actor, name="外单位", parent_id=root.id)
    clerk = await directory.create_user(
        department.actor, username="clerk", display_name="文员", org_unit_ids=[office.id]
    )
    guest = await directory.create_user(
        department.actor, username="guest", display_name="访客", org_unit_ids=[outside.id]
    )
    clerk_token, guest_token = (
        gql.token(clerk, department.tenant),
        gql.token(guest, department.tenant),
    )
    assert (await gql(VIEWER, token=guest_token)).status == 200, "no rules: everyone may"

    created = await gql.mutate(
        "createAccessRule",
        {"subjectType": "ORG_UNIT", "subjectId": gid("OrgUnit", root.id), "components": ["portal"]},
        "accessRule { id components subjectId }",
        token=admin,
    )
    assert created["errors"] == []
    rule_id = created["accessRule"]["id"]
    assert (await gql(VIEWER, token=guest_token)).status == 200, "the root unit covers everyone"

    changed = await gql.mutate(
        "updateAccessRule",
        {"id": rule_id, "components": []},
        "accessRule { components }",
        token=admin,
    )
    assert changed["errors"] == []
    await gql.mutate("deleteAccessRule", {"id": rule_id}, "deletedId", token=admin)
    office_rule = await gql.mutate(
        "createAccessRule",
        {
            "subjectType": "ORG_UNIT",
            "subjectId": gid("OrgUnit", office.id),
            "components": ["documents"],
        },
        "accessRule { id }",
        token=admin,
    )
    assert office_rule["errors"] == []

    refused = await gql(VIEWER, token=guest_token)
    assert refused.status == 403
    assert refused.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert "门户访问授权" in refused.errors[0]["message"]

    only_documents = await gql(VIEWER, token=clerk_token)
    assert only_documents.status == 200
    assert only_documents.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert "'portal'" in only_documents.errors[0]["message"]
    assert only_documents.body["data"] is None

    member = await department.scope.query(Role).get(code="member")
    await directory.assign_role(department.actor, user_id=clerk.id, role_id=member.id)
    await gql.mutate(
        "createAccessRule",
        {"subjectType": "ROLE", "subjectId": gid("Role", member.id), "components": ["portal"]},
        "accessRule { id }",
        token=admin,
    )
    assert (await gql(VIEWER, token=clerk_token)).errors == [], "the role rule adds portal"
    assert (await gql(VIEWER, token=admin)).status == 200, "tenant admins are never locked out"

    not_admin = await gql.mutate(
        "createAccessRule",
        {"subjectType": "USER", "subjectId": gid("User", guest.id), "components": []},
        "accessRule { id }",
        token=clerk_token,
    )
    assert not_admin["errors"][0]["code"] == "FORBIDDEN"
    bad = await gql.mutate(
        "createAccessRule",
        {"subjectType": "USER", "subjectId": gid("User", guest.id), "components": ["no spaces"]},
        "accessRule { id }",
        token=admin,
    )
    assert bad["errors"][0]["code"] == "INVALID"


async def test_stats_count_sign_ins_and_component_use_and_export_as_json_lines(
    server: TestServer, gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    clerk = await directory.create_user(
        department.actor, username="clerk", display_name="文员", org_unit_ids=[root.id]
    )
    clerk_token = gql.token(clerk, department.tenant)
    for _ in range(3):
        assert (await gql(VIEWER, token=clerk_token)).status == 200
    stranger = await make_department()
    refused = await gql(VIEWER, token=gql.token(clerk, stranger.tenant))
    assert refused.status == 403

    today = datetime.now(UTC).date()
    result = await gql(
        STATS, {"from": str(today - timedelta(days=1)), "to": str(today)}, token=admin
    )
    days = result.data["accessStats"]
    assert [d["day"] for d in days] == [str(today - timedelta(days=1)), str(today)]
    assert days[0]["signIns"] == 0
    assert days[1]["signIns"] == 2, "one per token: the clerk's and the admin's"
    assert days[1]["activeUsers"] == 2
    portal_use = next(c for c in days[1]["components"] if c["component"] == "portal")
    assert portal_use["uses"] >= 3
    assert portal_use["users"] == 1

    denied = await gql(STATS, {"from": str(today), "to": str(today)}, token=clerk_token)
    assert denied.errors[0]["extensions"]["code"] == "FORBIDDEN"

    url = server.make_url("/portal/access-log.jsonl")
    async with aiohttp.ClientSession() as http:
        async with http.get(
            url,
            params={"from": str(today), "to": str(today)},
            headers={"Authorization": f"Bearer {admin}"},
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("application/jsonl")
            lines = [orjson.loads(line) for line in (await response.read()).splitlines()]
        async with http.get(
            url,
            params={"from": str(today), "to": str(today)},
            headers={"Authorization": f"Bearer {clerk_token}"},
        ) as response:
            assert response.status == 403
        async with http.get(
            url, params={"from": "x"}, headers={"Authorization": f"Bearer {admin}"}
        ) as response:
            assert response.status == 400
    kinds = [line["type"] for line in lines]
    assert kinds.count("access_event") == 2
    uses = [line for line in lines if line["type"] == "component_use"]
    assert {(u["userId"], u["component"]) for u in uses} >= {(str(clerk.id), "portal")}
