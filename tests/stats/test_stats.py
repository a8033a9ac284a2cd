"""Statistics on PostgreSQL, checked against numbers computed here from the rows the test made;
who may see which tenant's numbers; alerts raised and resolved from thresholds."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from tortoise import connections

from models.documents import Document, Task
from models.flows import FlowVersion
from models.outbox import OutboxEvent
from models.scope import TenantScope, across_tenants
from models.sso import AccessEvent, AccessEventKind, ComponentUsage
from models.stats import Alert, AlertKind, AlertStatus
from models.tenants import PLATFORM_CODE, Tenant
from server.settings import Settings
from services import stats
from subscriptions.outbox import reader
from tests.conftest import Department, GraphQL, gid, new_department, ws_url
from tests.documents.support import Office, staff
from tests.exchange.support import DISPATCH, completed_dispatch, receiving_office
from tests.stats.support import run_documents
from tests.ws_client import Socket
from workflow import TaskStatus

STATS = """query($tenant: ID, $children: Boolean!, $from: DateTime) {
  statistics(tenant: $tenant, includeChildren: $children, from: $from) {
    everyTenant rolledUpAt tenants { code }
    documents(bucket: DAY) { period documentTypeCode status count }
    nodeDurations { flowKey nodeId durations { count averageSeconds p50Seconds p90Seconds } }
    flowDurations { flowKey durations { count } }
    overdueByUser { user { username tenantCode } openOverdue closedLate }
    overdueByOrgUnit { orgUnitName openOverdue closedLate }
    workload { user { username } openTasks doneInPeriod }
  }
}"""


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (what percentile_cont computes)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def office_below(parent: Any, make_department: Any, gql: GraphQL) -> Office:
    office = await staff(await make_department(parent=parent.tenant), gql)
    await office.ok("admin", "installTemplate", {"key": "dispatch"}, "documentType { id }")
    return office


@dataclass
class Tree:
    """A parent tenant and a child that ran five documents, with two reviews of known length
    and one overdue sign-off; `numbers` is what the child's admin is shown."""

    parent: Department
    office: Office
    numbers: dict[str, Any]
    both: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def tree(database: Settings, gql: GraphQL) -> Tree:
    parent = await new_department()
    office = await office_below(parent, new_department, gql)
    await run_documents(office)
    scope = office.department.scope
    reviews = (
        await scope.query(Task).filter(node_id="review", status=TaskStatus.COMPLETED).order_by("id")
    )
    assert len(reviews) == 2
    client = connections.get("default")
    for task, minutes in zip(reviews, (3, 10), strict=True):
        await client.execute_query(
            "UPDATE task SET created_at = closed_at - make_interval(mins => $1) WHERE id = $2",
            [minutes, str(task.id)],
        )
    signoff = await scope.query(Task).get(node_id="signoff", status=TaskStatus.OPEN)
    await client.execute_query(
        "UPDATE task SET due_at = now() - interval '1 hour' WHERE id = $1", [str(signoff.id)]
    )
    result = await office.run("admin", STATS, {"tenant": None, "children": False})
    return Tree(parent, office, result.data["statistics"])


@pytest.mark.steps
class TestStatisticsMatchTheRowsAndFollowTheTenantTree:
    async def test_a_tenant_admin_sees_their_own_tenant(self, tree: Tree) -> None:
        assert tree.numbers["everyTenant"] is False
        assert [t["code"] for t in tree.numbers["tenants"]] == [tree.office.department.tenant.code]

    async def test_documents_are_counted_by_status_and_day(self, tree: Tree) -> None:
        rows = await tree.office.department.scope.query(Document).all()
        expected = Counter((r.status.value, r.created_at.date()) for r in rows)
        got: Counter[tuple[str, date]] = Counter()
        for row in tree.numbers["documents"]:
            assert row["documentTypeCode"] == "dispatch"
            day = datetime.fromisoformat(row["period"]).date()
            got[(row["status"].lower(), day)] += row["count"]
        # Buckets are Asia/Shanghai days; compare totals per status, and the day sum overall.
        assert sum(got.values()) == sum(expected.values()) == 5
        by_status: Counter[str] = Counter()
        for (status, _), n in got.items():
            by_status[status] += n
        assert by_status == Counter(r.status.value for r in rows)
        assert by_status == {"draft": 1, "in_progress": 4}

    async def test_node_durations_are_those_of_the_completed_tasks(self, tree: Tree) -> None:
        completed = await tree.office.department.scope.query(Task).filter(
            status=TaskStatus.COMPLETED
        )
        per_node: dict[str, list[float]] = {}
        for task in completed:
            assert task.closed_at is not None
            seconds = (task.closed_at - task.created_at).total_seconds()
            per_node.setdefault(task.node_id, []).append(seconds)
        nodes = {n["nodeId"]: n["durations"] for n in tree.numbers["nodeDurations"]}
        assert set(nodes) == set(per_node) == {"draft", "review", "signoff"}
        review = nodes["review"]
        assert review["count"] == 2
        assert review["averageSeconds"] == 390.0
        assert review["p50Seconds"] == percentile(per_node["review"], 0.5) == 390.0
        assert review["p90Seconds"] == round(percentile(per_node["review"], 0.9), 3) == 558.0
        assert nodes["draft"]["count"] == 4
        assert tree.numbers["flowDurations"] == [], "no flow has ended yet"

    async def test_overdue_tasks_count_for_their_holder_and_org_unit(self, tree: Tree) -> None:
        overdue = {
            (o["user"] or {}).get("username"): (o["openOverdue"], o["closedLate"])
            for o in tree.numbers["overdueByUser"]
        }
        assert overdue == {"leader": (1, 0)}
        assert [(o["orgUnitName"], o["openOverdue"]) for o in tree.numbers["overdueByOrgUnit"]] == [
            (tree.office.department.tenant.name, 1)
        ]

    async def test_workload_is_open_and_done_tasks_per_person(self, tree: Tree) -> None:
        office = tree.office
        tasks = office.department.scope.query(Task)
        open_tasks = Counter(
            str(t.assignee_id) for t in await tasks.filter(status=TaskStatus.OPEN) if t.assignee_id
        )
        completed = await office.department.scope.query(Task).filter(status=TaskStatus.COMPLETED)
        done = Counter(str(t.acted_by_id) for t in completed)
        work = {
            w["user"]["username"]: (w["openTasks"], w["doneInPeriod"])
            for w in tree.numbers["workload"]
        }
        for name in ("director", "leader", "writer"):
            key = str(office.users[name].id)
            assert work.get(name, (0, 0)) == (open_tasks[key], done[key]), name
        assert work["director"] == (2, 2)

    async def test_the_parent_admin_sees_the_child_on_request_and_both_with_children(
        self, tree: Tree, gql: GraphQL
    ) -> None:
        parent, child = tree.parent, tree.office.department
        parent_token = gql.token(parent.admin, parent.tenant)
        asked = await gql(
            STATS, {"tenant": gid("Tenant", child.tenant.id), "children": False}, token=parent_token
        )
        assert sum(d["count"] for d in asked.data["statistics"]["documents"]) == 5
        both = await gql(STATS, {"tenant": None, "children": True}, token=parent_token)
        codes = {t["code"] for t in both.data["statistics"]["tenants"]}
        assert codes == {parent.tenant.code, child.tenant.code}
        assert sum(d["count"] for d in both.data["statistics"]["documents"]) == 5
        assert both.data["statistics"]["rolledUpAt"] is None, "tenant admins get live figures"

    async def test_the_child_admin_may_not_look_up_and_a_member_not_at_all(
        self, tree: Tree
    ) -> None:
        up = await tree.office.run(
            "admin", STATS, {"tenant": gid("Tenant", tree.parent.tenant.id), "children": False}
        )
        assert up.errors[0]["extensions"]["code"] == "NOT_FOUND"
        member = await tree.office.run("writer", STATS, {"tenant": None, "children": False})
        assert member.errors[0]["extensions"]["code"] == "FORBIDDEN"

    async def test_the_platform_admin_sees_every_tenant_from_the_rollups(
        self, gql: GraphQL, platform_admin: Any
    ) -> None:
        platform = await Tenant.get(code=PLATFORM_CODE)
        for _ in range(100):  # a background run may hold the job's lock
            if await stats.refresh_rollups(stats.DEFAULT_TIME_ZONE):
                break
            await asyncio.sleep(0.05)
        since = datetime.now(UTC) - timedelta(days=2)
        everything = (
            await gql(
                STATS,
                {"tenant": None, "children": False, "from": since.isoformat()},
                token=gql.token(platform_admin, platform),
            )
        ).data["statistics"]
        assert everything["everyTenant"] is True
        assert everything["rolledUpAt"] is not None
        first_day = since.astimezone(ZoneInfo(stats.DEFAULT_TIME_ZONE)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        assert (
            sum(d["count"] for d in everything["documents"])
            == await across_tenants(Document).filter(created_at__gte=first_day).count()
        ), "every document of the whole days covered"
        dispatch = {
            v.id
            for v in await across_tenants(FlowVersion).prefetch_related("flow")
            if v.flow.key == "dispatch"
        }
        flow_of = dict(await across_tenants(Document).values_list("id", "flow_version_id"))
        completed = await across_tenants(Task).filter(
            status=TaskStatus.COMPLETED, closed_at__gte=first_day, node_id="review"
        )
        reviews = sorted(
            (t.closed_at - t.created_at).total_seconds()
            for t in completed
            if flow_of[t.document_id] in dispatch
        )
        rolled = [
            n["durations"]
            for n in everything["nodeDurations"]
            if n["flowKey"] == "dispatch" and n["nodeId"] == "review"
        ]
        assert sum(r["count"] for r in rolled) == len(reviews)
        exact_p50 = reviews[(len(reviews) - 1) // 2]
        assert any(abs(r["p50Seconds"] - exact_p50) <= 0.19 * exact_p50 + 0.5 for r in rolled), (
            rolled,
            exact_p50,
        )


ALERTS = "{ alerts(status: OPEN, first: 100) { edges { node { kind message tenant { code } } } } }"


async def _check(thresholds: stats.Thresholds) -> list[Alert]:
    """The alert job, retried while a background run holds its lock."""
    for _ in range(20):
        changed = await stats.check_alerts(thresholds)
        if changed or not await _locked():
            return changed
        await asyncio.sleep(0.05)
    return []


async def _locked() -> bool:
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1",
        [stats.ALERT_LOCK],
    )
    return bool(rows[0]["n"])


@dataclass
class Alerting:
    """A parent and a child whose four open tasks are all overdue; `high` is a threshold they
    reach."""

    parent: Department
    office: Office
    high: stats.Thresholds
    alert: Alert | None = None

    @property
    def scope(self) -> TenantScope:
        return self.office.department.scope


@pytest.fixture(scope="class")
async def alerting(database: Settings, gql: GraphQL) -> Alerting:
    parent = await new_department()
    office = await office_below(parent, new_department, gql)
    await run_documents(office)
    await connections.get("default").execute_query(
        "UPDATE task SET due_at = now() - interval '1 hour' "
        "WHERE tenant_id = $1 AND status = 'open'",
        [str(office.department.tenant.id)],
    )
    return Alerting(parent, office, stats.Thresholds(overdue_tasks=4, outbox_lag_seconds=3600))


def codes(result: Any) -> set[str]:
    return {e["node"]["tenant"]["code"] for e in result.data["alerts"]["edges"]}


@pytest.mark.steps
class TestAlertsAreRaisedAndResolvedWithEvents:
    async def test_no_alert_below_the_threshold(self, alerting: Alerting) -> None:
        overdue = await alerting.scope.query(Task).filter(status=TaskStatus.OPEN).count()
        assert overdue == alerting.high.overdue_tasks == 4
        await _check(stats.Thresholds(overdue_tasks=overdue + 1, outbox_lag_seconds=3600))
        assert not await alerting.scope.query(Alert).filter(status=AlertStatus.OPEN).exists()

    async def test_reaching_it_raises_one_alert_live_and_in_the_outbox(
        self, alerting: Alerting, server: TestServer, http: aiohttp.ClientSession
    ) -> None:
        tenant = alerting.office.department.tenant
        token = alerting.office.token("admin")
        async with Socket.connect(http, ws_url(server), token) as socket:
            watching = await socket.subscribe(
                "subscription($after: ID) { alerts(after: $after) { topic payload } }",
                {"after": str(await reader.latest_id(tenant.id))},
            )
            await _check(alerting.high)
            live = await socket.events(watching, 1)
        alert = alerting.alert = await alerting.scope.query(Alert).get(status=AlertStatus.OPEN)
        assert (alert.kind, alert.value, alert.threshold) == (AlertKind.TASKS_OVERDUE, 4.0, 4.0)
        event = await OutboxEvent.filter(tenant_id=tenant.id, topic="alert.raised").get()
        assert event.payload["alertId"] == gid("Alert", alert.id)
        assert event.payload["tenantPath"] == tenant.path
        assert event.payload["kind"] == "tasks_overdue"
        await _check(alerting.high)
        assert await alerting.scope.query(Alert).count() == 1, "an open alert is not raised twice"
        assert [e["payload"]["alertId"] for e in live] == [gid("Alert", alert.id)], "it saw it"

    async def test_its_admins_and_the_parents_see_it_and_nobody_else(
        self, alerting: Alerting, gql: GraphQL
    ) -> None:
        office, parent = alerting.office, alerting.parent
        tenant = office.department.tenant
        assert tenant.code in codes(await office.run("admin", ALERTS))
        assert tenant.code in codes(await gql(ALERTS, token=gql.token(parent.admin, parent.tenant)))
        stranger = await new_department()
        assert codes(await gql(ALERTS, token=gql.token(stranger.admin, stranger.tenant))) == set()
        assert codes(await office.run("writer", ALERTS)) == set()

    async def test_it_resolves_once_nothing_is_overdue(self, alerting: Alerting) -> None:
        tenant = alerting.office.department.tenant
        await connections.get("default").execute_query(
            "UPDATE task SET due_at = now() + interval '1 day' WHERE tenant_id = $1",
            [str(tenant.id)],
        )
        await _check(alerting.high)
        assert alerting.alert is not None
        alert = await alerting.scope.query(Alert).get(id=alerting.alert.id)
        assert alert.status is AlertStatus.RESOLVED
        assert alert.resolved_at is not None
        assert await OutboxEvent.filter(tenant_id=tenant.id, topic="alert.resolved").exists()

    async def test_outbox_lag_is_the_platforms_alert(
        self, alerting: Alerting, gql: GraphQL, platform_admin: Any
    ) -> None:
        platform = await Tenant.get(code=PLATFORM_CODE)
        tenant = alerting.office.department.tenant
        stale = await OutboxEvent.create(tenant_id=tenant.id, topic="test.stale", payload={})
        await OutboxEvent.filter(id=stale.id).update(
            created_at=datetime.now(UTC) - timedelta(hours=2)
        )
        try:
            await _check(alerting.high)
            lag = (
                await TenantScope(platform.id)
                .query(Alert)
                .get(kind=AlertKind.OUTBOX_LAG, status=AlertStatus.OPEN)
            )
            assert lag.value >= 7200
            seen = await gql(ALERTS, token=gql.token(platform_admin, platform))
            assert PLATFORM_CODE in codes(seen)
        finally:
            await OutboxEvent.filter(id=stale.id).update(published_at=datetime.now(UTC))
        await _check(alerting.high)
        assert (
            not await TenantScope(platform.id)
            .query(Alert)
            .filter(kind=AlertKind.OUTBOX_LAG, status=AlertStatus.OPEN)
            .exists()
        )


async def test_receipts_and_portal_access_match_the_rows(
    dispatch_office: Office, gql: GraphQL, make_department: Any
) -> None:
    sender = dispatch_office
    receiver = await receiving_office(gql, make_department, parent=sender.department.tenant)
    doc_id, _ = await completed_dispatch(sender, gql, "关于报送年报的通知")
    target = {"tenantId": gid("Tenant", receiver.department.tenant.id), "role": "MAIN"}
    await sender.ok("admin", "dispatchDocument", {"id": doc_id, "recipients": [target]}, DISPATCH)
    item = await receiver.run("admin", "{ incomingItems(first: 5) { edges { node { id } } } }")
    (edge,) = item.data["incomingItems"]["edges"]
    await receiver.ok(
        "admin", "signIncomingItem", {"id": edge["node"]["id"]}, "incomingItem { status } "
    )

    query = """{ statistics { receipts { sent delivered signed returned receiptRate
      signTime { count } } access { day signIns activeUsers components { component uses } } } }"""
    stats = (await sender.run("admin", query)).data["statistics"]
    assert stats["receipts"] == {
        "sent": 1,
        "delivered": 1,
        "signed": 1,
        "returned": 0,
        "receiptRate": 1.0,
        "signTime": {"count": 1},
    }
    scope = sender.department.scope
    sign_ins = await scope.query(AccessEvent).filter(kind=AccessEventKind.SIGN_IN)
    today = max(e.created_at for e in sign_ins).astimezone(UTC).date()
    (bucket,) = [d for d in stats["access"] if d["day"] == today.isoformat()]
    assert bucket["signIns"] == sum(
        1 for e in sign_ins if e.created_at.astimezone(UTC).date() == today
    )
    users = {e.user_id for e in sign_ins} | set(
        await scope.query(ComponentUsage).filter(day=today).values_list("user_id", flat=True)
    )
    assert bucket["activeUsers"] == len(users)
    expected: dict[str, int] = {}
    for row in await scope.query(ComponentUsage).filter(day=today):
        expected[row.component] = expected.get(row.component, 0) + row.count
    assert {c["component"]: c["uses"] for c in bucket["components"]} == expected
