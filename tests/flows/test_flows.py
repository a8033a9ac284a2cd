"""Zero-code forms and flows through GraphQL: a 发文 flow with an exclusive gateway, a parallel
countersign and a return (退回) runs end to end; bad definitions are refused at publish with the
node or transition named; a bpmn-js file imports and runs; concurrent approvals of one task
give exactly one success."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from models.flows import FlowDefinition
from tests.conftest import FIXTURES, GraphQL
from tests.documents.support import DOC, TASK, Office, staff
from tests.flows.support import FLOW_OUT, design, document_type, start_document

FLOW: dict[str, Any] = {
    "id": "dispatch-gw",
    "name": "发文（会签）",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "draft",
            "name": "拟稿",
            "type": "task",
            "assignee": {"kind": "previous_handler"},
            "fieldAccess": {"amount": "editable", "body": "editable"},
        },
        {"id": "gw", "name": "金额", "type": "exclusive_gateway"},
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "fieldAccess": {"opinion": "editable", "amount": "hidden"},
        },
        {
            "id": "cs",
            "name": "会签",
            "type": "countersign",
            "assignee": {"kind": "users", "ids": ["finance_head", "legal_head", "hr_head"]},
            "countersign": {"mode": "all", "order": "parallel"},
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
            "allocateNumber": True,
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "t1", "source": "start", "target": "draft"},
        {"id": "t2", "source": "draft", "target": "gw"},
        {"id": "t3", "source": "gw", "target": "cs", "condition": "form.amount > 10000"},
        {"id": "t4", "source": "gw", "target": "review", "default": True},
        {"id": "t5", "source": "review", "target": "sign"},
        {"id": "t6", "source": "cs", "target": "sign"},
        {"id": "t7", "source": "sign", "target": "end"},
    ],
}


@pytest.fixture
async def office(gql: GraphQL, make_department) -> Office:
    return await staff(await make_department(), gql)


async def test_dispatch_with_gateway_countersign_and_return_runs_end_to_end(office: Office):
    flow = await design(office, FLOW)
    published = await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, FLOW_OUT)
    assert published["flow"]["publishedVersion"] == {"number": 1}
    type_id = await document_type(office, flow["flow"]["id"])
    document = await start_document(office, type_id, 50_000)
    doc_id = document["id"]

    for head in ("finance_head", "legal_head"):
        await office.approve(head, doc_id, comment="同意")
    waiting = await office.run(
        "writer",
        "query($id: ID!) { node(id: $id) { ... on Document { currentNodes { id } } } }",
        {"id": doc_id},
    )
    assert waiting.data["node"]["currentNodes"] == [{"id": "cs"}], "all three must approve"
    await office.approve("hr_head", doc_id)

    sign = await office.open_task("leader", doc_id)
    assert "RETURN" in sign["allowedActions"]
    returned = await office.ok(
        "leader",
        "returnTask",
        {"id": sign["id"], "targetNodeId": "draft", "comment": "金额过大"},
        TASK,
    )
    assert returned["task"]["outcome"] == "RETURN"
    draft = await office.open_task("writer", doc_id)
    assert draft["nodeId"] == "draft"
    refused = await office.mutate(
        "writer", "approveTask", {"id": draft["id"], "formData": {"opinion": "x"}}, TASK
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"], "opinion is not editable here"
    await office.ok("writer", "approveTask", {"id": draft["id"], "formData": {"amount": 800}}, TASK)

    review = await office.run(
        "director",
        "query($id: ID!) { node(id: $id) { ... on Document { formData } } }",
        {"id": doc_id},
    )
    assert "amount" not in review.data["node"]["formData"], "hidden at the review node"
    await office.approve("director", doc_id, formData={"opinion": "可"})
    done = await office.approve("leader", doc_id)
    assert done["document"]["status"] == "COMPLETED"
    assert done["document"]["number"].startswith("测发〔")

    trail = await office.run(
        "writer",
        "query($id: ID!) { node(id: $id) { ... on Document { formData timeline(first: 50) "
        "{ edges { node { action nodeId fromStatus toStatus comment changes "
        "actor { username } } } } } } }",
        {"id": doc_id},
    )
    steps = [e["node"] for e in trail.data["node"]["timeline"]["edges"]]
    assert [(s["action"], s["nodeId"]) for s in steps] == [
        ("created", None),
        ("submitted", None),
        ("draft_completed", "draft"),
        ("approve", "cs"),
        ("approve", "cs"),
        ("approve", "cs"),
        ("return", "sign"),
        ("approve", "draft"),
        ("approve", "review"),
        ("number_allocated", None),
        ("approve", "sign"),
    ]
    assert steps[6]["comment"] == "金额过大"
    assert steps[7]["changes"] == {"amount": [50000, 800]}
    assert steps[-1]["toStatus"] == "completed"
    assert trail.data["node"]["formData"] == {"amount": 800, "opinion": "可"}


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (
            lambda d: d["nodes"].append(
                {
                    "id": "orphan",
                    "name": "孤立",
                    "type": "task",
                    "assignee": {"kind": "previous_handler"},
                }
            ),
            ["nodes", "orphan"],
            "reach",
        ),
        (
            lambda d: d["transitions"][2].update(condition="form.missing > 1"),
            ["transitions", "t3"],
            "missing",
        ),
        (
            lambda d: d["transitions"][2].update(condition="__import__('os').system('id')"),
            ["transitions", "t3"],
            "__",
        ),
        (
            lambda d: d["nodes"][3].update(assignee={"kind": "role", "roleCode": "nobody_has_it"}),
            ["nodes", "review"],
            "nobody_has_it",
        ),
    ],
)
async def test_bad_definitions_are_refused_at_publish_with_the_reason(
    office: Office, change: Any, where: list[str], reason: str
) -> None:
    definition = copy.deepcopy(FLOW)
    change(definition)
    flow = await design(office, definition)
    result = await office.mutate("admin", "publishFlow", {"id": flow["flow"]["id"]}, FLOW_OUT)
    assert result["flow"] is None
    at_fault = [e for e in result["errors"] if e["field"] == ["input", "definition", *where]]
    assert at_fault, result["errors"]
    assert any(reason in e["message"] for e in at_fault), at_fault
    row = await office.department.scope.query(FlowDefinition).get(key="dispatch")
    assert row.latest_published == 0, "nothing was published"


async def test_a_bpmn_js_file_imports_and_runs(office: Office) -> None:
    placeholder = {"nodes": [], "transitions": []}
    flow = await design(office, placeholder, key="bpmn")
    xml = (FIXTURES / "dispatch-bpmnjs.bpmn").read_text()
    imported = await office.ok(
        "admin",
        "importBpmn",
        {"id": flow["flow"]["id"], "xml": xml},
        "version { number definition bpmnXml } ",
    )
    node_ids = {n["id"] for n in imported["version"]["definition"]["nodes"]}
    assert {"draft", "amount_check", "countersign", "signoff"} <= node_ids
    assert "bpmndi:BPMNShape" in imported["version"]["bpmnXml"]
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, FLOW_OUT)
    type_id = await document_type(office, flow["flow"]["id"], code="bpmn")

    document = await start_document(office, type_id, 20_000)
    for head in ("finance_head", "legal_head", "hr_head"):
        await office.approve(head, document["id"])
    done = await office.approve("leader", document["id"])
    assert done["document"]["status"] == "COMPLETED", "no archive node: it stays completed"
    assert done["document"]["number"]
    refused = await office.mutate("leader", "archiveDocument", {"id": document["id"]}, DOC)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    filed = await office.ok("writer", "archiveDocument", {"id": document["id"]}, DOC)
    assert filed["document"]["status"] == "ARCHIVED", "archiveDocument files it by hand"

    unsupported = (FIXTURES / "unsupported-bpmnjs.bpmn").read_text()
    refused = await office.mutate(
        "admin", "importBpmn", {"id": flow["flow"]["id"], "xml": unsupported}, "version { id } "
    )
    assert refused["version"] is None
    assert refused["errors"], "unsupported elements are reported"
    assert all(e["code"] == "INVALID" for e in refused["errors"])


async def test_fifty_concurrent_approvals_of_one_task_give_one_success(office: Office) -> None:
    flow = await design(office, FLOW)
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, FLOW_OUT)
    type_id = await document_type(office, flow["flow"]["id"])
    document = await start_document(office, type_id, 100)
    task = await office.open_task("director", document["id"])

    results = await asyncio.gather(
        *[office.mutate("director", "approveTask", {"id": task["id"]}, TASK) for _ in range(50)]
    )
    successes = [r for r in results if not r["errors"]]
    assert len(successes) == 1
    assert {e["code"] for r in results if r["errors"] for e in r["errors"]} == {"CONFLICT"}
    final = await office.run(
        "writer",
        "query($id: ID!) { node(id: $id) { ... on Document { version currentNodes { id } "
        "timeline(first: 50) { edges { node { action nodeId } } } } } }",
        {"id": document["id"]},
    )
    node = final.data["node"]
    assert node["currentNodes"] == [{"id": "sign"}]
    approvals = [e for e in node["timeline"]["edges"] if e["node"]["nodeId"] == "review"]
    assert len(approvals) == 1


async def test_form_data_errors_point_at_the_field(office: Office) -> None:
    flow = await design(office, FLOW)
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, FLOW_OUT)
    type_id = await document_type(office, flow["flow"]["id"])
    wrong = await office.mutate(
        "writer",
        "createDocument",
        {"documentTypeId": type_id, "title": "请示", "formData": {"amount": "很多"}},
        DOC,
    )
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [
        ("INVALID", ["input", "formData", "amount"])
    ]
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": type_id, "title": "请示", "formData": {}},
        DOC,
    )
    incomplete = await office.mutate(
        "writer", "submitDocument", {"id": made["document"]["id"]}, DOC
    )
    assert [(e["code"], e["field"]) for e in incomplete["errors"]] == [
        ("REQUIRED", ["input", "formData", "amount"])
    ]
    still = await office.run(
        "writer",
        "query($id: ID!) { node(id: $id) { ... on Document { status version } } }",
        {"id": made["document"]["id"]},
    )
    assert still.data["node"] == {"status": "DRAFT", "version": 1}

    bad_schema = await office.mutate(
        "admin",
        "createForm",
        {
            "key": "broken",
            "name": "坏表单",
            "jsonSchema": {"type": "object", "properties": {"x": {"type": 5}}},
        },
        "form { id } ",
    )
    assert bad_schema["errors"][0]["code"] == "INVALID"
    assert bad_schema["errors"][0]["field"][:2] == ["input", "jsonSchema"]
