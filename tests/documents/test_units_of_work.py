"""One transaction per use case (`services/uow.py`): its audit entries, with their actor and
time, and its events commit with its rows, per tenant, and are published after the commit; a
use case joined inside another is undone alone when it fails. And loading the rows a use case
works on (`services/rows.py`). In tests/documents: the mutation runs test the modules no domain
owns with tests/documents and tests/flows (`SHARED` in tests/mutation.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from models.audit import AuditEntry, TenantLog
from models.directory import Role
from models.outbox import OutboxEvent
from models.search import SearchEntry
from services import uow
from services.errors import Code, ServiceError
from services.inputs import Checks
from services.rows import existing, found, locked
from subscriptions import publisher
from subscriptions.events import Event
from subscriptions.topics import Topic
from tests.conftest import Department


@contextmanager
def published(department: Department) -> Iterator[list[Event]]:
    """The department's events as this process publishes them (the server's own background
    work may publish others meanwhile)."""
    seen: list[Event] = []

    def record(event: Event) -> None:
        if event.tenant_id == department.tenant.id:
            seen.append(event)

    remove = publisher.on_committed(record)
    try:
        yield seen
    finally:
        remove()


async def entries_after(department: Department, seq: int) -> list[AuditEntry]:
    return await department.scope.query(AuditEntry).filter(seq__gt=seq).order_by("seq")


async def head_of(department: Department) -> int:
    return (await TenantLog.get(tenant_id=department.tenant.id)).audit_seq


async def events_of(department: Department, after: int = 0) -> list[OutboxEvent]:
    return await OutboxEvent.filter(tenant_id=department.tenant.id, id__gt=after).order_by("id")


async def index(department: Department, kind: str) -> SearchEntry:
    return await department.scope.create(SearchEntry, kind=kind, subject_id=uuid.uuid4())


async def test_entries_and_events_commit_with_the_actor_and_are_published_after(
    make_department,
) -> None:
    department = await make_department()
    actor = department.actor
    seq, target = await head_of(department), uuid.uuid4()
    with published(department) as seen:
        async with uow.transaction(actor) as work:
            assert work.actor is actor
            assert work.published == []
            work.audit(department.tenant.id, "thing.made", "Thing", target, {"n": 1})
            work.audit(department.tenant.id, "thing.seen", "Thing", "plain-id")
            work.emit(department.tenant.id, Topic.FORM_PUBLISHED, {"formId": "x", "version": 1})
            work.emit(department.tenant.id, Topic("flow.published"), {"version": 2})
            assert seen == []
            assert await head_of(department) == seq, "nothing before the end"
    made, looked = await entries_after(department, seq)
    assert (made.action, made.target_type, made.target_id, made.data) == (
        "thing.made",
        "Thing",
        str(target),
        {"n": 1},
    )
    assert (looked.action, looked.target_id, looked.data) == ("thing.seen", "plain-id", {})
    for entry in (made, looked):
        assert (entry.actor_id, entry.actor_name) == (actor.user_id, actor.name)
        assert entry.created_at == work.now
    assert actor.name, "the administrator has a name to record"
    assert await head_of(department) == seq + 2
    rows = (await events_of(department))[-2:]
    assert [(r.topic, r.payload) for r in rows] == [
        ("form.published", {"formId": "x", "version": 1}),
        ("flow.published", {"version": 2}),
    ]
    assert [(e.id, e.topic, e.tenant_id) for e in work.published] == [
        (r.id, r.topic, department.tenant.id) for r in rows
    ]
    assert [e.id for e in seen] == [r.id for r in rows], "published once committed, in order"


async def test_a_system_change_has_no_actor(make_department) -> None:
    department = await make_department()
    seq = await head_of(department)
    async with uow.transaction(None) as work:
        work.audit(department.tenant.id, "system.did", "Tenant", department.tenant.id)
    (entry,) = await entries_after(department, seq)
    assert (entry.actor_id, entry.actor_name, entry.data) == (None, "", {})
    assert entry.target_id == str(department.tenant.id)


async def test_each_tenant_gets_its_own_entries_and_events(make_department) -> None:
    first, second = await make_department(), await make_department()
    seqs = [await head_of(first), await head_of(second)]
    last_event = max([0, *[e.id for e in await events_of(first)]])
    async with uow.transaction(first.actor) as work:
        work.audit(second.tenant.id, "b.one", "Thing", "b1")
        work.audit(first.tenant.id, "a.one", "Thing", "a1")
        work.audit(second.tenant.id, "b.two", "Thing", "b2")
        work.emit(first.tenant.id, Topic.TENANT_UPDATED, {"n": "a"})
    assert [e.action for e in await entries_after(first, seqs[0])] == ["a.one"]
    assert [e.action for e in await entries_after(second, seqs[1])] == ["b.one", "b.two"]
    assert [e.payload for e in await events_of(first, last_event)] == [{"n": "a"}]
    assert [e.tenant_id for e in work.published] == [first.tenant.id]


async def test_events_alone_leave_the_chain_and_entries_alone_emit_nothing(
    make_department,
) -> None:
    department = await make_department()
    seq, events = await head_of(department), await events_of(department)
    last = max([0, *[e.id for e in events]])
    async with uow.transaction(department.actor) as work:
        work.emit(department.tenant.id, Topic.TENANT_UPDATED, {"only": "event"})
    assert await head_of(department) == seq
    assert [e.payload for e in await events_of(department, last)] == [{"only": "event"}]
    last = (await events_of(department))[-1].id
    async with uow.transaction(department.actor) as work:
        work.audit(department.tenant.id, "only.entry", "Thing", "1")
    assert await events_of(department, last) == []
    assert work.published == []
    assert [e.action for e in await entries_after(department, seq)] == ["only.entry"]


async def failing(department: Department, outer: uow.Work | None = None) -> uow.Work:
    """A use case that writes a row, an audit entry and an event, then fails."""
    async with uow.transaction(department.actor) as work:
        assert outer is None or work is outer, "joined, not a second unit of work"
        await index(department, "undone")
        work.audit(department.tenant.id, "inner.failed", "Thing", "2")
        work.emit(department.tenant.id, Topic.TENANT_UPDATED, {"inner": True})
        raise ServiceError.of(Code.INVALID, "no")


async def test_a_joined_use_case_that_fails_is_undone_alone(make_department) -> None:
    department = await make_department()
    tenant_id, seq = department.tenant.id, await head_of(department)
    last = max([0, *[e.id for e in await events_of(department)]])
    with published(department) as seen:
        async with uow.transaction(department.actor) as outer:
            kept = await index(department, "kept")
            outer.audit(tenant_id, "outer.before", "Thing", "1")
            with pytest.raises(ServiceError):
                await failing(department, outer)
            async with uow.transaction(None) as joined:
                joined.audit(tenant_id, "inner.done", "Thing", "3")
            outer.emit(tenant_id, Topic.TENANT_UPDATED, {"outer": True})
            outer.audit(tenant_id, "outer.after", "Thing", "4")
    assert [e.action for e in await entries_after(department, seq)] == [
        "outer.before",
        "inner.done",
        "outer.after",
    ]
    assert [e.payload for e in await events_of(department, last)] == [{"outer": True}]
    assert [e.payload for e in seen] == [{"outer": True}], "published once, by the outer"
    assert await department.scope.query(SearchEntry).filter(kind="undone").count() == 0
    assert await department.scope.query(SearchEntry).filter(id=kept.id).exists()


async def test_a_failed_use_case_writes_and_publishes_nothing(make_department) -> None:
    department = await make_department()
    seq, last = await head_of(department), max([0, *[e.id for e in await events_of(department)]])
    with published(department) as seen, pytest.raises(ServiceError):
        await failing(department)
    assert seen == []
    assert await head_of(department) == seq
    assert await events_of(department, last) == []
    assert not await department.scope.query(SearchEntry).filter(kind="undone").exists()
    assert uow._current.get() is None, "the next use case starts its own unit of work"


async def test_rows_are_found_in_the_tenant_or_not_found_on_the_field(
    make_department,
) -> None:
    department, other = await make_department(), await make_department()
    role = await department.scope.query(Role).first()
    assert role is not None
    assert await found(department.scope, Role, role.id, "Role", "roleId") == role
    assert await found(department.scope, Role, str(role.id), "Role", "roleId") == role
    async with uow.transaction(None):
        assert await locked(department.scope, Role, str(role.id), "Role", "roleId") == role
        assert await locked(department.scope, Role, role.id, "Role", "roleId") == role
    for missing in (uuid.uuid4(), "Um9sZTox", None):
        for load in (found, locked):
            with pytest.raises(ServiceError) as refused:
                await load(department.scope, Role, missing, "Role", "roleId")
            assert [(p.code, p.message, p.field) for p in refused.value.problems] == [
                (Code.NOT_FOUND, "Role not found", ("roleId",))
            ]
    for load in (found, locked):
        with pytest.raises(ServiceError) as foreign:
            await load(other.scope, Role, role.id, "Role", "roleId")
        assert str(foreign.value) == "Role not found"


async def test_existing_ids_are_sorted_and_any_unknown_one_is_reported(
    make_department,
) -> None:
    department, other = await make_department(), await make_department()
    ids = sorted([r.id for r in await department.scope.query(Role)])
    assert len(ids) >= 2
    foreign = (await other.scope.query(Role).first()).id  # type: ignore[union-attr]

    async def check(values: Any) -> tuple[list[uuid.UUID], list[Any]]:
        checks = Checks()
        keys = await existing(department.scope, Role, values, "roleIds", checks)
        return keys, [(p.code, p.message, p.field) for p in checks.problems]

    assert await check(None) == ([], [])
    assert await check([]) == ([], [])
    assert await check([str(i) for i in reversed(ids)] + [ids[0]]) == (ids, [])
    missing = [(Code.NOT_FOUND, "Some of roleIds were not found", ("roleIds",))]
    assert await check([ids[1], "not-an-id"]) == ([ids[1]], missing)
    assert await check([ids[0], uuid.uuid4()]) == ([ids[0]], missing)
    assert await check([foreign]) == ([], missing)
