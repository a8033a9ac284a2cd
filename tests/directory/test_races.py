"""Races the pre-checks cannot see: another transaction holds the same username or subject,
not yet committed. The unique index decides; the loser gets a DUPLICATE on the right field."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from models.directory import User
from services import directory
from tests.conftest import Department
from tests.directory.support import refused, root_of


async def against_uncommitted(
    department: Department, rival: dict[str, Any], call: Callable[[], Coroutine[Any, Any, Any]]
) -> Any:
    """Run `call` while another transaction has inserted a user `rival` and not committed; it
    commits once `call` waits on the unique index. Returns `call`'s task."""
    root = await root_of(department)
    inserted, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with in_transaction():
            await department.scope.create(
                User, display_name="rival", primary_org_unit_id=root.id, **rival
            )
            inserted.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await inserted.wait()
    task = asyncio.create_task(call())
    db = connections.get("default")
    for _ in range(600):
        rows = await db.execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if rows[0]["n"] or task.done():
            break
        await asyncio.sleep(0.05)
    release.set()
    await holder
    return task


async def test_the_index_decides_a_race_for_a_username_or_subject(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id]
    )
    renamed = await against_uncommitted(
        department,
        {"username": "taken"},
        lambda: directory.update_user(actor, id=user.id, username="taken"),
    )
    assert await refused(renamed) == [("DUPLICATE", "The username is already taken", ("username",))]
    subject = await against_uncommitted(
        department,
        {"username": "rival2", "external_subject": "sub-1"},
        lambda: directory.update_user(actor, id=user.id, external_subject="sub-1"),
    )
    assert await refused(subject) == [
        ("DUPLICATE", "The externalSubject is already taken", ("externalSubject",))
    ]
    created = await against_uncommitted(
        department,
        {"username": "rival3"},
        lambda: directory.create_user(
            actor, username="rival3", display_name="x", org_unit_ids=[root.id]
        ),
    )
    assert await refused(created) == [("DUPLICATE", "The username is already taken", ("username",))]
    row = await department.scope.query(User).get(id=user.id)
    assert (row.username, row.external_subject, row.version) == ("chen", None, 1)
