"""Live document status and exchange receipts over websockets, filtered by the same read rules
as the queries."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from strawberry import relay

from models.outbox import OutboxEvent
from subscriptions.outbox import reader
from tests.conftest import GraphQL, gid, ws_url
from tests.documents.support import DOC, Office
from tests.exchange.support import DISPATCH, completed_dispatch, receiving_office
from tests.ws_client import Socket

STATUS = """subscription($id: ID!, $after: ID) {
  documentStatusChanged(documentId: $id, after: $after) { id topic payload } }"""
RECEIPTS = """subscription($id: ID!, $after: ID) {
  dispatchStatusChanged(documentId: $id, after: $after) { id topic payload } }"""
INCOMING = "subscription($after: ID) { incomingBoxChanged(after: $after) { id topic payload } }"
ID_KEY = re.compile(r"^id$|Ids?$")
NOT_NODES = {"RoleAssignment", "PortalTheme", "PortalLayout"}
NODE = """query($id: ID!) { node(id: $id) { id
  ... on Task { document { id } assignee { id } candidates { id } } } }"""


async def after(office: Office) -> str:
    return str(await reader.latest_id(office.department.tenant.id))


async def test_document_status_reaches_its_readers_only(
    dispatch_office: Office, server: TestServer, http: aiohttp.ClientSession
) -> None:
    office = dispatch_office
    made = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于值班安排的通知",
            "formData": {"body": "x"},
        },
        DOC,
    )
    other = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "另一件", "formData": {"body": "y"}},
        DOC,
    )
    doc_id = made["document"]["id"]
    variables = {"id": doc_id, "after": await after(office)}
    async with (
        Socket.connect(http, ws_url(server), office.token("writer")) as writer,
        Socket.connect(http, ws_url(server), office.token("outsider")) as outsider,
    ):
        watched = await writer.subscribe(STATUS, variables)
        refused = await outsider.error(await outsider.subscribe(STATUS, variables))
        await office.ok("writer", "submitDocument", {"id": other["document"]["id"]}, DOC)
        await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
        await office.approve("director", doc_id)
        await office.ok("admin", "terminateDocument", {"id": doc_id}, DOC)
        changes = await writer.events(watched, 2)
    assert refused[0]["extensions"]["code"] == "NOT_FOUND"
    assert [(e["payload"]["from"], e["payload"]["to"]) for e in changes] == [
        ("draft", "in_progress"),
        ("in_progress", "terminated"),
    ]
    assert {e["payload"]["documentId"] for e in changes} == {doc_id}


async def test_the_sender_sees_receipts_and_the_receiver_its_incoming_box_live(
    dispatch_office: Office,
    gql: GraphQL,
    make_department: Any,
    server: TestServer,
    http: aiohttp.ClientSession,
) -> None:
    sender = dispatch_office
    receiver = await receiving_office(gql, make_department, parent=sender.department.tenant)
    doc_id, _ = await completed_dispatch(sender, gql, "关于报送统计数据的通知")
    async with (
        Socket.connect(http, ws_url(server), sender.token("writer")) as sending,
        Socket.connect(http, ws_url(server), receiver.token("admin")) as receiving,
        Socket.connect(http, ws_url(server), receiver.token("outsider")) as bystander,
    ):
        receipts = await sending.subscribe(RECEIPTS, {"id": doc_id, "after": await after(sender)})
        box = await receiving.subscribe(INCOMING, {"after": await after(receiver)})
        refused = await bystander.error(await bystander.subscribe(INCOMING))
        target = {"tenantId": gid("Tenant", receiver.department.tenant.id), "role": "MAIN"}
        await sender.ok(
            "admin", "dispatchDocument", {"id": doc_id, "recipients": [target]}, DISPATCH
        )
        (delivered,) = await receiving.events(box, 1)
        incoming = delivered["payload"]["incomingId"]
        await receiver.ok("admin", "signIncomingItem", {"id": incoming}, "incomingItem { status } ")
        statuses = await sending.events(receipts, 3)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    assert delivered["payload"]["action"] == "delivered"
    assert [e["payload"]["status"] for e in statuses] == ["sent", "delivered", "signed"]


async def test_payload_ids_are_global_ids_that_node_resolves(dispatch_office: Office) -> None:
    office = dispatch_office
    made = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于全局编号的通知",
            "formData": {"body": "x"},
        },
        DOC,
    )
    doc_id = made["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
    await office.approve("director", doc_id)
    rows = await OutboxEvent.filter(tenant_id=office.department.tenant.id).order_by("id")
    assert {
        "tenant.provisioned",
        "directory.user.created",
        "directory.role.assigned",
        "form.published",
        "flow.published",
        "document.status_changed",
        "task.changed",
    } <= {row.topic for row in rows}
    ids: dict[str, str] = {}
    for row in rows:
        for key, value in row.payload.items():
            if ID_KEY.search(key):
                ids |= {one: row.topic for one in (value if isinstance(value, list) else [value])}
    owners = {  # a notification is a node for the person it is for alone
        row.payload["notificationId"]: row.payload["userId"]
        for row in rows
        if row.topic == "notification.created"
    }
    names = {gid("User", u.id): name for name, u in office.users.items()}
    for value, topic in ids.items():
        type_name = relay.GlobalID.from_id(value).type_name
        if type_name not in NOT_NODES:
            who = names[owners[value]] if type_name == "Notification" else "admin"
            found = await office.run(who, NODE, {"id": value})
            assert found.data["node"]["id"] == value, (topic, value)

    changed = [row.payload for row in rows if row.topic == "task.changed"]
    assert changed, "every task change names its task"
    for payload in changed:
        task = (await office.run("admin", NODE, {"id": payload["taskId"]})).data["node"]
        assert task["document"]["id"] == payload["documentId"] == doc_id
        people = {u["id"] for u in [task["assignee"], *task["candidates"]] if u}
        assert people <= set(payload["userIds"])
