"""The example operations of docs/examples/ fit the schema and work against a seeded server, so
a front-end developer who copies them gets what the reference says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from graphql import OperationDefinitionNode, parse, validate

from schema import build_schema
from server import apidocs
from subscriptions.outbox import reader
from tests.conftest import GraphQL, ws_url
from tests.documents.support import DOC, Office
from tests.exchange.support import completed_dispatch, receiving_office
from tests.flows.support import FORM
from tests.ws_client import Socket

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
REVIEW_FLOW = {
    "id": "leave",
    "name": "请假",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "review",
            "name": "审核",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "t1", "source": "start", "target": "review"},
        {"id": "t2", "source": "review", "target": "end"},
    ],
}


def operations(name: str) -> dict[str, str]:
    """The named operations of one example file, each with the whole file as its document."""
    source = (EXAMPLES / f"{name}.graphql").read_text()
    return {
        d.name.value: source
        for d in parse(source).definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    }


async def run(office: Office, who: str, example: str, operation: str, **variables: Any) -> Any:
    """Run one operation of an example as `who`; its only root field's value."""
    async with office.gql.session.post(
        office.gql.url,
        json={
            "query": operations(example)[operation],
            "operationName": operation,
            "variables": variables,
        },
        headers={"Authorization": f"Bearer {office.token(who)}"},
    ) as response:
        body = await response.json(content_type=None)
    assert "errors" not in body, body["errors"]
    return next(iter(body["data"].values()))


def test_every_example_is_valid_against_the_schema() -> None:
    schema = build_schema()._schema
    files = sorted(EXAMPLES.glob("*.graphql"))
    assert {f.stem for f in files} >= {
        "inbox",
        "document",
        "approve",
        "design",
        "exchange",
        "subscriptions",
    }
    for path in files:
        document = parse(path.read_text())
        assert validate(schema, document) == [], path.name
        for definition in document.definitions:
            assert isinstance(definition, OperationDefinitionNode), path.name
            assert definition.name, f"{path.name}: name every operation"


async def test_design_publishes_a_form_and_a_flow_and_makes_a_document_type(
    dispatch_office: Office,
) -> None:
    office = dispatch_office
    form = await run(
        office,
        "admin",
        "design",
        "CreateForm",
        key="leave",
        name="请假单",
        jsonSchema=FORM,
        uiSchema={"body": {"ui:widget": "textarea"}},
    )
    assert form["errors"] == []
    assert form["version"] == {"number": 1, "status": "DRAFT"}
    published = await run(office, "admin", "design", "PublishForm", id=form["form"]["id"])
    assert published["errors"] == []
    assert published["version"]["status"] == "PUBLISHED"
    assert set(published["version"]["fields"]) >= {"amount", "body"}
    flow = await run(
        office,
        "admin",
        "design",
        "CreateFlow",
        key="leave",
        name="请假",
        formId=form["form"]["id"],
        definition=REVIEW_FLOW,
    )
    assert flow["errors"] == []
    assert flow["flow"]["draft"]["status"] == "DRAFT"
    live = await run(office, "admin", "design", "PublishFlow", id=flow["flow"]["id"])
    assert live["errors"] == []
    assert live["flow"]["publishedVersion"] == {"number": 1, "status": "PUBLISHED"}
    made = await run(
        office,
        "admin",
        "design",
        "CreateDocumentType",
        code="qj",
        name="请假",
        flowId=flow["flow"]["id"],
    )
    assert made["errors"] == []
    assert made["documentType"]["flow"] == {"key": "leave"}
    refused = await run(office, "writer", "design", "PublishFlow", id=flow["flow"]["id"])
    assert refused["errors"][0]["code"] == "FORBIDDEN"


async def test_the_inbox_a_document_page_and_approving(dispatch_office: Office) -> None:
    office = dispatch_office
    made = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于节能检查的通知",
            "formData": {"body": "x"},
        },
        DOC,
    )
    doc_id = made["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)

    inbox = await run(office, "director", "inbox", "Inbox", first=10)
    assert inbox["totalCount"] == 1
    task = inbox["edges"][0]["node"]
    assert task["document"]["title"] == "关于节能检查的通知"
    assert "APPROVE" in task["allowedActions"]
    assert await run(office, "director", "inbox", "Done") == {
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }

    page = await run(office, "writer", "document", "DocumentPage", id=doc_id)
    assert page["status"] == "IN_PROGRESS"
    assert [t["nodeName"] for t in page["tasks"]] == [task["nodeName"]]
    assert page["timeline"]["edges"][-1]["node"]["toStatus"] is not None

    stale = await run(
        office, "director", "approve", "ApproveTask", id=task["id"], expectedVersion=0
    )
    assert stale["errors"][0]["code"] == "CONFLICT"
    approved = await run(
        office,
        "director",
        "approve",
        "ApproveTask",
        id=task["id"],
        comment="同意",
        expectedVersion=page["version"],
    )
    assert approved["errors"] == []
    assert approved["task"]["outcome"] == "APPROVE"
    done = await run(office, "director", "inbox", "Done")
    assert [e["node"]["comment"] for e in done["edges"]] == ["同意"]


@pytest.mark.slow
async def test_exchange_from_dispatch_to_signing_for_it(
    dispatch_office: Office, gql: GraphQL, make_department: Any
) -> None:
    sender = dispatch_office
    receiver = await receiving_office(gql, make_department, parent=sender.department.tenant)
    doc_id, _ = await completed_dispatch(sender, gql, "关于汛期值班的通知")

    recipients = await run(sender, "admin", "exchange", "ExchangeRecipients")
    to = next(
        e["node"]
        for e in recipients["edges"]
        if e["node"]["code"] == receiver.department.tenant.code
    )
    assert to["relation"] == "DESCENDANT"
    sent = await run(
        sender,
        "admin",
        "exchange",
        "DispatchDocument",
        id=doc_id,
        recipients=[{"tenantId": to["id"]}],
    )
    assert sent["errors"] == []
    assert sent["dispatch"]["recipients"][0]["status"] == "DELIVERED"

    box = await run(receiver, "admin", "exchange", "IncomingBox")
    item = box["edges"][0]["node"]
    assert item["title"] == "关于汛期值班的通知"
    assert item["senderCode"] == sender.department.tenant.code
    signed = await run(receiver, "admin", "exchange", "SignIncomingItem", id=item["id"])
    assert signed["errors"] == []
    assert signed["incomingItem"]["status"] == "SIGNED"
    assert signed["incomingItem"]["document"]["status"] == "IN_PROGRESS"

    dispatches = await run(sender, "admin", "exchange", "Dispatches", documentId=doc_id)
    assert dispatches[0]["recipients"][0]["status"] == "SIGNED"


async def test_a_subscription_resumed_with_after_replays_what_was_missed(
    dispatch_office: Office, server: TestServer, http: aiohttp.ClientSession
) -> None:
    office = dispatch_office
    made = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": "关于会议安排的通知",
            "formData": {"body": "x"},
        },
        DOC,
    )
    doc_id = made["document"]["id"]
    start = str(await reader.latest_id(office.department.tenant.id))
    query = operations("subscriptions")["DocumentStatusChanged"]
    async with Socket.connect(http, ws_url(server), office.token("writer")) as live:
        op = await live.subscribe(query, {"documentId": doc_id, "after": start})
        await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
        first = (await live.events(op, 1))[0]
    assert first["payload"]["to"] == "in_progress"

    await office.ok("admin", "terminateDocument", {"id": doc_id}, DOC)
    async with Socket.connect(http, ws_url(server), office.token("writer")) as again:
        op = await again.subscribe(query, {"documentId": doc_id, "after": first["id"]})
        missed = await again.events(op, 1)
    assert [(e["payload"]["from"], e["payload"]["to"]) for e in missed] == [
        ("in_progress", "terminated")
    ]


def test_the_reference_embeds_every_example() -> None:
    page = apidocs.render(build_schema()._schema)
    for path in EXAMPLES.glob("*.graphql"):
        assert f'id="example-{path.stem}"' in page
        for operation in operations(path.stem):
            assert f"{operation}(" in page or f"{operation} {{" in page, operation
