"""Operations: `/metrics` scraped while requests and outbox events change it; audit log
queries and the JSON-lines export for administrators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families

from models.directory import OrgUnit
from models.outbox import OutboxEvent
from services import directory
from tests.conftest import GraphQL, gid


async def scrape(server: TestServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with (
        ClientSession() as session,
        session.get(str(server.make_url("/metrics"))) as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_show_requests_errors_and_outbox_lag(
    server: TestServer, gql: GraphQL, make_department: Any
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    ok = {"operation": "MetricsProbe", "type": "query", "outcome": "ok"}
    before = await scrape(server)

    for _ in range(3):
        assert (await gql("query MetricsProbe { viewer { user { username } } }", token=token)).data
    bad = await gql("query MetricsProbe { viewer { nope } }", token=token)
    assert bad.errors

    after = await scrape(server)
    requests = "officecloud_graphql_requests_total"
    assert value(after, requests, **ok) - value(before, requests, **ok) == 3
    failed = {**ok, "outcome": "error"}
    assert value(after, requests, **failed) - value(before, requests, **failed) == 1
    errors = "officecloud_graphql_errors_total"
    labels = {"operation": "MetricsProbe", "kind": "request", "code": "GRAPHQL_VALIDATION_FAILED"}
    assert value(after, errors, **labels) - value(before, errors, **labels) == 1
    latency = "officecloud_graphql_request_seconds_count"
    probe = {"operation": "MetricsProbe", "type": "query"}
    assert value(after, latency, **probe) - value(before, latency, **probe) == 4
    assert value(after, "officecloud_db_pool_connections", state="max") >= 1

    waiting = "officecloud_outbox_unpublished_events"
    stale = await OutboxEvent.create(tenant_id=department.tenant.id, topic="test.lag", payload={})
    await OutboxEvent.filter(id=stale.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=10)
    )
    try:
        lagging = await scrape(server)
        assert value(lagging, waiting) == value(after, waiting) + 1
        assert value(lagging, "officecloud_outbox_oldest_unpublished_age_seconds") >= 600
    finally:
        await OutboxEvent.filter(id=stale.id).update(published_at=datetime.now(UTC))
    assert value(await scrape(server), waiting) == value(after, waiting)


AUDIT = """query($tenant: ID, $filter: AuditFilter, $first: Int, $after: String) {
  auditLog(tenant: $tenant, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { seq action actorName actorId targetType targetId data } }
  }
}"""


async def test_audit_queries_and_export_for_administrators(
    server: TestServer, gql: GraphQL, make_department: Any
) -> None:
    parent = await make_department()
    child = await make_department(parent=parent.tenant)
    root = await child.scope.query(OrgUnit).get(parent_id=None)
    for name in ("办公室", "财务处", "人事处"):
        await directory.create_org_unit(child.actor, name=name, parent_id=root.id)
    member = await directory.create_user(
        child.actor, username="member1", display_name="Member", org_unit_ids=[root.id]
    )
    admin_token = gql.token(child.admin, child.tenant)

    every = await gql(AUDIT, {"first": 100}, token=admin_token)
    entries = [e["node"] for e in every.data["auditLog"]["edges"]]
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs, reverse=True), "newest first"
    assert every.data["auditLog"]["totalCount"] == len(entries)

    units = await gql(
        AUDIT,
        {"filter": {"actionPrefix": "org_unit.", "actorId": gid("User", child.admin.id)}},
        token=admin_token,
    )
    found = [e["node"] for e in units.data["auditLog"]["edges"]]
    assert [e["data"]["name"] for e in found] == ["人事处", "财务处", "办公室"]
    assert {e["actorId"] for e in found} == {gid("User", child.admin.id)}

    page = await gql(AUDIT, {"first": 2}, token=admin_token)
    cursor = page.data["auditLog"]["pageInfo"]["endCursor"]
    following = await gql(AUDIT, {"first": 2, "after": cursor}, token=admin_token)
    assert [e["node"]["seq"] for e in following.data["auditLog"]["edges"]] == seqs[2:4]

    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    empty = await gql(AUDIT, {"filter": {"from": future}}, token=admin_token)
    assert empty.data["auditLog"]["edges"] == []

    from_parent = await gql(
        AUDIT,
        {"tenant": gid("Tenant", child.tenant.id)},
        token=gql.token(parent.admin, parent.tenant),
    )
    assert from_parent.data["auditLog"]["totalCount"] == len(entries)
    upwards = await gql(AUDIT, {"tenant": gid("Tenant", parent.tenant.id)}, token=admin_token)
    assert upwards.data["auditLog"]["edges"] == []
    as_member = await gql(AUDIT, {}, token=gql.token(member, child.tenant))
    assert as_member.data["auditLog"]["edges"] == []

    url = str(server.make_url("/audit/export"))
    async with ClientSession() as session:
        headers = {"Authorization": f"Bearer {admin_token}"}
        async with session.get(url, params={"action": "org_unit."}, headers=headers) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("application/jsonl")
            lines = [orjson.loads(line) for line in (await response.read()).splitlines()]
        assert [line["data"]["name"] for line in lines] == ["办公室", "财务处", "人事处"]
        assert all(line["tenant"] == child.tenant.code for line in lines)
        assert lines[1]["seq"] == lines[0]["seq"] + 1
        assert lines[1]["prevHash"] == lines[0]["hash"], "the export keeps the chain verifiable"

        async with session.get(url, headers=headers) as response:
            everything = (await response.read()).splitlines()
        assert len(everything) == len(entries)

        parent_headers = {"Authorization": f"Bearer {gql.token(parent.admin, parent.tenant)}"}
        async with session.get(
            url, params={"tenant": child.tenant.code}, headers=parent_headers
        ) as response:
            assert response.status == 200
            assert len((await response.read()).splitlines()) == len(entries)
        member_headers = {"Authorization": f"Bearer {gql.token(member, child.tenant)}"}
        async with session.get(url, headers=member_headers) as response:
            assert response.status == 403
        async with session.get(url, params={"tenant": parent.tenant.code}, headers=headers) as r:
            assert r.status == 403
        async with session.get(url) as response:
            assert response.status == 401
