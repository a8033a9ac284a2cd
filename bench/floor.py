"""The floor: aiohttp + raw asyncpg doing the same database work as each benchmarked GraphQL
operation, with the same pool size. What it serves per second is what the database allows.

- POST /inbox {tenant, user}: the inbox page (20 open tasks with document, initiator, type,
  unit) and its total count: the statements `myTasks` needs, joined.
- POST /detail {tenant, user, document}: a document page: the document with its initiator,
  type and unit, its tasks with their assignees, and the first 20 steps of its trail with
  their actors (the rows the `Detail` query of bench/load.py reads).
- POST /approve {tenant, user, task}: the writes of one approval in one transaction (lock the
  document, close the task, open the next, participants, document, trail, the tenant's audit
  chain head, audit entry, outbox event).
- POST /stats {tenant}: the `documents(MONTH)` and `workload` aggregates, the same SQL text
  as resolvers/stats/.
"""

# ruff: noqa: S608 (SQL from constant fragments and $n placeholders only)

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import asyncpg
import orjson
from aiohttp import web
from uuid_utils.compat import uuid7

from resolvers.stats.documents import documents_sql
from resolvers.stats.scope import Bucket, StatsScope
from resolvers.stats.tasks import workload_sql

POOL = web.AppKey("pool", asyncpg.Pool)
MINE = (
    "k.tenant_id = $1 AND k.status = 'open' AND (k.assignee_id = $2 OR (k.assignee_id IS NULL "
    "AND k.id IN (SELECT task_id FROM task_candidate WHERE tenant_id = $1 AND user_id = $2)))"
)
INBOX = (
    "SELECT k.id, k.node_name, k.created_at, k.due_at, d.id AS document_id, d.title, d.number, "
    "d.urgency, d.status, u.display_name AS initiator, t.name AS type_name, o.name AS unit "
    "FROM task k JOIN document d ON d.id = k.document_id "
    "JOIN app_user u ON u.id = d.initiator_id JOIN document_type t ON t.id = d.document_type_id "
    f"JOIN org_unit o ON o.id = d.org_unit_id WHERE {MINE} ORDER BY k.id DESC LIMIT 21"
)
COUNT = f"SELECT count(*) FROM task k WHERE {MINE}"
DOCUMENT = (
    "SELECT d.id, d.title, d.number, d.urgency, d.secrecy, d.status, d.version, d.created_at, "
    "d.form_data, u.display_name AS initiator, t.name AS type_name, o.name AS unit "
    "FROM document d JOIN app_user u ON u.id = d.initiator_id "
    "JOIN document_type t ON t.id = d.document_type_id JOIN org_unit o ON o.id = d.org_unit_id "
    "WHERE d.id = $1 AND d.tenant_id = $2"
)
TASKS = (
    "SELECT k.id, k.node_name, k.status, u.display_name AS assignee FROM task k "
    "LEFT JOIN app_user u ON u.id = k.assignee_id WHERE k.document_id = $1 AND k.tenant_id = $2 "
    "ORDER BY k.id"
)
TRAIL = (
    "SELECT e.seq, e.action, e.node_name, e.created_at, u.display_name AS actor "
    "FROM document_event e LEFT JOIN app_user u ON u.id = e.actor_id "
    "WHERE e.document_id = $1 AND e.tenant_id = $2 ORDER BY e.seq LIMIT 21"
)


def _json(data: Any) -> web.Response:
    return web.Response(body=orjson.dumps(data, default=str), content_type="application/json")


async def inbox(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    tenant, user = uuid.UUID(body["tenant"]), uuid.UUID(body["user"])
    async with request.app[POOL].acquire() as conn:
        rows = await conn.fetch(INBOX, tenant, user)
        total = await conn.fetchval(COUNT, tenant, user)
    return _json({"total": total, "rows": [dict(r) for r in rows[:20]], "more": len(rows) > 20})


async def detail(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    tenant, document = uuid.UUID(body["tenant"]), uuid.UUID(body["document"])
    async with request.app[POOL].acquire() as conn:
        row = await conn.fetchrow(DOCUMENT, document, tenant)
        tasks = await conn.fetch(TASKS, document, tenant)
        trail = await conn.fetch(TRAIL, document, tenant)
    return _json(
        {
            "document": dict(row) if row else None,
            "tasks": [dict(r) for r in tasks],
            "trail": [dict(r) for r in trail[:20]],
        }
    )


async def approve(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    tenant, user, task_id = (uuid.UUID(body[k]) for k in ("tenant", "user", "task"))
    now = datetime.now(UTC)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        task = await conn.fetchrow(
            "SELECT * FROM task WHERE id = $1 AND tenant_id = $2", task_id, tenant
        )
        document = await conn.fetchrow(
            "SELECT * FROM document WHERE id = $1 AND tenant_id = $2 FOR UPDATE",
            task["document_id"],
            tenant,
        )
        await conn.fetch(
            "SELECT user_id, delegate_id, flow_id FROM delegation_rule WHERE tenant_id = $1 "
            "AND starts_at <= $2 AND ends_at > $2",
            tenant,
            now,
        )
        await conn.execute(
            "UPDATE task SET status = 'completed', outcome = 'approve', acted_by_id = $2, "
            "closed_at = $3, updated_at = $3 WHERE id = $1",
            task_id,
            user,
            now,
        )
        await conn.execute(
            "DELETE FROM timer WHERE document_id = $1 AND task_key = $2 AND fired_at IS NULL",
            document["id"],
            task["key"],
        )
        await conn.execute(
            "INSERT INTO task (id, created_at, updated_at, tenant_id, document_id, key, node_id, "
            "node_name, assignee_id, pool, status, overdue, due_at) VALUES "
            "($1, $2, $2, $3, $4, $5, 'signoff', '签发', $6, false, 'open', false, $7)",
            uuid7(),
            now,
            tenant,
            document["id"],
            uuid.uuid4().hex[:12],
            user,
            now + timedelta(hours=48),
        )
        await conn.execute(
            "INSERT INTO document_participant (id, created_at, updated_at, tenant_id, "
            "document_id, user_id) VALUES ($1, $2, $2, $3, $4, $5) "
            "ON CONFLICT (document_id, user_id) DO NOTHING",
            uuid7(),
            now,
            tenant,
            document["id"],
            user,
        )
        # 站内消息 for the new task's holder (services/notifications/inbox.py `notify`)
        await conn.fetch(
            "SELECT * FROM app_user WHERE tenant_id = $1 AND id = ANY($2) AND status = 'active'",
            tenant,
            [user],
        )
        await conn.fetch(
            "SELECT * FROM notification_preference WHERE tenant_id = $1 AND user_id = ANY($2)",
            tenant,
            [user],
        )
        await conn.execute(
            "INSERT INTO notification (id, created_at, updated_at, tenant_id, user_id, kind, "
            "text, link) VALUES ($1, $2, $2, $3, $4, 'task_assigned', '您有新的待办', $5)",
            uuid7(),
            now,
            tenant,
            user,
            str(document["id"]),
        )
        await conn.execute(
            "UPDATE document SET instance = $2, version = version + 1, updated_at = $3 "
            "WHERE id = $1",
            document["id"],
            document["instance"],
            now,
        )
        seq = await conn.fetchval(
            "SELECT coalesce(max(seq), 0) + 1 FROM document_event WHERE document_id = $1",
            document["id"],
        )
        await conn.execute(
            "INSERT INTO document_event (id, created_at, updated_at, tenant_id, document_id, seq, "
            "action, actor_id, node_id, node_name, from_status, to_status, changes, data) VALUES "
            "($1, $2, $2, $3, $4, $5, 'approve', $6, 'review', '核稿', 'in_progress', "
            "'in_progress', '{}', '{}')",
            uuid7(),
            now,
            tenant,
            document["id"],
            seq,
            user,
        )
        head = await conn.fetchrow(
            "SELECT * FROM tenant_log WHERE tenant_id = $1 FOR UPDATE", tenant
        )
        await conn.execute(
            "INSERT INTO audit_entry (id, created_at, updated_at, tenant_id, seq, actor_id, "
            "actor_name, action, target_type, target_id, data, prev_hash, hash) VALUES "
            "($1, $2, $2, $3, $4, $5, 'floor', 'document.approve', 'Document', $6, '{}', $7, $7)",
            uuid7(),
            now,
            tenant,
            head["audit_seq"] + 1,
            user,
            str(document["id"]),
            head["audit_hash"],
        )
        await conn.execute(
            "UPDATE tenant_log SET audit_seq = audit_seq + 1 WHERE tenant_id = $1", tenant
        )
        await conn.execute(
            "INSERT INTO outbox_event (tenant_id, topic, payload, created_at, published_at) "
            "VALUES ($1, 'task.changed', '{}', $2, $2), ($1, 'notification.created', '{}', $2, $2)",
            tenant,
            now,
        )
    return _json({"task": str(task_id), "status": "completed"})


async def stats(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    now = datetime.now(UTC)
    tenant = cast(Any, SimpleNamespace(id=uuid.UUID(body["tenant"])))
    scope = StatsScope([tenant], False, now - timedelta(days=365), now, "Asia/Shanghai")
    async with request.app[POOL].acquire() as conn:
        result = {}
        for name, (sql, params) in {
            "documents": documents_sql(scope, Bucket.MONTH),
            "workload": workload_sql(scope, 20),
        }.items():
            result[name] = [dict(r) for r in await conn.fetch(sql, *params)]
    return _json(result)


def create_app(dsn: str, pool_size: int) -> web.Application:
    app = web.Application()

    async def pool(app: web.Application) -> Any:
        app[POOL] = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
        yield
        await app[POOL].close()

    app.cleanup_ctx.append(pool)
    app.router.add_post("/inbox", inbox)
    app.router.add_post("/detail", detail)
    app.router.add_post("/approve", approve)
    app.router.add_post("/stats", stats)
    return app
