"""A form and a draft flow designed through GraphQL, a document type on it, a started document."""

from __future__ import annotations

from typing import Any

from tests.documents.support import DOC, Office

FORM = {
    "type": "object",
    "properties": {
        "amount": {"type": "number", "minimum": 0},
        "body": {"type": "string"},
        "opinion": {"type": "string"},
    },
    "required": ["amount"],
}


FLOW_OUT = "flow { id key publishedVersion { number } draft { number } } "


async def design(
    office: Office, definition: dict[str, Any], key: str = "dispatch"
) -> dict[str, Any]:
    """Form + flow (draft) through GraphQL; returns the flow payload."""
    form = await office.ok(
        "admin",
        "createForm",
        {"key": f"{key}-form", "name": "发文单", "jsonSchema": FORM},
        "form { id } version { number status } ",
    )
    await office.ok("admin", "publishForm", {"id": form["form"]["id"]}, "version { status } ")
    flow: dict[str, Any] = await office.ok(
        "admin",
        "createFlow",
        {"key": key, "name": "发文", "formId": form["form"]["id"], "definition": definition},
        FLOW_OUT,
    )
    return flow


async def document_type(office: Office, flow_id: str, code: str = "fw") -> str:
    made = await office.ok(
        "admin",
        "createDocumentType",
        {
            "code": code,
            "name": "发文",
            "kind": "DISPATCH",
            "flowId": flow_id,
            "numberPattern": "测发〔{year}〕{seq}号",
        },
        "documentType { id } ",
    )
    type_id: str = made["documentType"]["id"]
    return type_id


async def start_document(office: Office, type_id: str, amount: float) -> dict[str, Any]:
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": type_id, "title": "关于采购的请示", "formData": {"amount": amount}},
        DOC,
    )
    document_id = made["document"]["id"]
    submitted = await office.ok("writer", "submitDocument", {"id": document_id}, DOC)
    assert submitted["document"]["status"] == "IN_PROGRESS"
    document: dict[str, Any] = submitted["document"]
    return document
