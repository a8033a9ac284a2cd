"""What must hold after any fault, read from the database: every fault test ends with
`assert_invariants`, and with `assert_delivered` for each subscriber it kept."""

from __future__ import annotations

import asyncio
import collections
import itertools
import os
from typing import Any

import aiohttp

from models.documents import Document, DocumentEvent, DocumentNumber, NumberSequence, Task
from models.outbox import OutboxEvent
from server.settings import Settings
from subscriptions.topics import Topic, global_id
from tests.conftest import Department
from tests.processes import CLI
from tests.ws_client import Socket
from workflow.vocabulary import TaskStatus

DONE = {"completed", "rejected", "withdrawn", "terminated", "archived"}


async def assert_invariants(department: Department, settings: Settings) -> None:
    scope = department.scope
    documents = await scope.query(Document).all()
    open_tasks = collections.Counter(
        await scope.query(Task).filter(status=TaskStatus.OPEN).values_list("document_id", flat=True)
    )
    for document in documents:
        status = document.status.value
        if status == "in_progress":
            assert open_tasks[document.id] > 0, f"{document.id} runs without an open task"
        elif status in DONE or status == "draft":
            assert open_tasks[document.id] == 0, f"{document.id} is {status} with open tasks"

    approvals = collections.Counter(
        await scope.query(DocumentEvent)
        .filter(action="approve", task_key__not_isnull=True)
        .values_list("document_id", "task_key")
    )
    assert [key for key, n in approvals.items() if n > 1] == [], "a task was approved twice"

    numbers: dict[Any, list[int]] = collections.defaultdict(list)
    for type_id, year, seq in await scope.query(DocumentNumber).values_list(
        "document_type_id", "year", "seq"
    ):
        numbers[(type_id, year)].append(seq)
    for key, seqs in numbers.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"numbers of {key} have gaps"
        last = await scope.query(NumberSequence).get(document_type_id=key[0], year=key[1])
        assert last.last_seq == len(seqs)

    await _status_events_match(department, documents)
    await _audit_verifies(department, settings)


async def _status_events_match(department: Department, documents: list[Document]) -> None:
    """Each document's `document.status_changed` events lead from nothing to its status."""
    chains: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for payload in (
        await OutboxEvent.filter(
            tenant_id=department.tenant.id, topic=Topic.DOCUMENT_STATUS_CHANGED
        )
        .order_by("id")
        .values_list("payload", flat=True)
    ):
        chains[payload["documentId"]].append(payload)
    for document in documents:
        chain = chains[global_id("Document", document.id)]
        assert chain, f"{document.id} has no status event"
        steps = [(e["from"], e["to"]) for e in chain]
        assert steps[0][0] is None
        for (_, to), (start, _) in itertools.pairwise(steps):
            assert start == to, f"{document.id}: a status change has no event: {steps}"
        assert steps[-1][1] == document.status.value, (document.status, steps)


async def _audit_verifies(department: Department, settings: Settings) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OFFICECLOUD_")},
        "DATABASE_URL": str(settings.database_url),
        "OFFICECLOUD_DATA_DIR": str(settings.data_dir),
    }
    process = await asyncio.create_subprocess_exec(
        CLI,
        "audit",
        "verify",
        "--tenant",
        department.tenant.code,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, out.decode()
    assert b"chain intact" in out


async def assert_delivered(
    department: Department, received: list[dict[str, Any]], after: int = 0
) -> None:
    """A subscriber got every event of the tenant after `after`, each once, in order."""
    stored = list(
        await OutboxEvent.filter(tenant_id=department.tenant.id, id__gt=after)
        .order_by("id")
        .values_list("id", flat=True)
    )
    got = [int(e["id"]) for e in received]
    assert got == stored, {"missing": sorted(set(stored) - set(got)), "got": got}


async def caught_up(department: Department, received: list[dict[str, Any]]) -> bool:
    """The subscriber has the tenant's latest event."""
    last = await OutboxEvent.filter(tenant_id=department.tenant.id).order_by("-id").first()
    return bool(received) and last is not None and int(str(received[-1]["id"])) == last.id


class Follower:
    """A subscriber that reconnects with `after:` whenever its socket closes."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        url: str,
        token: str,
        after: dict[str, str],
        received: list[dict[str, object]],
    ) -> None:
        self.http, self.url, self.token, self.after, self.received = (
            http,
            url,
            token,
            after,
            received,
        )
        self.reconnects = 0

    async def __aenter__(self) -> Follower:
        self.task = asyncio.create_task(self._run())
        await asyncio.sleep(0.3)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            last = self.received[-1]["id"] if self.received else self.after["after"]
            try:
                async with Socket.connect(self.http, self.url, self.token) as socket:
                    op = await socket.subscribe(variables={"after": str(last)})
                    seen = 0
                    while not socket.closed.is_set():
                        await asyncio.sleep(0.05)
                        fresh = socket.received[op][seen:]
                        seen += len(fresh)
                        self.received.extend(fresh)
            except (TimeoutError, aiohttp.ClientError, AssertionError):
                await asyncio.sleep(0.2)
            self.reconnects += 1
