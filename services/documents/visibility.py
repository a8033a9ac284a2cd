"""Hidden stays hidden (字段权限 `hidden`), in one place for every path that shows form values.

A field that some node of the document's flow marks hidden is shown only to the initiator,
holders of `documents.manage`, and users who have stood at a node of this document where the
field is not hidden. Standing at a node = held, were offered (pool, candidates) or acted on a
task there: delegated, transferred, handed back, escalated and countersign tasks are task rows
like any other, so delegator and delegate both stand there. Fields hidden at no node follow
the document's read rule alone. Field names may be paths (`contact.phone`): hiding a field
hides what is below it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from tortoise.expressions import Q, Subquery

import workflow
from models.access import Actor, Permission
from models.documents import Document, Task, TaskCandidate
from models.scope import TenantScope

Standing = frozenset[str]
"""The node ids of one document where the viewer stood."""


def hidden_somewhere(flow: workflow.FlowDefinition) -> frozenset[str]:
    """Every field some node of the flow marks hidden."""
    return frozenset(
        name
        for node in flow.nodes
        for name, mode in node.field_access.items()
        if mode == workflow.FieldAccess.HIDDEN
    )


def sees_everything(actor: Actor | None, document: Document) -> bool:
    return actor is not None and (
        actor.user_id == document.initiator_id or actor.has(Permission.DOCUMENTS_MANAGE)
    )


def concealed(
    actor: Actor | None,
    document: Document,
    flow: workflow.FlowDefinition,
    standing: Collection[str],
) -> frozenset[str]:
    """The fields to remove from what `actor` is shown of `document`."""
    hidden = hidden_somewhere(flow)
    if not hidden or sees_everything(actor, document):
        return frozenset()
    nodes = [flow.node(n) for n in standing if flow.has_node(n)]
    return frozenset(f for f in hidden if all(_hidden_at(node, f) for node in nodes))


def _hidden_at(node: workflow.Node, path: str) -> bool:
    parts = path.split(".")
    return any(
        node.field_access.get(".".join(parts[:i])) == workflow.FieldAccess.HIDDEN
        for i in range(1, len(parts) + 1)
    )


def without(data: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """`data` without the fields at `names` (paths reach into nested objects)."""
    kept = dict(data)
    for name in names:
        head, _, rest = name.partition(".")
        if head not in kept:
            continue
        if not rest:
            del kept[head]
        elif isinstance(kept[head], Mapping):
            kept[head] = without(kept[head], [rest])
    return kept


def changes_without(changes: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """A trail entry's `{field: [old, new]}` without the fields at `names`."""
    kept = {k: v for k, v in changes.items() if k not in names}
    for name in names:
        head, _, rest = name.partition(".")
        if rest and isinstance(kept.get(head), list):
            kept[head] = [without(v, [rest]) if isinstance(v, Mapping) else v for v in kept[head]]
    return kept


async def standings(
    scope: TenantScope, user_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Standing]:
    """Per document, the nodes where the user stood: one statement for every document."""
    offered = Subquery(scope.query(TaskCandidate).filter(user_id=user_id).values("task_id"))
    rows = (
        await scope.query(Task)
        .filter(
            Q(assignee_id=user_id)
            | Q(acted_by_id=user_id)
            | Q(delegated_from_id=user_id)
            | Q(id__in=offered),
            document_id__in=document_ids,
        )
        .distinct()
        .values_list("document_id", "node_id")
    )
    nodes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for document_id, node_id in rows:
        nodes[document_id].add(node_id)
    return {k: frozenset(v) for k, v in nodes.items()}
