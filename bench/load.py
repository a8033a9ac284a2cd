"""Load scripts over real HTTP: wrk (pinned to its own core when taskset exists) against the
GraphQL server and against the floor (`bench/floor.py`), same connections and duration;
prints throughput, p50/p90/p99 latency and the GraphQL/floor ratio."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from auth.dev_issuer import DevIssuer
from bench.seed import PROBE_TENANT
from server.settings import Settings

LUA = Path(__file__).with_name("wrk.lua")
INBOX = """query Inbox { myTasks(kind: OPEN, first: 20) { totalCount pageInfo { hasNextPage
  endCursor } edges { node { id nodeName createdAt dueAt document { id title number urgency
  status initiator { displayName } documentType { name } orgUnit { name } } } } } }"""
DETAIL = """query Detail($id: ID!) { node(id: $id) { ... on Document { id title number urgency
  secrecy status version createdAt formData documentType { name } initiator { displayName }
  orgUnit { name } tasks { id nodeName status assignee { displayName } } timeline(first: 20) {
  edges { node { seq action nodeName at actor { displayName } } } } } } }"""
APPROVE = """mutation Approve($input: ApproveTaskInput!) { approveTask(input: $input) {
  task { id status } document { id status version } errors { code message } } }"""
STATS = """query Stats($from: DateTime!) { statistics(from: $from) {
  documents(bucket: MONTH) { period documentTypeCode status count }
  workload(first: 20) { user { username } openTasks doneInPeriod averageHandlingSeconds } } }"""
SCENARIOS = ("inbox", "detail", "approve", "stats")


@dataclass
class Probes:
    tenant: str
    reader: str
    admin: str
    approvers: list[str]
    approvals: dict[str, list[str]]
    document: str
    """The document of the probe reader's newest open task (the detail scenario's)."""


async def probes(dsn: str) -> Probes:
    conn = await asyncpg.connect(dsn)
    try:
        tenant = await conn.fetchval("SELECT id FROM tenant WHERE code = $1", PROBE_TENANT)
        users = dict(
            await conn.fetch(
                "SELECT username, id FROM app_user WHERE tenant_id = $1 "
                "AND (username LIKE 'probe-%' OR username = 'admin')",
                tenant,
            )
        )
        approvers = sorted(str(users[n]) for n in users if n.startswith("probe-approver"))
        approvals = {
            a: [
                str(r["id"])
                for r in await conn.fetch(
                    "SELECT id FROM task WHERE tenant_id = $1 AND assignee_id = $2 "
                    "AND status = 'open' ORDER BY id",
                    tenant,
                    uuid.UUID(a),
                )
            ]
            for a in approvers
        }
        document = await conn.fetchval(
            "SELECT document_id FROM task WHERE tenant_id = $1 AND assignee_id = $2 "
            "AND status = 'open' ORDER BY id DESC LIMIT 1",
            tenant,
            users["probe-reader-0"],
        )
    finally:
        await conn.close()
    reader, admin = str(users["probe-reader-0"]), str(users["admin"])
    return Probes(str(tenant), reader, admin, approvers, approvals, str(document))


def bodies(scenario: str, p: Probes, issuer: DevIssuer) -> tuple[list[str], list[str]]:
    """Lines for the GraphQL run and for the floor run ("TOKEN<TAB>BODY")."""

    def token(user: str) -> str:
        return issuer.issue(subject=user, tenant=PROBE_TENANT, ttl_seconds=3600)

    def line(tok: str, body: dict[str, Any]) -> str:
        return f"{tok}\t{orjson.dumps(body).decode()}"

    if scenario == "inbox":
        return (
            [line(token(p.reader), {"query": INBOX, "operationName": "Inbox"})],
            [line("-", {"tenant": p.tenant, "user": p.reader})],
        )
    if scenario == "detail":
        gid = base64.b64encode(f"Document:{p.document}".encode()).decode()
        query = {"query": DETAIL, "operationName": "Detail", "variables": {"id": gid}}
        floor_body = {"tenant": p.tenant, "user": p.reader, "document": p.document}
        return [line(token(p.reader), query)], [line("-", floor_body)]
    if scenario == "stats":
        since = (datetime.now(UTC) - timedelta(days=365)).isoformat()
        query = {"query": STATS, "operationName": "Stats", "variables": {"from": since}}
        return [line(token(p.admin), query)], [line("-", {"tenant": p.tenant})]
    *mine, floor_user = p.approvers
    graphql = []
    for user in mine:
        tok = token(user)
        for task in p.approvals[user]:
            gid = base64.b64encode(f"Task:{task}".encode()).decode()
            body = {"query": APPROVE, "operationName": "Approve", "variables": {}}
            body["variables"] = {"input": {"id": gid}}
            graphql.append(line(tok, body))
    floor = [
        line("-", {"tenant": p.tenant, "user": floor_user, "task": t})
        for t in p.approvals[floor_user]
    ]
    return graphql, floor


def wrk(url: str, lines: list[str], *, connections: int, seconds: int) -> dict[str, Any]:
    if not lines:
        raise RuntimeError("nothing to send: the probes' tasks are used up (seed again)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), url]
    command += ["--", f.name, "1"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "1", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    Path(f.name).unlink()
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def run(
    scenario: str,
    *,
    settings: Settings,
    url: str,
    floor: str,
    seconds: int,
    connections: int,
    warmup: int,
) -> dict[str, Any]:
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    p = asyncio.run(probes(dsn))
    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    graphql, raw = bodies(scenario, p, issuer)
    target = f"{floor.rstrip('/')}/{scenario}"
    if scenario == "approve":
        budget = len(graphql)
        warm, graphql = graphql[: budget // 10], graphql[budget // 10 :]
        if warmup:
            wrk(f"{url.rstrip('/')}/graphql", warm, connections=connections, seconds=warmup)
    elif warmup:
        wrk(f"{url.rstrip('/')}/graphql", graphql, connections=connections, seconds=warmup)
    if warmup:
        wrk(target, raw, connections=connections, seconds=warmup)
    measured = wrk(f"{url.rstrip('/')}/graphql", graphql, connections=connections, seconds=seconds)
    base = wrk(target, raw, connections=connections, seconds=seconds)
    return {"scenario": scenario, "graphql": measured, "floor": base}
