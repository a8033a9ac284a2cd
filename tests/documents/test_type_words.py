"""Document types, templates and creating a document, through GraphQL on PostgreSQL: each refusal
with its code, words and field, the audit entry each change leaves, and a document filed under
a unit of the writer's own that is not her primary one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models.audit import AuditEntry
from models.directory import Membership
from models.documents import Document
from tests.conftest import GraphQL, gid, key_of
from tests.documents.engine_flow import FLOW, engine_office
from tests.documents.support import DOC, Office
from tests.flows.support import FORM, document_type

TYPE = "documentType { id name numberPattern } "
TEMPLATE = "documentTemplate { id name } "


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


def refusals(result: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(e["code"], e["message"], e["field"]) for e in result["errors"]]


async def entries(office: Office, action: str, target: str) -> list[tuple[str, Any]]:
    rows = await AuditEntry.filter(
        tenant_id=office.department.tenant.id, action=action, target_id=str(key_of(target))
    ).order_by("seq")
    return [(row.target_type, row.data) for row in rows]


async def test_a_numbering_rule_is_checked_and_a_type_change_audited(office: Office) -> None:
    long = "〔{year}〕{seq}" + "号" * 200
    for pattern, refusal in (
        ("测发〔{year}〕号", ("INVALID", "A numbering rule must contain {seq}")),
        (long, ("TOO_LONG", "The numbering rule is too long")),
    ):
        refused = await office.mutate(
            "admin", "updateDocumentType", {"id": office.type_id, "numberPattern": pattern}, TYPE
        )
        assert refusals(refused) == [(*refusal, ["input", "numberPattern"])]
    edge = "{seq}" + "号" * 195
    changed = await office.ok(
        "admin", "updateDocumentType", {"id": office.type_id, "numberPattern": edge}, TYPE
    )
    assert changed["documentType"]["numberPattern"] == edge
    assert await entries(office, "document_type.updated", office.type_id) == [
        ("DocumentType", {"number_pattern": edge})
    ]


async def test_what_a_template_is_refused_for(office: Office) -> None:
    nameless = {"documentTypeId": office.type_id, "name": " "}
    assert refusals(await office.mutate("admin", "createDocumentTemplate", nameless, TEMPLATE)) == [
        ("REQUIRED", "name must not be empty", ["input", "name"])
    ]
    wrong_body = {"documentTypeId": office.type_id, "name": "通知", "defaults": {"amount": -1}}
    refused = await office.mutate("admin", "createDocumentTemplate", wrong_body, TEMPLATE)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID", ["input", "defaults", "amount"])
    ]
    assert refused["errors"][0]["message"]

    form = await office.ok(
        "admin",
        "createForm",
        {"key": "unpublished-form", "name": "草表", "jsonSchema": FORM},
        "form { id } ",
    )
    flow = await office.ok(
        "admin",
        "createFlow",
        {"key": "unpublished", "name": "草", "formId": form["form"]["id"], "definition": FLOW},
        "flow { id } ",
    )
    bare = await document_type(office, flow["flow"]["id"], code="bare")
    early = {"documentTypeId": bare, "name": "通知"}
    assert refusals(await office.mutate("admin", "createDocumentTemplate", early, TEMPLATE)) == [
        (
            "INVALID_STATE",
            "Publish the form of this type's flow before adding templates",
            ["input", "documentTypeId"],
        )
    ]
    # With the form published, the body is checked against its `body` field.
    short = {
        **FORM,
        "properties": {**FORM["properties"], "body": {"type": "string", "maxLength": 4}},
    }
    await office.ok(
        "admin",
        "updateFormDraft",
        {"id": form["form"]["id"], "jsonSchema": short},
        "form { id } ",
    )
    await office.ok("admin", "publishForm", {"id": form["form"]["id"]}, "version { status } ")
    long_body = {"documentTypeId": bare, "name": "通知", "body": "正文太长了"}
    refused = await office.mutate("admin", "createDocumentTemplate", long_body, TEMPLATE)
    assert refusals(refused) == [("INVALID", "'正文太长了' is too long", ["input", "body"])]


async def test_a_documents_creation_refusals_audit_and_unit(office: Office) -> None:
    unknown = {"documentTypeId": gid("DocumentType", uuid.uuid4()), "title": "报告"}
    assert refusals(await office.mutate("writer", "createDocument", unknown, DOC)) == [
        ("NOT_FOUND", "Document type not found", ["input", "documentTypeId"])
    ]
    finance = await office.ok(
        "admin", "createOrgUnit", {"name": "财务处", "code": "finance"}, "orgUnit { id } "
    )
    unit_id = key_of(finance["orgUnit"]["id"])
    writer = office.users["writer"]
    await Membership.create(
        tenant_id=office.department.tenant.id, user_id=writer.id, org_unit_id=unit_id
    )
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "报告", "orgUnitId": finance["orgUnit"]["id"]},
        DOC,
    )
    document_id = made["document"]["id"]
    stored = await Document.get(id=key_of(document_id))
    assert stored.org_unit_id == unit_id
    assert await entries(office, "document.created", document_id) == [
        ("Document", {"title": "报告"})
    ]
    not_json = {"id": document_id, "formData": [1]}
    assert refusals(await office.mutate("writer", "updateDocument", not_json, DOC)) == [
        ("INVALID", "formData must be a JSON object", ["input", "formData"])
    ]

    await office.ok("admin", "updateDocumentType", {"id": office.type_id, "active": False}, TYPE)
    retired = {"documentTypeId": office.type_id, "title": "报告"}
    assert refusals(await office.mutate("writer", "createDocument", retired, DOC)) == [
        ("NOT_FOUND", "Document type not found", ["input", "documentTypeId"])
    ]
