"""Documents in known states, for statistics to count."""

from __future__ import annotations

from auth.viewer import actor_for
from models.documents import Document, DocumentType
from services.documents import lifecycle
from tests.conftest import gid
from tests.documents.support import Office


async def run_documents(office: Office) -> list[Document]:
    """Five drafts: four submitted, two of those approved at review, one of them signed."""
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    documents = []
    for i in range(5):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"统计{i}", form_data={"body": "x"}
        )
        if i < 4:
            await lifecycle.submit_document(writer, id=document.id)
        documents.append(document)
    for document in documents[:2]:
        await office.approve("director", gid("Document", document.id))
    await office.approve("leader", gid("Document", documents[0].id))
    return documents
