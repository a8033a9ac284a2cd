"""The flow the engine-action tests run (draft → review with a deadline → countersign → sign)
and a staffed department with it published. Holds no tests itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from models.audit import AuditEntry
from models.documents import DocumentEvent, Timer
from tests.conftest import GraphQL, key_of
from tests.documents.support import Office, staff
from tests.flows.support import design, document_type, start_document

FLOW: dict[str, Any] = {
    "id": "engine",
    "name": "签报",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "draft", "name": "拟稿", "type": "task", "assignee": {"kind": "previous_handler"}},
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "deadline": {"hours": 1, "remindBeforeHours": 0.5},
        },
        {
            "id": "cs",
            "name": "会签",
            "type": "countersign",
            "assignee": {"kind": "users", "ids": ["finance_head", "legal_head"]},
            "countersign": {"mode": "all", "order": "parallel"},
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "review"},
        {"id": "c", "source": "review", "target": "cs"},
        {"id": "d", "source": "cs", "target": "sign"},
        {"id": "e", "source": "sign", "target": "end"},
    ],
}
TASKS = (
    "query($id: ID!) { node(id: $id) { ... on Document { status version allowedActions "
    "tasks { id nodeId status assignee { username } delegatedFrom { username } openedAt "
    "allowedActions } removableSigners { node { id } users { username } } } } }"
)


async def publish(office: Office, flow: dict[str, Any], key: str) -> str:
    """Publish ``flow`` with a document type; the type's id."""
    made = await design(office, flow, key=key)
    await office.ok("admin", "publishFlow", {"id": made["flow"]["id"]}, "flow { id } ")
    return await document_type(office, made["flow"]["id"], code=key)


async def engine_office(gql: GraphQL, make_department: Any) -> Office:
    """A staffed department with FLOW published (each test module's ``office`` fixture)."""
    office = await staff(await make_department(), gql)
    office.type_id = await publish(office, FLOW, "engine")
    return office


async def started(office: Office) -> str:
    """A document submitted by the writer, waiting at 核稿."""
    document = await start_document(office, office.type_id, 100)
    doc_id: str = document["id"]
    return doc_id


async def tasks(office: Office, who: str, doc_id: str) -> dict[str, Any]:
    """The document as ``who`` sees it: status, buttons, every task, removable signers."""
    node: dict[str, Any] = (await office.run(who, TASKS, {"id": doc_id})).data["node"]
    return node


def of(node: dict[str, Any], node_id: str, status: str | None = None) -> list[dict[str, Any]]:
    return [t for t in node["tasks"] if t["nodeId"] == node_id and status in (None, t["status"])]


async def trail(office: Office, doc_id: str) -> list[DocumentEvent]:
    scope = office.department.scope
    rows: list[DocumentEvent] = (
        await scope.query(DocumentEvent).filter(document_id=key_of(doc_id)).order_by("seq")
    )
    return rows


async def audited(office: Office, action: str) -> list[AuditEntry]:
    rows: list[AuditEntry] = (
        await office.department.scope.query(AuditEntry).filter(action=action).order_by("seq")
    )
    return rows


async def timers(office: Office, doc_id: str) -> list[tuple[str, str]]:
    """(task key, kind) of the document's timers not yet fired."""
    rows = await office.department.scope.query(Timer).filter(
        document_id=key_of(doc_id), fired_at=None
    )
    return sorted((t.task_key, t.kind) for t in rows)


async def race(attempts: list[Awaitable[Any]]) -> tuple[list[Any], list[str]]:
    """Run the attempts at once: the successes, and the error codes of the others."""
    results = await asyncio.gather(*attempts)
    wins = [r for r in results if not r["errors"]]
    codes = [e["code"] for r in results for e in r["errors"]]
    return wins, codes
