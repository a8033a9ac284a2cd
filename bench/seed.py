"""`officecloud bench seed`: tenants, users in org units, and documents of the 发文 flow in
realistic states, written with COPY.

Tenants, roles and the template go through the services (so flows are really published);
users, memberships, role assignments, documents, tasks, candidates, participants and trail
rows are bulk-copied. Each document's engine state comes from running the real flow engine
once per shape (draft, waiting at 核稿 / 签发 / 编号, completed) with placeholder users, then
substituting the document's people: instance JSON and task rows agree, so the live
`approveTask` works on seeded documents.

Probe users in tenant `bench-000` have fixed inboxes whatever the scale: `probe-reader-0..3`
each hold `READER_OPEN` open 核稿 tasks and `READER_DONE` done ones; `probe-approver-0..3`
each hold `--approvals` open 核稿 tasks for the approval benchmark.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from uuid_utils.compat import uuid7

import workflow
from auth.viewer import actor_for
from models.directory import OrgUnit, Role
from models.documents import DocumentType
from models.flows import FlowVersion
from models.scope import TenantScope
from models.tenants import Tenant
from services import flows, tenants
from services.documents import types

PREFIX = "bench-"
PROBE_TENANT = f"{PREFIX}000"
READERS = 4
APPROVERS = 4
READER_OPEN = 60
READER_DONE = 40
UNITS_PER_TENANT = 10
DAYS = 365

INITIATOR = "00000000-0000-7000-8000-000000000001"
DIRECTOR = "00000000-0000-7000-8000-000000000002"
LEADER = "00000000-0000-7000-8000-000000000003"
CLERK_A = "00000000-0000-7000-8000-000000000004"
CLERK_B = "00000000-0000-7000-8000-000000000005"
T0 = datetime(2020, 1, 1, tzinfo=UTC)
ROLE_OF = {
    0: "office_director",
    1: "leader",
    2: "office_clerk",
    3: "office_director",
    4: "office_director",
    5: "office_clerk",
}
"""Three directors, one leader and two clerks per tenant (users 0 to 5)."""


@dataclass
class Shape:
    """One reachable state of the flow: the instance and what led there."""

    status: str
    instance: str | None
    tasks: list[workflow.Task]
    trail: list[tuple[str, str | None, str | None, str, str]]
    """(action, node id, actor placeholder, from status, to status)"""


def _advance(
    flow: workflow.FlowDefinition, step: workflow.Step, now: datetime
) -> workflow.Instance:
    """What `Run.apply` does: resolve every activation (roles to placeholders) and assign."""
    roles = {"office_director": [DIRECTOR], "leader": [LEADER], "office_clerk": [CLERK_A, CLERK_B]}
    instance, pending = step.instance, [step]
    while pending:
        current = pending.pop(0)
        instance = current.instance
        for activation in current.activations:
            users = workflow.resolve_builtin(flow, instance, activation, {"body": "x"})
            if users is None:
                users = roles[getattr(activation.rule, "role_code", "")]
            assigned = workflow.assign(flow, instance, activation.id, users, now=now)
            instance = assigned.instance
            pending.append(assigned)
    return instance


def shapes(flow: workflow.FlowDefinition) -> dict[str, Shape]:
    attributes = {"title": "t", "urgency": "normal", "secrecy": "internal"}
    form = {"body": "x"}
    result = {"draft": Shape("draft", None, [], [("created", None, INITIATOR, "", "draft")])}
    trail: list[tuple[str, str | None, str | None, str, str]] = [
        ("created", None, INITIATOR, "", "draft")
    ]
    now = T0 + timedelta(minutes=30)
    instance = _advance(flow, workflow.start(flow, form, attributes, INITIATOR, now=now), now)
    trail.append(("submitted", None, INITIATOR, "draft", "in_progress"))
    steps: list[tuple[str, str, Callable[[str], workflow.Action], float]] = [
        ("draft", INITIATOR, lambda t: workflow.Submit(INITIATOR, t), 0.6),
        ("review", DIRECTOR, lambda t: workflow.Approve(DIRECTOR, t), 3),
        ("signoff", LEADER, lambda t: workflow.Approve(LEADER, t), 8),
        ("number", CLERK_A, lambda t: workflow.Claim(CLERK_A, t), 9),
        ("number", CLERK_A, lambda t: workflow.Approve(CLERK_A, t), 10),
        ("distribute", CLERK_A, lambda t: workflow.Approve(CLERK_A, t), 12),
        ("archive", CLERK_B, lambda t: workflow.Claim(CLERK_B, t), 20),
        ("archive", CLERK_B, lambda t: workflow.Approve(CLERK_B, t), 21),
    ]
    names = {"draft": "draft_completed"}
    for node, actor, action, hours in steps:
        open_task = next(t for t in instance.open_tasks if t.node_id == node)
        if node in ("review", "signoff", "number") and f"at_{node}" not in result:
            result[f"at_{node}"] = Shape(
                "in_progress", instance.to_json(), list(instance.tasks), list(trail)
            )
        now = T0 + timedelta(hours=hours)
        step = workflow.act(flow, instance, action(open_task.id), form, attributes, now=now)
        instance = _advance(flow, step, now)
        kind = type(action(open_task.id)).__name__.lower()
        after = "completed" if instance.is_terminal else "in_progress"
        trail.append((names.get(node, kind), node, actor, "in_progress", after))
    result["completed"] = Shape("completed", instance.to_json(), list(instance.tasks), trail)
    return result


@dataclass
class People:
    users: list[uuid.UUID]
    units: dict[uuid.UUID, uuid.UUID]
    directors: list[uuid.UUID]
    leaders: list[uuid.UUID]
    clerks: list[uuid.UUID]
    probes: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass
class TenantSetup:
    tenant: Tenant
    doc_type: DocumentType
    flow_version: FlowVersion
    people: People


@dataclass
class Rows:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS = {
    "org_unit": (
        "id created_at updated_at tenant_id parent_id name code path depth sort_order "
        "external_id leader_id version"
    ),
    "app_user": (
        "id created_at updated_at tenant_id username display_name email phone title "
        "external_subject status primary_org_unit_id version"
    ),
    "membership": "id created_at updated_at tenant_id user_id org_unit_id",
    "role_assignment": "id created_at updated_at tenant_id user_id role_id org_unit_id",
    "document": (
        "id created_at updated_at tenant_id document_type_id title number form_data urgency "
        "secrecy status initiator_id org_unit_id flow_version_id form_version_id instance "
        "version submitted_at completed_at archived_at"
    ),
    "task": (
        "id created_at updated_at tenant_id document_id key node_id node_name assignee_id pool "
        "status outcome acted_by_id comment due_at closed_at overdue"
    ),
    "task_candidate": "id created_at updated_at tenant_id task_id user_id",
    "document_participant": "id created_at updated_at tenant_id document_id user_id",
    "document_event": (
        "id created_at updated_at tenant_id document_id seq action actor_id node_id node_name "
        "task_key from_status to_status comment changes data"
    ),
}


def _id_at(moment: datetime) -> uuid.UUID:
    return uuid.UUID(str(uuid7(nanoseconds=int(moment.timestamp() * 1e9))))


async def copy(conn: asyncpg.Connection, rows: Rows) -> int:
    written = 0
    for table in COLUMNS:
        records = rows.tables.get(table)
        if records:
            await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table].split())
            written += len(records)
    return written


async def setup_tenant(
    code: str, users: int, conn: asyncpg.Connection, probes: bool
) -> TenantSetup:
    """A tenant through the services, its people by COPY, then the 发文 template installed."""
    system = await tenants.system_actor()
    tenant, admin = await tenants.create_tenant(system, code=code, name=f"基准测试 {code}")
    scope = TenantScope(tenant.id)
    root = await scope.query(OrgUnit).get(parent_id=None)
    actor = await actor_for(scope, admin, tenant)
    await flows.ensure_roles(scope, dict(workflow.ROLE_CODES))
    roles = {r.code: r.id for r in await scope.query(Role)}
    rows, now = Rows(), datetime.now(UTC)
    units = [root.id]
    for i in range(UNITS_PER_TENANT - 1):
        unit = uuid7()
        units.append(unit)
        rows.add(
            "org_unit",
            (unit, now, now, tenant.id, root.id, f"处室{i:02d}", f"u{i:02d}",
             f"{root.path}{unit.hex}/", 1, i, None, None, 1),
        )  # fmt: skip
    people = People([], {}, [], [], [])
    names = [f"user{i:05d}" for i in range(users)]
    if probes:
        names += [f"probe-reader-{i}" for i in range(READERS)]
        names += [f"probe-approver-{i}" for i in range(APPROVERS)]
    for i, name in enumerate(names):
        user, unit = uuid7(), units[i % len(units)]
        rows.add(
            "app_user",
            (user, now, now, tenant.id, name, f"用户{name}", None, None, None, None, "active",
             unit, 1),
        )  # fmt: skip
        rows.add("membership", (uuid7(), now, now, tenant.id, user, unit))
        people.units[user] = unit
        if name.startswith("probe-"):
            people.probes[name] = user
            continue
        people.users.append(user)
        role = ROLE_OF.get(i)
        if role:
            rows.add("role_assignment", (uuid7(), now, now, tenant.id, user, roles[role], None))
            {"office_director": people.directors, "leader": people.leaders,
             "office_clerk": people.clerks}[role].append(user)  # fmt: skip
    await copy(conn, rows)
    doc_type, _ = await types.install_template(actor, key="dispatch")
    version = await scope.query(FlowVersion).filter(flow_id=doc_type.flow_id).get()
    return TenantSetup(tenant, doc_type, version, people)


def documents_of(
    setup: TenantSetup,
    shapes: dict[str, Shape],
    plan: list[tuple[str, uuid.UUID | None]],
    rng: random.Random,
    flow: workflow.FlowDefinition,
    rows: Rows,
) -> None:
    """Rows of one document per (shape, director) in `plan`; director None picks one."""
    p, tenant = setup.people, setup.tenant.id
    horizon = datetime.now(UTC)
    year = horizon.year
    for n, (name, director) in enumerate(plan):
        shape = shapes[name]
        created = horizon - timedelta(seconds=rng.uniform(2 * 86400, DAYS * 86400))
        scale = rng.uniform(0.2, 3.0)

        def at(moment: datetime | None, created: datetime = created, scale: float = scale) -> Any:
            return None if moment is None else created + (moment - T0) * scale

        cast = {
            INITIATOR: rng.choice(p.users),
            DIRECTOR: director or rng.choice(p.directors),
            LEADER: rng.choice(p.leaders),
            CLERK_A: p.clerks[0],
            CLERK_B: p.clerks[1],
        }
        text = shape.instance
        if text:
            for placeholder, user in cast.items():
                text = text.replace(placeholder, str(user))
        document = _id_at(created)
        done = shape.status == "completed"
        last = max((t.closed_at for t in shape.tasks if t.closed_at), default=None)
        rows.add(
            "document",
            (document, created, created, tenant, setup.doc_type.id, f"关于基准测试的通知 {n}",
             f"{year}发字第{n + 1}号" if done else None, '{"body": "x"}', "normal", "internal",
             shape.status, cast[INITIATOR], p.units[cast[INITIATOR]], setup.flow_version.id,
             setup.flow_version.form_version_id, text, len(shape.trail),
             at(T0 + timedelta(minutes=30)) if text else None, at(last) if done else None,
             None),
        )  # fmt: skip
        involved = {cast[INITIATOR]}
        for task in shape.tasks:
            task_id = _id_at(at(task.created_at))
            assignee = cast.get(task.assignee) if task.assignee else None
            acted = cast.get(task.acted_by) if task.acted_by else None
            rows.add(
                "task",
                (task_id, at(task.created_at), at(task.closed_at or task.created_at), tenant,
                 document, task.id, task.node_id, flow.node(task.node_id).name, assignee,
                 task.pool, task.status.value, task.outcome.value if task.outcome else None,
                 acted, task.comment, at(task.due_at), at(task.closed_at), task.overdue),
            )  # fmt: skip
            if task.assignee is None and task.candidates:
                for candidate in task.candidates:
                    user = cast[candidate]
                    rows.add("task_candidate", (uuid7(), created, created, tenant, task_id, user))
                    involved.add(user)
            involved.update(u for u in (assignee, acted) if u)
        for user in involved:
            rows.add("document_participant", (uuid7(), created, created, tenant, document, user))
        for seq, (action, node, actor, before, after) in enumerate(shape.trail, start=1):
            rows.add(
                "document_event",
                (uuid7(), created, created, tenant, document, seq, action,
                 cast.get(actor or ""), node, flow.node(node).name if node else None, None,
                 before or None, after, None, "{}", "{}"),
            )  # fmt: skip


MIX = [("draft", 10), ("at_review", 15), ("at_signoff", 10), ("at_number", 5), ("completed", 60)]


def plan_for(count: int, rng: random.Random) -> list[tuple[str, uuid.UUID | None]]:
    names = [n for n, weight in MIX for _ in range(weight)]
    return [(rng.choice(names), None) for _ in range(count)]


def probe_plan(probes: dict[str, uuid.UUID], approvals: int) -> list[tuple[str, uuid.UUID | None]]:
    plan: list[tuple[str, uuid.UUID | None]] = []
    for name, user in sorted(probes.items()):
        if name.startswith("probe-reader"):
            plan += [("at_review", user)] * READER_OPEN + [("completed", user)] * READER_DONE
        else:
            plan += [("at_review", user)] * approvals
    return plan


def flow_of(version: FlowVersion) -> workflow.FlowDefinition:
    return workflow.load_definition(version.definition)


async def seed(
    dsn: str,
    *,
    documents: int,
    tenant_count: int,
    users: int,
    approvals: int,
    seed_value: int,
    progress: Any,
) -> dict[str, Any]:
    """Seed a database that has no bench tenants yet; returns what was written."""
    rng = random.Random(seed_value)  # noqa: S311 (test data, not secrets)
    if await Tenant.exists(code=PROBE_TENANT):
        raise RuntimeError(f"{PROBE_TENANT} exists: seed an empty database")
    probe_docs = READERS * (READER_OPEN + READER_DONE) + APPROVERS * approvals
    normal = max(documents - probe_docs, 0)
    per_user = max(users // tenant_count, len(ROLE_OF) + 1)
    conn = await asyncpg.connect(dsn)
    written = 0
    tenants_bar = progress.add_task("tenants", total=tenant_count)
    docs_bar = progress.add_task("documents", total=normal + probe_docs)
    try:
        flow: workflow.FlowDefinition | None = None
        forms: dict[str, Shape] = {}
        for i in range(tenant_count):
            setup = await setup_tenant(f"{PREFIX}{i:03d}", per_user, conn, probes=i == 0)
            if flow is None:
                flow = flow_of(setup.flow_version)
                forms = shapes(flow)
            share = normal // tenant_count + (1 if i < normal % tenant_count else 0)
            plan = plan_for(share, rng)
            if i == 0:
                plan += probe_plan(setup.people.probes, approvals)
            for start in range(0, len(plan), CHUNK):
                rows = Rows()
                documents_of(setup, forms, plan[start : start + CHUNK], rng, flow, rows)
                written += await copy(conn, rows)
                progress.advance(docs_bar, len(plan[start : start + CHUNK]))
            progress.advance(tenants_bar)
        for table in COLUMNS:
            await conn.execute(f"ANALYZE {table}")
    finally:
        await conn.close()
    return {"documents": normal + probe_docs, "rows": written, "tenants": tenant_count}


CHUNK = 5000
