"""Exchange between departments through GraphQL on PostgreSQL: A (a city bureau) sends a
completed 发文 to B (a district below it, 主送) and C (a partner paired by the platform, 抄送).
B signs and its own 收文 flow starts; C returns it; A sees both statuses and the events. Each
side reads only its own rows. Refused dispatches leave nothing behind."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
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
from server.settings import Settings
from services import audit
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.documents.support import DOC, Office, dispatching_office
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


@dataclass
class Exchange:
    """A (with a completed 发文), B below it, C and D elsewhere; steps fill in the rest."""

    a: Office
    b: Office
    c: Office
    d: Office
    doc_id: str
    content: bytes
    dispatch: dict[str, Any] = field(default_factory=dict)
    item: dict[str, Any] = field(default_factory=dict)
    receipt: dict[str, Any] = field(default_factory=dict)
    c_item: dict[str, Any] = field(default_factory=dict)

    def to(self, office: Office, role: str | None = None) -> dict[str, str]:
        target = {"tenantId": gid("Tenant", office.department.tenant.id)}
        return {**target, "role": role} if role else target

    @property
    def tenants(self) -> list[uuid.UUID]:
        return [o.department.tenant.id for o in (self.a, self.b, self.c, self.d)]


@pytest.fixture(scope="class")
async def exchange(database: Settings, gql: GraphQL) -> Exchange:
    a = await dispatching_office(gql, await new_department())
    b = await receiving_office(gql, new_department, parent=a.department.tenant)
    c = await receiving_office(gql, new_department)
    d = await receiving_office(gql, new_department)
    doc_id, content = await completed_dispatch(a, gql, "关于开展安全生产检查的通知")
    return Exchange(a, b, c, d, doc_id, content)


@pytest.mark.steps
class TestADispatchSignedByOneReceiverAndReturnedByAnother:
    async def test_the_platform_pairs_a_with_c_both_ways(
        self, exchange: Exchange, gql: GraphQL, platform_admin: User
    ) -> None:
        a, c = exchange.a, exchange.c
        paired = await gql.mutate(
            "addExchangePartner",
            {
                "senderId": gid("Tenant", a.department.tenant.id),
                "receiverId": gid("Tenant", c.department.tenant.id),
            },
            "partners { id } ",
            token=gql.token(platform_admin, "platform"),
        )
        assert paired["errors"] == []
        assert len(paired["partners"]) == 2, "both directions by default"

    async def test_refused_dispatches_write_nothing_anywhere(self, exchange: Exchange) -> None:
        a, b, d, doc_id = exchange.a, exchange.b, exchange.d, exchange.doc_id
        draft = await a.ok(
            "writer",
            "createDocument",
            {"documentTypeId": a.type_id, "title": "草稿", "formData": {"body": "x"}},
            DOC,
        )
        to_b = exchange.to(b, "MAIN")
        before = await counts(*exchange.tenants)
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
            "admin",
            "dispatchDocument",
            {"id": doc_id, "recipients": [to_b, exchange.to(d)]},
            DISPATCH,
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
        assert await counts(*exchange.tenants) == before, "refused dispatches write nothing"

    async def test_a_sends_to_b_and_c_and_both_are_delivered_at_once(
        self, exchange: Exchange
    ) -> None:
        sent = await exchange.a.ok(
            "admin",
            "dispatchDocument",
            {
                "id": exchange.doc_id,
                "recipients": [exchange.to(exchange.b, "MAIN"), exchange.to(exchange.c, "COPY")],
                "comment": "请各单位抓紧落实",
            },
            DISPATCH,
        )
        dispatch = exchange.dispatch = sent["dispatch"]
        assert dispatch["number"].endswith("发字第1号")
        assert dispatch["publicFields"] == {
            "subject": "安全 检查",
            "body": "各区：请于月底前完成检查。",
        }
        assert [(r["role"], r["status"]) for r in dispatch["recipients"]] == [
            ("MAIN", "DELIVERED"),
            ("COPY", "DELIVERED"),
        ], "delivered right after the dispatch commits"

    async def test_b_finds_the_copy_in_its_incoming_box_and_nothing_of_as_own_rows(
        self, exchange: Exchange, server: TestServer
    ) -> None:
        a, b, dispatch = exchange.a, exchange.b, exchange.dispatch
        inbox = (await b.run("admin", INBOX)).data["incomingItems"]["edges"]
        assert len(inbox) == 1
        item = exchange.item = inbox[0]["node"]
        assert item["status"] == "PENDING"
        assert item["role"] == "MAIN"
        assert item["number"] == dispatch["number"]
        assert item["senderCode"] == a.department.tenant.code
        assert item["urgency"] == "URGENT"
        assert item["publicFields"] == dispatch["publicFields"], "no internal opinions leave A"
        assert item["document"] is None
        status, body = await download(server, item["attachments"][0]["downloadUrl"])
        assert (status, body) == (200, exchange.content)
        assert (await b.run("outsider", INBOX)).data["incomingItems"]["edges"] == [], (
            "only holders of exchange.receive work the box"
        )
        doc_id = exchange.doc_id
        a_attachment = await a.department.scope.query(Attachment).get(document_id=key_of(doc_id))
        for foreign in (doc_id, gid("Attachment", a_attachment.id), dispatch["id"]):
            assert (await b.run("admin", NODE, {"id": foreign})).data["node"] is None
        assert (await a.run("admin", NODE, {"id": item["id"]})).data["node"] is None

    async def test_b_signs_and_its_own_receipt_flow_starts(
        self, exchange: Exchange, server: TestServer
    ) -> None:
        a, b, item, dispatch = exchange.a, exchange.b, exchange.item, exchange.dispatch
        signed = await b.ok("admin", "signIncomingItem", {"id": item["id"]}, SIGNED)
        assert signed["incomingItem"]["status"] == "SIGNED"
        receipt = exchange.receipt = signed["document"]
        assert receipt["status"] == "IN_PROGRESS"
        assert receipt["documentType"]["kind"] == "RECEIPT"
        assert receipt["title"] == "关于开展安全生产检查的通知"
        assert receipt["formData"] == {
            "sender": a.department.tenant.name,
            "senderNumber": dispatch["number"],
            "body": "各区：请于月底前完成检查。",
        }
        assert [t["nodeName"] for t in receipt["tasks"]] == ["签收"], "B's flow waits for a clerk"
        assert receipt["attachments"][0]["sha256"] == dispatch["attachments"][0]["sha256"]
        status, body = await download(server, receipt["attachments"][0]["downloadUrl"])
        assert (status, body) == (200, exchange.content)
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

    async def test_c_returns_its_copy_with_a_reason_and_cannot_see_bs_receipt(
        self, exchange: Exchange
    ) -> None:
        b, c, receipt = exchange.b, exchange.c, exchange.receipt
        c_item = (await c.run("admin", INBOX)).data["incomingItems"]["edges"][0]["node"]
        assert c_item["role"] == "COPY"
        empty = await c.mutate(
            "admin", "returnIncomingItem", {"id": c_item["id"], "reason": " "}, ""
        )
        assert empty["errors"][0]["field"] == ["input", "reason"]
        returned = await c.ok(
            "admin",
            "returnIncomingItem",
            {"id": c_item["id"], "reason": "非我单位职责范围"},
            "incomingItem { status returnReason } ",
        )
        assert returned["incomingItem"] == {
            "status": "RETURNED",
            "returnReason": "非我单位职责范围",
        }
        for foreign in (receipt["id"], exchange.item["id"], receipt["attachments"][0]["id"]):
            assert (await c.run("admin", NODE, {"id": foreign})).data["node"] is None
        assert (await b.run("admin", NODE, {"id": c_item["id"]})).data["node"] is None

    async def test_a_sees_both_statuses(self, exchange: Exchange) -> None:
        a, b, c = exchange.a, exchange.b, exchange.c
        seen = (await a.run("writer", STATUSES, {"id": exchange.doc_id})).data["dispatches"]
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
        outsider = await a.run("outsider", STATUSES, {"id": exchange.doc_id})
        assert outsider.data["dispatches"] == []

    async def test_each_side_has_its_events_in_its_outbox(self, exchange: Exchange) -> None:
        a, b, c, dispatch = exchange.a, exchange.b, exchange.c, exchange.dispatch
        changes = await events(a.department.tenant.id, "exchange.recipient_changed")
        by_receiver: dict[str, list[str]] = {}
        for payload in changes:
            assert payload["dispatchId"] == dispatch["id"]
            assert payload["documentId"] == exchange.doc_id
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
        assert incoming_b[-1]["documentId"] == exchange.receipt["id"]
        incoming_c = await events(c.department.tenant.id, "exchange.incoming")
        assert [p["action"] for p in incoming_c] == ["delivered", "returned"]

    async def test_every_step_is_in_each_tenants_own_audit_log(self, exchange: Exchange) -> None:
        async def actions(office: Office) -> list[str]:
            rows = await office.department.scope.query(AuditEntry).filter(action__startswith="exch")
            return sorted(row.action for row in rows)

        assert await actions(exchange.a) == sorted(
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
        assert await actions(exchange.b) == ["exchange.received", "exchange.signed"]
        assert await actions(exchange.c) == sorted(
            [
                "exchange.partner_added",
                "exchange.partner_added",
                "exchange.received",
                "exchange.returned",
            ]
        )
        added = exchange.a.department.scope.query(AuditEntry).filter(
            action="exchange.partner_added"
        )
        assert set(await added.values_list("target_type", flat=True)) == {"ExchangePartner"}
        for office in (exchange.a, exchange.b, exchange.c):
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
