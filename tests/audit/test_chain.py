"""How the chain is built and checked: each entry's hash over exactly its fields, appended in
order under the tenant's head, and `verify` naming the first break of each kind."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import orjson
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from models.audit import GENESIS_HASH, AuditEntry, TenantLog
from services import audit
from tests.conftest import Department

TENANT = uuid.UUID("0190a000-0000-7000-8000-000000000001")
ACTOR = uuid.UUID("0190a000-0000-7000-8000-000000000002")
AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
"""A time without microseconds: the hash still writes all six digits."""


def expected_hash(body: list[object]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def test_the_hash_covers_every_field_in_order() -> None:
    digest = audit.entry_hash(
        tenant_id=TENANT,
        seq=7,
        actor_id=ACTOR,
        actor_name="张三",
        action="form.created",
        target_type="FormDefinition",
        target_id="abc",
        data={"b": 1, "a": [2, 3]},
        created_at=AT,
        prev_hash="f" * 64,
    )
    assert digest == expected_hash(
        [
            str(TENANT),
            7,
            str(ACTOR),
            "张三",
            "form.created",
            "FormDefinition",
            "abc",
            {"a": [2, 3], "b": 1},
            "2026-03-01T08:30:00.000000+00:00",
            "f" * 64,
        ]
    )


def test_a_system_entry_hashes_no_actor_and_data_with_numeric_keys() -> None:
    digest = audit.entry_hash(
        tenant_id=TENANT,
        seq=1,
        actor_id=None,
        actor_name="",
        action="x",
        target_type="T",
        target_id="1",
        data={2: "two", 1: "one"},
        created_at=AT,
        prev_hash=GENESIS_HASH,
    )
    body = [str(TENANT), 1, None, "", "x", "T", "1", {"1": "one", "2": "two"}]
    assert digest == expected_hash([*body, "2026-03-01T08:30:00.000000+00:00", GENESIS_HASH])


async def append(department: Department, *actions: str, actor: uuid.UUID | None = ACTOR) -> None:
    tenant_id = department.tenant.id
    records = [
        audit.Record(tenant_id, action, "Thing", f"id-{action}", {"n": i})
        for i, action in enumerate(actions)
    ]
    async with in_transaction():
        head = await TenantLog.filter(tenant_id=tenant_id).select_for_update().get()
        await audit.append(head, records, actor_id=actor, actor_name="李四", now=AT)


async def chain(department: Department) -> list[AuditEntry]:
    return await department.scope.query(AuditEntry).order_by("seq")


async def test_entries_are_appended_after_the_head_and_move_it(make_department) -> None:
    department = await make_department()
    before = await TenantLog.get(tenant_id=department.tenant.id)
    await append(department, "a.one", "a.two")
    entries = await chain(department)
    first, second = entries[-2:]
    assert [first.seq, second.seq] == [before.audit_seq + 1, before.audit_seq + 2]
    assert first.prev_hash == before.audit_hash
    assert second.prev_hash == first.hash
    for entry, action, n in ((first, "a.one", 0), (second, "a.two", 1)):
        assert (entry.action, entry.target_type, entry.target_id, entry.data) == (
            action,
            "Thing",
            f"id-{action}",
            {"n": n},
        )
        assert (entry.actor_id, entry.actor_name, entry.created_at) == (ACTOR, "李四", AT)
        assert entry.hash == audit.entry_hash(
            tenant_id=department.tenant.id,
            seq=entry.seq,
            actor_id=ACTOR,
            actor_name="李四",
            action=action,
            target_type="Thing",
            target_id=f"id-{action}",
            data={"n": n},
            created_at=AT,
            prev_hash=entry.prev_hash,
        )
    head = await TenantLog.get(tenant_id=department.tenant.id)
    assert (head.audit_seq, head.audit_hash) == (second.seq, second.hash)
    assert await audit.verify(department.tenant.id) is None


async def test_a_whole_chain_is_read_in_batches(make_department) -> None:
    department = await make_department()
    await append(department, "b.one", "b.two", "b.three", actor=None)
    count = len(await chain(department))
    for batch in range(1, count + 2):
        assert await audit.verify(department.tenant.id, batch=batch) is None, batch


async def test_a_changed_entry_is_found_whatever_the_batch(make_department) -> None:
    department = await make_department()
    await append(department, "c.one", "c.two", "c.three", "c.four")
    entries = await chain(department)
    victim = entries[-1]
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET actor_name = $1 WHERE id = $2", ["伪造", str(victim.id)]
    )
    for batch in (1, 2, len(entries) - 1, len(entries), 5000):
        assert await audit.verify(department.tenant.id, batch=batch) == audit.Break(
            department.tenant.id, victim.seq, victim.id, "entry content does not match its hash"
        ), batch


async def test_a_missing_entry_is_named_with_the_one_found_in_its_place(make_department) -> None:
    department = await make_department()
    await append(department, "d.one", "d.two", "d.three")
    entries = await chain(department)
    gone, after = entries[-2], entries[-1]
    await connections.get("default").execute_query(
        "DELETE FROM audit_entry WHERE id = $1", [str(gone.id)]
    )
    assert await audit.verify(department.tenant.id) == audit.Break(
        department.tenant.id, gone.seq, after.id, f"entry {gone.seq} is missing"
    )


@pytest.mark.parametrize("which", [0, -1])
async def test_a_broken_link_is_found_before_the_content(make_department, which: int) -> None:
    department = await make_department()
    await append(department, "e.one", "e.two")
    victim = (await chain(department))[which]
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET prev_hash = $1, actor_name = $2 WHERE id = $3",
        ["1" * 64, "伪造", str(victim.id)],
    )
    assert await audit.verify(department.tenant.id) == audit.Break(
        department.tenant.id, victim.seq, victim.id, "previous-hash link does not match"
    )


@pytest.mark.parametrize(("step", "digest"), [(1, None), (-1, None), (0, "2" * 64)])
async def test_a_head_that_is_not_the_last_entry_is_a_break(
    make_department, step: int, digest: str | None
) -> None:
    department = await make_department()
    await append(department, "f.one")
    last = (await chain(department))[-1]
    await connections.get("default").execute_query(
        "UPDATE tenant_log SET audit_seq = audit_seq + $1, audit_hash = COALESCE($2, audit_hash) "
        "WHERE tenant_id = $3",
        [step, digest, str(department.tenant.id)],
    )
    assert await audit.verify(department.tenant.id) == audit.Break(
        department.tenant.id, last.seq + 1, None, "chain head does not match the last entry"
    )


async def test_an_unknown_tenant_has_an_empty_whole_chain(database) -> None:
    assert await audit.verify(uuid.uuid4()) is None
