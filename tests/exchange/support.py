"""Exchange helpers: a completed 发文 ready to dispatch, a receiving department, and what the
tests select."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import GraphQL
from tests.documents.support import DOC, Office, staff, upload

DISPATCH = (
    "dispatch { id title number publicFields attachments { name sha256 } "
    "recipients { id receiverCode role status deliveredAt signedAt returnedAt returnReason "
    "deliveryError } } "
)


INBOX = """query($status: IncomingStatus) { incomingItems(filter: {status: $status}, first: 20) {
  edges { node { id status role title number senderName senderCode urgency publicFields
    attachments { id name sha256 downloadUrl } document { id } } } } }"""


async def completed_dispatch(office: Office, gql: GraphQL, title: str) -> tuple[str, bytes]:
    """A 发文 with public and internal fields and one attachment, run to ARCHIVED."""
    created = await office.ok(
        "writer",
        "createDocument",
        {
            "documentTypeId": office.type_id,
            "title": title,
            "urgency": "URGENT",
            "formData": {"subject": "安全 检查", "body": "各区：请于月底前完成检查。"},
        },
        DOC,
    )
    doc_id = created["document"]["id"]
    content = f"{title} 附件 {uuid.uuid4()}".encode()
    status, body = await upload(
        gql.url, office.token("writer"), doc_id, "检查表.txt", content, "text/plain"
    )
    assert status == 200
    assert body["data"]["uploadAttachment"]["errors"] == []
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
    await office.approve("director", doc_id, formData={"reviewOpinion": "内部：注意措辞"})
    await office.approve("leader", doc_id, formData={"signOpinion": "同意，内部掌握"})
    await office.approve("clerk", doc_id)
    await office.approve("clerk", doc_id)
    done = await office.approve("clerk2", doc_id)
    assert done["document"]["status"] == "ARCHIVED"
    return doc_id, content


async def receiving_office(gql: GraphQL, make_department: Any, parent: Any = None) -> Office:
    """A staffed department with the platform's 收文 template installed and published."""
    office = await staff(await make_department(parent=parent), gql)
    installed = await office.ok(
        "admin",
        "installTemplate",
        {"key": "receipt"},
        "documentType { id } flow { publishedVersion { number } } ",
    )
    assert installed["flow"]["publishedVersion"] == {"number": 1}
    office.type_id = installed["documentType"]["id"]
    return office
