"""A document in the search index: title, number, form fields and attachment names.

The fields some node of the document's flow hides each get a row of their own (keyed by the
field), so that a match there is only shown to those who may see the field
(`services/documents/visibility.py`); the main row holds everything else. Re-indexed in the
transaction of every change of that text (drafting, edits, attachments, numbers)."""

from __future__ import annotations

import workflow
from models.documents import Attachment, Document
from models.flows import FlowVersion
from models.scope import TenantScope
from services import indexing
from services.documents import visibility

KIND = "document"
INDEXED_ACTIONS = frozenset(
    {"created", "attachment_added", "number_allocated", "number_voided", "edited"}
)


def _at(data: object, path: str) -> object:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


async def index_document(scope: TenantScope, document: Document) -> None:
    version = await scope.query(FlowVersion).get(id=document.flow_version_id)
    hidden = sorted(visibility.hidden_somewhere(workflow.load_definition(version.definition)))
    names = (
        await scope.query(Attachment).filter(document_id=document.id).values_list("name", flat=True)
    )
    shown = visibility.without(document.form_data, hidden)
    content = "\n".join([document.number or "", *indexing.flatten(shown), *(str(n) for n in names)])
    entries = [indexing.Entry(document.title, content)]
    for field in hidden:
        text = "\n".join(indexing.flatten(_at(document.form_data, field)))
        if text:
            entries.append(indexing.Entry(document.title, text, field))
    await indexing.put(scope, KIND, document.id, entries)
