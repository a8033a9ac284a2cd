"""Exchange between departments through GraphQL on PostgreSQL: A (a city bureau) sends a
completed 发文 to B (a district below it, 主送) and C (a partner paired by the platform, 抄送).
B signs and its own 收文 flow starts; C returns it; A sees both statuses and the events. Each
side reads only its own rows. Refused dispatches leave nothing behind."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from models.audit import AuditEntry
from models.directory import User
from models.documents import Attachment, Document, DocumentEvent
from models.exchange import (
    Dispatch,
    DispatchRecipient,
    IncomingAttachment,
    IncomingItem,
    IncomingReminder,
)
from models.outbox import OutboxEvent
from models.scope import TenantScope
from services import audit
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import DOC, Office
from tests.exchange.support import DISPATCH, INBOX, completed_dispatch, receiving_office

SIGNED = (
    "incomingItem { id status handledBy { username } } document { id title status "
    "formData documentType { kind } tasks(open: true) { nodeName } "
    "attachments { id sha256 downloadUrl } } "
)
STATUSES = """query($id: ID!) { dispatches(documentId: $id) { id sentBy { username }
  recipients { receiverCode role status deliveredAt signedAt returnedAt returnReason } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"

TABLES = (
    AuditEntry,
    Dispatch,
    DispatchRecipient,
    IncomingItem,
    IncomingAttachment,
    IncomingReminder,
    Document,
    DocumentEvent,
    Attachment,
)


async def counts(*tenants: uuid.UUID) -> dict[str, int]:
    """Rows per table and outbox events of these tenants, to compare before and after."""
    found = {}
    for tenant in tenants:
        scope = TenantScope(tenant)
        for model in TABLES:
            found[f"{tenant}:{model.__name__}"] = await scope.query(model).count()
        found[f"{tenant}:outbox"] = await OutboxEvent.filter(tenant_id=tenant).count()
    return found


async def download(server: TestServer, link: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as http, http.get(str(server.make_url(link))) as r:
        return r.status, await r.read()


async def events(tenant: uuid.UUID, topic: str) -> list[dict[str, Any]]:
    rows = await OutboxEvent.filter(tenant_id=tenant, topic=topic).order_by("id")
    return [row.payload for row in rows]


async def test_a_dispatch_is_signed_by_one_receiver_and_returned_by_another(
    dispatch_office: Office,
    gql: GraphQL,
    make_department: Any,
    platform_admin: User,
    server: TestServer,
) -> None:
    a = dispatch_office
    b = await receiving_office(gql, make_department, parent=a.department.tenant)
    c = await receiving_office(gql, make_department)
    d = await receiving_office(gql, make_department)
    operator = gql.token(platform_admin, "platform")
    paired = await gql.mutate(
        "addExchangePartner",
        {
            "senderId": gid("Tenant", a.department.tenant.id),
            "receiverId": gid("Tenant", c.department.tenant.id),
        },
        "partners { id } ",
        token=operator,
    )
    assert paired["errors"] == []
    assert len(paired["partners"]) == 2, "both directions by default"

    doc_id, content = await completed_dispatch(a, gql, "关于开展安全生产检查的通知")
    draft = await a.ok(
        "writer",
        "createDocument",
        {"documentTypeId": a.type_id, "title": "草稿", "formData": {"body": "x"}},
        DOC,
    )
    to_b = {"tenantId": gid("Tenant", b.department.tenant.id), "role": "MAIN"}
    to_c = {"tenantId": gid("Tenant", c.department.tenant.id), "role": "COPY"}
    to_d = {"tenantId": gid("Tenant", d.department.tenant.id)}
    tenants = [o.department.tenant.id for o in (a, b, c, d)]

    before = await counts(*tenants)
    not_done = await a.mutate(
        "admin",
        "dispatchDocument",
        {"id": draft["document"]["id"], "recipients": [to_b]},
        DISPATCH,
    )
    assert not_done["dispatch"] is None
    assert not_done["errors"][0]["code"] == "INVALID_STATE"
    assert "completed" in not_done["errors"][0]["message"]
    not_partner = await a.mutate(
        "admin", "dispatchDocument", {"id": doc_id, "recipients": [to_b, to_d]}, DISPATCH
    )
    assert not_partner["dispatch"] is None
    assert not_partner["errors"] == [
        {
            "code": "FORBIDDEN",
            "message": f"'{d.department.tenant.name}' ({d.department.tenant.code}) is not an "
            "exchange partner of yours",
            "field": ["input", "recipients", "1", "tenantId"],
        }
    ]
    no_permission = await a.mutate(
        "writer", "dispatchDocument", {"id": doc_id, "recipients": [to_b]}, DISPATCH
    )
    assert no_permission["errors"][0]["code"] == "FORBIDDEN"
    assert await counts(*tenants) == before, "refused dispatches write nothing anywhere"

    sent = await a.ok(
        "admin",
        "dispatchDocument",
        {"id": doc_id, "recipients": [to_b, to_c], "comment": "请各单位抓紧落实"},
        DISPATCH,
    )
    dispatch = sent["dispatch"]
    assert dispatch["number"].endswith("发字第1号")
    assert dispatch["publicFields"] == {
        "subject": "安全 检查",
        "body": "各区：请于月底前完成检查。",
    }
    assert [(r["role"], r["status"]) for r in dispatch["recipients"]] == [
        ("MAIN", "DELIVERED"),
        ("COPY", "DELIVERED"),
    ], "delivered right after the dispatch commits"

    # B: the copy in its incoming box, nothing of A's own rows.
    inbox = (await b.run("admin", INBOX)).data["incomingItems"]["edges"]
    assert len(inbox) == 1
    item = inbox[0]["node"]
    assert item["status"] == "PENDING"
    assert item["role"] == "MAIN"
    assert item["number"] == dispatch["number"]
    assert item["senderCode"] == a.department.tenant.code
    assert item["urgency"] == "URGENT"
    assert item["publicFields"] == dispatch["publicFields"], "no internal opinions leave A"
    assert item["document"] is None
    status, body = await download(server, item["attachments"][0]["downloadUrl"])
    assert (status, body) == (200, content)
    assert (await b.run("outsider", INBOX)).data["incomingItems"]["edges"] == [], (
        "only holders of exchange.receive work the box"
    )
    a_attachment = await a.department.scope.query(Attachment).get(document_id=key_of(doc_id))
    for foreign in (doc_id, gid("Attachment", a_attachment.id), dispatch["id"]):
        assert (await b.run("admin", NODE, {"id": foreign})).data["node"] is None
    assert (await a.run("admin", NODE, {"id": item["id"]})).data["node"] is None

    signed = await b.ok("admin", "signIncomingItem", {"id": item["id"]}, SIGNED)
    assert signed["incomingItem"]["status"] == "SIGNED"
    receipt = signed["document"]
    assert receipt["status"] == "IN_PROGRESS"
    assert receipt["documentType"]["kind"] == "RECEIPT"
    assert receipt["title"] == "关于开展安全生产检查的通知"
    assert receipt["formData"] == {
        "sender": a.department.tenant.name,
        "senderNumber": dispatch["number"],
        "body": "各区：请于月底前完成检查。",
    }
    assert [t["nodeName"] for t in receipt["tasks"]] == ["签收"], "B's own flow waits for a clerk"
    assert receipt["attachments"][0]["sha256"] == dispatch["attachments"][0]["sha256"]
    status, body = await download(server, receipt["attachments"][0]["downloadUrl"])
    assert (status, body) == (200, content)
    again = await b.mutate("admin", "signIncomingItem", {"id": item["id"]}, SIGNED)
    assert again["errors"][0]["code"] == "CONFLICT"
    clerk_task = await b.open_task("clerk", receipt["id"])
    assert clerk_task["pool"] is True
    trail = await b.run(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on Document { "
        "timeline(first: 10) { edges { node { action data } } } } } }",
        {"id": receipt["id"]},
    )
    steps = [e["node"] for e in trail.data["node"]["timeline"]["edges"]]
    assert [s["action"] for s in steps] == ["created", "received", "submitted"]
    assert steps[1]["data"]["senderCode"] == a.department.tenant.code

    # C: returns its copy with a reason; it cannot see B's 收文.
    c_item = (await c.run("admin", INBOX)).data["incomingItems"]["edges"][0]["node"]
    assert c_item["role"] == "COPY"
    empty = await c.mutate("admin", "returnIncomingItem", {"id": c_item["id"], "reason": " "}, "")
    assert empty["errors"][0]["field"] == ["input", "reason"]
    returned = await c.ok(
        "admin",
        "returnIncomingItem",
        {"id": c_item["id"], "reason": "非我单位职责范围"},
        "incomingItem { status returnReason } ",
    )
    assert returned["incomingItem"] == {"status": "RETURNED", "returnReason": "非我单位职责范围"}
    for foreign in (receipt["id"], item["id"], receipt["attachments"][0]["id"]):
        assert (await c.run("admin", NODE, {"id": foreign})).data["node"] is None
    assert (await b.run("admin", NODE, {"id": c_item["id"]})).data["node"] is None

    # A: both statuses, by query and by events in its outbox.
    seen = (await a.run("writer", STATUSES, {"id": doc_id})).data["dispatches"]
    assert len(seen) == 1
    assert seen[0]["sentBy"] == {"username": "admin"}
    main, copy = seen[0]["recipients"]
    assert (main["receiverCode"], main["status"]) == (b.department.tenant.code, "SIGNED")
    assert main["deliveredAt"]
    assert main["signedAt"]
    assert not main["returnedAt"]
    assert (copy["receiverCode"], copy["status"]) == (c.department.tenant.code, "RETURNED")
    assert copy["returnReason"] == "非我单位职责范围"
    assert copy["returnedAt"]
    assert (await a.run("outsider", STATUSES, {"id": doc_id})).data["dispatches"] == []

    changes = await events(a.department.tenant.id, "exchange.recipient_changed")
    by_receiver: dict[str, list[str]] = {}
    for payload in changes:
        assert payload["dispatchId"] == dispatch["id"]
        assert payload["documentId"] == doc_id
        by_receiver.setdefault(payload["receiverCode"], []).append(payload["status"])
    assert by_receiver == {
        b.department.tenant.code: ["sent", "delivered", "signed"],
        c.department.tenant.code: ["sent", "delivered", "returned"],
    }
    assert changes[-1]["reason"] == "非我单位职责范围"
    assert all(p["at"] for p in changes)
    assert {p["recipientId"] for p in changes} == {r["id"] for r in dispatch["recipients"]}
    incoming_b = await events(b.department.tenant.id, "exchange.incoming")
    assert [p["action"] for p in incoming_b] == ["delivered", "signed"]
    assert incoming_b[-1]["documentId"] == receipt["id"]
    incoming_c = await events(c.department.tenant.id, "exchange.incoming")
    assert [p["action"] for p in incoming_c] == ["delivered", "returned"]

    # Every step in each tenant's own audit log, and every chain intact.
    async def actions(office: Office) -> list[str]:
        rows = await office.department.scope.query(AuditEntry).filter(action__startswith="exch")
        return sorted(row.action for row in rows)

    assert await actions(a) == sorted(
        [
            "exchange.partner_added",
            "exchange.partner_added",
            "exchange.dispatched",
            "exchange.delivered",
            "exchange.delivered",
            "exchange.recipient_signed",
            "exchange.recipient_returned",
        ]
    )
    assert await actions(b) == ["exchange.received", "exchange.signed"]
    assert await actions(c) == sorted(
        [
            "exchange.partner_added",
            "exchange.partner_added",
            "exchange.received",
            "exchange.returned",
        ]
    )
    for office in (a, b, c):
        assert await audit.verify(office.department.tenant.id) is None


async def test_the_templates_office_clerk_sends_and_signs_for(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    installed = await gql.mutate(
        "installTemplate", {"key": "dispatch"}, "documentType { id }", token=admin
    )
    assert installed["errors"] == []
    roles = await gql("{ roles(first: 100) { edges { node { code permissions } } } }", token=admin)
    held = {e["node"]["code"]: e["node"]["permissions"] for e in roles.data["roles"]["edges"]}
    assert sorted(held["office_clerk"]) == ["EXCHANGE_RECEIVE", "EXCHANGE_SEND"], "the 收发员"
    assert held["office_director"] == held["leader"] == []
