"""Sending a document to people to read (传阅 / 抄送): the one primitive both a reader's
circulation (`services/circulation/`) and a flow node's `cc` rule use. It lives beside the
runtime because the runtime fires `cc` rules, and `services/circulation` builds on the
documents (their read rule), not the other way round."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import workflow
from models.circulation import Circulation, CirculationRecipient, CirculationSource
from models.documents import Document
from models.notifications import NotificationKind
from models.scope import TenantScope
from services.directory import active_user_ids
from services.documents import access, assignees
from services.documents.trail import trail
from services.inputs import parse_id
from services.notifications import notify
from services.uow import Work
from subscriptions.topics import global_id


@dataclass(frozen=True)
class Copy:
    """A node's `cc` rules found these users when it completed."""

    node_id: str
    node_name: str
    users: tuple[uuid.UUID, ...]


async def copies_of(
    scope: TenantScope, flow: workflow.FlowDefinition, document: Document, step: workflow.Step
) -> list[Copy]:
    """The copies the nodes this step approved ask for (readers only: a classified document
    is copied to its initiator and participants alone)."""
    found = []
    for done in step.completed_nodes:
        node = flow.node(done.node_id)
        if done.outcome != "approved" or not node.cc:
            continue
        names: list[str] = []
        for rule in node.cc:
            users = workflow.copy_users(rule, done.handlers, document.form_data)
            if users is None:
                users = tuple(await assignees.directory_users(scope, document, rule))
            names += users
        active = await active_user_ids(scope, dict.fromkeys(names))
        ids = [k for n in dict.fromkeys(active.values()) if (k := parse_id(n))]
        readers = await access.may_receive(document, ids)
        kept = tuple(u for u in ids if u in readers)
        if kept:
            found.append(Copy(node.id, node.name or node.id, kept))
    return found


async def send(
    work: Work,
    scope: TenantScope,
    document: Document,
    users: Sequence[uuid.UUID],
    *,
    sender_id: uuid.UUID | None,
    source: CirculationSource,
    note: str = "",
    node: tuple[str, str] | None = None,
    allow_pass_on: bool = True,
    parent_id: uuid.UUID | None = None,
) -> Circulation:
    """Circulate `document` (locked by the caller) to `users`, who may all read it: the
    circulation, a 待阅 copy each, the trail, the audit entry and their notifications."""
    circulation = await scope.create(
        Circulation,
        document_id=document.id,
        sender_id=sender_id,
        source=source,
        note=note,
        node_id=node[0] if node else None,
        node_name=node[1] if node else None,
        allow_pass_on=allow_pass_on,
        parent_id=parent_id,
    )
    await scope.bulk_create(
        CirculationRecipient,
        [
            CirculationRecipient(circulation_id=circulation.id, document_id=document.id, user_id=u)
            for u in users
        ],
    )
    ids = [str(u) for u in users]
    await trail(
        scope,
        document,
        "circulated",
        actor_id=sender_id,
        node_id=node[0] if node else None,
        node_name=node[1] if node else None,
        comment=note or None,
        data={"circulationId": str(circulation.id), "source": source.value, "recipients": ids},
    )
    work.audit(
        scope.tenant_id,
        f"circulation.{source.value}",
        "Circulation",
        circulation.id,
        {"document": str(document.id), "title": document.title, "recipients": ids},
    )
    where = f"（{node[1]}抄送）" if node else ""
    text = f"请阅《{document.title}》{where}" + (f"：{note}" if note else "")
    await notify(
        work,
        scope.tenant_id,
        users,
        NotificationKind.CIRCULATION_RECEIVED,
        text,
        global_id("Document", document.id),
    )
    return circulation


async def send_all(
    work: Work,
    scope: TenantScope,
    document: Document,
    found: Sequence[Copy],
    sender_id: uuid.UUID | None,
) -> None:
    """The copies nodes' `cc` rules asked for, once the action is in the trail."""
    for copy in found:
        await send(
            work,
            scope,
            document,
            copy.users,
            sender_id=sender_id,
            source=CirculationSource.FLOW,
            node=(copy.node_id, copy.node_name),
        )
