"""Statistics on the embedded SQLite database give what PostgreSQL gives for the same rows: the
scenario is built on PostgreSQL, its tenants' rows copied into a fresh SQLite database, and
both servers asked the same questions over HTTP."""

# ruff: noqa: S608 (table names come from the SQLite schema itself)

from __future__ import annotations

import shutil
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from tortoise import connections

from models.tenants import PLATFORM_CODE, Tenant
from server.settings import Settings
from services.sso import usage
from tests.conftest import GraphQL, gid
from tests.documents.support import Office, staff
from tests.exchange.support import DISPATCH, completed_dispatch, receiving_office
from tests.processes import env_for, run, serving
from tests.stats.support import run_documents

pytestmark = pytest.mark.slow  # a second server on SQLite, started with `officecloud serve`

STATS = """query($tenant: ID, $children: Boolean!, $from: DateTime, $to: DateTime,
    $zone: String!) {
  statistics(tenant: $tenant, includeChildren: $children, from: $from, to: $to, timeZone: $zone) {
    everyTenant rolledUpAt tenants { code }
    days: documents(bucket: DAY) { period documentTypeCode documentTypeName status count }
    weeks: documents(bucket: WEEK) { period documentTypeCode status count }
    months: documents(bucket: MONTH) { period documentTypeCode status count }
    nodeDurations { flowKey flowName nodeId nodeName
      durations { count averageSeconds p50Seconds p90Seconds } }
    flowDurations { flowKey flowName durations { count averageSeconds p50Seconds p90Seconds } }
    overdueByUser { user { id username displayName tenantCode } openOverdue closedLate }
    overdueByOrgUnit { orgUnitId orgUnitName tenantCode openOverdue closedLate }
    workload { user { id username } openTasks doneInPeriod averageHandlingSeconds }
    receipts { sent delivered signed returned receiptRate
      signTime { count averageSeconds p50Seconds p90Seconds } }
    access { day signIns failedSignIns activeUsers components { component uses users } }
    serviceUsage { service actions users }
  }
}"""


async def scenario(gql: GraphQL, make_department: Any) -> tuple[Any, Office, Office]:
    """Documents in every state, a completed flow, a dispatch signed by its receiver; then
    timestamps set on the rows: processing times of many lengths, documents either side of a
    month's end in Asia/Shanghai (but not in UTC), tasks overdue now and closed late."""
    parent = await make_department()
    office = await staff(await make_department(parent=parent.tenant), gql)
    installed = await office.ok(
        "admin", "installTemplate", {"key": "dispatch"}, "documentType { id }"
    )
    office.type_id = installed["documentType"]["id"]
    await run_documents(office)
    doc_id, _ = await completed_dispatch(office, gql, "关于报送年报的通知")
    receiver = await receiving_office(gql, make_department, parent=office.department.tenant)
    target = {"tenantId": gid("Tenant", receiver.department.tenant.id), "role": "MAIN"}
    await office.ok("admin", "dispatchDocument", {"id": doc_id, "recipients": [target]}, DISPATCH)
    item = await receiver.run("admin", "{ incomingItems(first: 5) { edges { node { id } } } }")
    (edge,) = item.data["incomingItems"]["edges"]
    await receiver.ok(
        "admin", "signIncomingItem", {"id": edge["node"]["id"]}, "incomingItem { status } "
    )

    db = connections.get("default")
    tenant = str(office.department.tenant.id)
    await db.execute_query(
        "UPDATE task k SET created_at = k.closed_at - make_interval(secs => 97.25 + 411 * n.i) "
        "FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM task "
        "      WHERE tenant_id = $1 AND status = 'completed') n WHERE k.id = n.id",
        [tenant],
    )
    month_end = date.today().replace(day=1) - timedelta(days=1)
    evening = datetime(month_end.year, month_end.month, month_end.day, 15, 30, tzinfo=UTC)
    await db.execute_query(
        "UPDATE document d SET created_at = $2::timestamptz + make_interval(hours => n.odd) "
        "FROM (SELECT id, (row_number() OVER (ORDER BY id) % 2)::int AS odd FROM document "
        "      WHERE tenant_id = $1 AND status IN ('draft', 'in_progress')) n "
        "WHERE d.id = n.id",
        [tenant, evening],
    )
    await db.execute_query(
        "UPDATE task SET due_at = now() - interval '1 hour' "
        "WHERE tenant_id = $1 AND status = 'open'",
        [tenant],
    )
    await db.execute_query(
        "UPDATE task SET due_at = closed_at - interval '5 minutes' WHERE id IN ("
        "  SELECT id FROM task WHERE tenant_id = $1 AND status = 'completed' ORDER BY id LIMIT 3)",
        [tenant],
    )
    return parent, office, receiver


async def copy_rows(pg_url: str, target: Path, tenant_ids: list[uuid.UUID]) -> None:
    """Every row of these tenants (and every row of the global tables) from PostgreSQL into the
    migrated SQLite file, in the text forms Tortoise writes to SQLite."""

    def value(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.astimezone(UTC).isoformat(" ")
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, uuid.UUID):
            return str(v)
        return v

    pg = await asyncpg.connect(pg_url)
    lite = sqlite3.connect(target)
    try:
        tables = [
            name
            for (name,) in lite.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'tortoise%'"
            )
        ]
        for table in tables:
            columns = {c for (c,) in lite.execute(f'SELECT name FROM pragma_table_info("{table}")')}
            if "tenant_id" in columns:
                rows = await pg.fetch(
                    f'SELECT * FROM "{table}" WHERE tenant_id = ANY($1)', tenant_ids
                )
            else:
                rows = await pg.fetch(f'SELECT * FROM "{table}"')
            if rows:
                names = sorted(set(rows[0].keys()) & columns)  # not the PG-only columns
                lite.executemany(
                    f'INSERT INTO "{table}" ({", ".join(names)}) '
                    f"VALUES ({', '.join('?' for _ in names)})",
                    [[value(row[n]) for n in names] for row in rows],
                )
        lite.commit()
    finally:
        lite.close()
        await pg.close()


async def ask(base: str, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{base}/graphql",
            json={"query": STATS, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        body = await response.json()
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]["statistics"]
    return found


async def test_statistics_on_sqlite_match_postgresql(
    gql: GraphQL,
    make_department: Any,
    platform_admin: Any,
    database: Settings,
    pg_url: str,
    tmp_path: Path,
) -> None:
    parent, office, receiver = await scenario(gql, make_department)
    platform = await Tenant.get(code=PLATFORM_CODE)
    tenants = [
        platform.id,
        parent.tenant.id,
        office.department.tenant.id,
        receiver.department.tenant.id,
    ]

    data_dir = tmp_path / "embedded"
    env = env_for(data_dir, OFFICECLOUD_PUBLIC_URL=database.public_url)
    run(env, "migrate")
    await usage.flush()  # both databases start from the same component uses
    await copy_rows(pg_url, data_dir / "officecloud.sqlite3", tenants)
    for name in ("dev-signing-key.json", "secret.key"):
        shutil.copy(database.data_dir / name, data_dir / name)

    now = datetime.now(UTC)
    asked = [
        (
            gql.token(parent.admin, parent.tenant),
            {"tenant": None, "children": True, "zone": zone},
        )
        for zone in ("Asia/Shanghai", "UTC", "America/New_York")
    ]
    asked.append(
        (
            office.token("admin"),
            {"tenant": None, "children": False, "zone": "Asia/Shanghai"},
        )
    )
    for _, variables in asked:
        variables |= {
            "from": (now - timedelta(days=70)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
        }
    base_pg = gql.url.removesuffix("/graphql")
    on_postgres = [await ask(base_pg, token, variables) for token, variables in asked]
    async with serving(env) as base:
        on_sqlite = [await ask(base, token, variables) for token, variables in asked]
        everything = await ask(
            base,
            gql.token(platform_admin, platform),
            asked[0][1] | {"children": False},
        )

    for postgres, sqlite in zip(on_postgres, on_sqlite, strict=True):
        assert sqlite == postgres
    shanghai, utc, _, own = on_postgres
    # Not vacuous: every figure has rows, and the time zone moves documents across a month.
    assert {d["status"] for d in shanghai["days"]} >= {"DRAFT", "IN_PROGRESS", "ARCHIVED"}
    assert shanghai["months"] != utc["months"]
    assert sum(d["count"] for d in shanghai["months"]) == sum(d["count"] for d in utc["months"])
    assert len({n["durations"]["p90Seconds"] for n in shanghai["nodeDurations"]}) > 2
    assert shanghai["flowDurations"][0]["durations"]["count"] >= 1
    assert any(o["closedLate"] for o in shanghai["overdueByUser"])
    assert any(o["openOverdue"] for o in shanghai["overdueByOrgUnit"])
    assert shanghai["workload"]
    assert shanghai["receipts"]["signed"] == 1
    assert any(day["signIns"] for day in shanghai["access"])
    assert {"documents", "exchange", "directory"} <= {
        u["service"] for u in shanghai["serviceUsage"]
    }
    assert own["tenants"] == [{"code": office.department.tenant.code}]
    # The platform-wide view on SQLite: live (no rollups there), every tenant copied over.
    assert everything["everyTenant"] is True
    assert everything["rolledUpAt"] is None
    assert everything["days"] == shanghai["days"]
