"""The department the circulation tests work in: a flow whose 核稿 copies (抄送) the finance
head and the clerks, and whose 签发 hides the body. Holds no tests itself."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQL
from tests.documents.engine_flow import publish
from tests.documents.support import DOC, Office, staff

FLOW: dict[str, Any] = {
    "id": "circulate",
    "name": "签报",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "draft", "name": "拟稿", "type": "task", "assignee": {"kind": "previous_handler"}},
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "cc": [
                {"kind": "users", "ids": ["finance_head"]},
                {"kind": "role", "roleCode": "office_clerk"},
            ],
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
            "fieldAccess": {"body": "hidden"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "review"},
        {"id": "c", "source": "review", "target": "sign"},
        {"id": "d", "source": "sign", "target": "end"},
    ],
}
READ = "query($id: ID!) { node(id: $id) { ... on Document { title formData } } }"
BOX = (
    "query($status: CirculationReadStatus) { myCirculations(status: $status) { edges { node { "
    "id status readAt document { id title } circulation { id source nodeName note "
    "sender { username } } } } } }"
)
CIRCULATIONS = (
    "query($id: ID!) { documentCirculations(documentId: $id) { id source note "
    "recipients { status readAt urgedAt user { username } } } }"
)
CIRCULATION = "circulation { id source note recipients { user { username } } } "


async def circulation_office(gql: GraphQL, make_department: Any) -> Office:
    office = await staff(await make_department(), gql)
    office.type_id = await publish(office, FLOW, "circulate")
    return office


async def submitted(office: Office, secrecy: str = "INTERNAL") -> str:
    """A document the writer submitted, waiting at 核稿; its body is hidden at 签发."""
    made = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于年度预算的请示",
            "secrecy": secrecy,
            "formData": {"amount": 8, "body": "预算正文"},
        },
        DOC,
    )
    doc_id: str = made["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
    return doc_id


async def box(office: Office, who: str, status: str | None = None) -> list[dict[str, Any]]:
    result = await office.run(who, BOX, {"status": status})
    return [e["node"] for e in result.data["myCirculations"]["edges"]]


async def read(office: Office, who: str, doc_id: str) -> dict[str, Any] | None:
    node: dict[str, Any] | None = (await office.run(who, READ, {"id": doc_id})).data["node"]
    return node
