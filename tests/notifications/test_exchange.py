"""Exchange tells people: the receiver's clerks of an arrived item (收文), the sender's of a
signed or returned dispatch; and a signed 收文 is circulated inside the receiving department."""

from __future__ import annotations

from typing import Any

from models.notifications import Notification
from tests.conftest import GraphQL, gid
from tests.documents.support import Office, dispatching_office
from tests.exchange.support import DISPATCH, INBOX, completed_dispatch, receiving_office


async def texts(office: Office, kind: str) -> list[str]:
    rows = await office.department.scope.query(Notification).filter(
        user_id=office.department.admin.id, kind=kind
    )
    return [r.text for r in rows]


async def test_arrival_signing_and_circulating_the_receipt(
    gql: GraphQL, make_department: Any
) -> None:
    a = await dispatching_office(gql, await make_department())
    b = await receiving_office(gql, make_department, parent=a.department.tenant)
    doc_id, _ = await completed_dispatch(a, gql, "关于防汛值班的通知")
    target = {"tenantId": gid("Tenant", b.department.tenant.id), "role": "MAIN"}
    await a.ok("admin", "dispatchDocument", {"id": doc_id, "recipients": [target]}, DISPATCH)
    sender = a.department.tenant.name
    assert await texts(b, "incoming_arrived") == [f"收到{sender}来文《关于防汛值班的通知》，请签收"]

    item = (await b.run("admin", INBOX)).data["incomingItems"]["edges"][0]["node"]
    signed = await b.ok("admin", "signIncomingItem", {"id": item["id"]}, "document { id } ")
    receiver = b.department.tenant.name
    assert await texts(a, "dispatch_signed") == [f"{receiver}已签收《关于防汛值班的通知》"]

    receipt = signed["document"]["id"]
    await b.ok(
        "admin",
        "circulateDocument",
        {"documentId": receipt, "to": {"userIds": [b.id("legal_head")]}, "note": "请阅办"},
        "circulation { id } ",
    )
    copies = await b.run(
        "legal_head", "{ myCirculations(status: UNREAD) { edges { node { document { id } } } } }"
    )
    assert [e["node"]["document"]["id"] for e in copies.data["myCirculations"]["edges"]] == [
        receipt
    ]
    outside = await b.mutate(
        "admin",
        "circulateDocument",
        {"documentId": receipt, "to": {"userIds": [a.id("legal_head")]}},
        "circulation { id } ",
    )
    assert [e["code"] for e in outside["errors"]] == ["CANNOT_READ"], "inside the department only"
