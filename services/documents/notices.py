"""What the runtime tells people (站内消息): tasks opened or handed to them, urges with their
comment, reminders before a deadline, and overdue tasks. The texts name the document and node."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

import workflow
from models.circulation import CirculationRecipient
from models.directory import User, UserStatus
from models.documents import Document, DocumentParticipant, Task
from models.notifications import NotificationKind
from models.scope import TenantScope
from services.documents import access
from services.inputs import parse_id
from services.notifications import notify
from services.uow import Work
from subscriptions.topics import global_id

MENTION = re.compile(r"@([\w.\-]+)")
"""@username or @显示名 (letters, CJK included, digits, dots, dashes)."""
HANDED_OVER = frozenset({"delegate", "transfer", "escalate", "handback"})
LOCAL = ZoneInfo("Asia/Shanghai")
KINDS = {
    "urge": NotificationKind.TASK_URGED,
    "remind": NotificationKind.TASK_REMINDER,
    "overdue": NotificationKind.TASK_OVERDUE,
}


def _node(flow: workflow.FlowDefinition, node_id: str) -> str:
    return flow.node(node_id).name or node_id if flow.has_node(node_id) else node_id


async def tasks_opened(
    work: Work,
    scope: TenantScope,
    document: Document,
    flow: workflow.FlowDefinition,
    tasks: list[workflow.Task],
) -> None:
    """新待办 for each new task's holder (or candidates); 转交 when it was handed over."""
    link = global_id("Document", document.id)
    for task in tasks:
        users = [
            k
            for u in ((task.assignee,) if task.assignee else task.candidates)
            if (k := parse_id(u))
        ]
        node = _node(flow, task.node_id)
        if task.origin in HANDED_OVER:
            kind, text = (
                NotificationKind.TASK_HANDED_OVER,
                f"《{document.title}》「{node}」已转交给您办理",
            )
        else:
            kind, text = (
                NotificationKind.TASK_ASSIGNED,
                f"您有新的待办：《{document.title}》「{node}」",
            )
        await notify(work, scope.tenant_id, users, kind, text, link)


async def task_notes(
    work: Work,
    scope: TenantScope,
    document: Document,
    flow: workflow.FlowDefinition,
    step: workflow.Step,
) -> None:
    """催办 (with the urger's comment), 到期提醒 and 超期, for the task's holders."""
    if not step.notifications:
        return
    tasks = {t.id: t for t in step.instance.tasks}
    link = global_id("Document", document.id)
    for note in step.notifications:
        task = tasks.get(note.task_id)
        node = _node(flow, task.node_id) if task else ""
        where = f"《{document.title}》「{node}」"
        if note.kind == "urge":
            text = f"催办：请尽快办理{where}" + (f"。留言：{note.comment}" if note.comment else "")
        elif note.kind == "remind":
            due = (
                task.due_at.astimezone(LOCAL).strftime("%m月%d日 %H:%M")
                if task and task.due_at
                else ""
            )
            text = f"{where}将于{due}到期，请及时办理"
        else:
            text = f"{where}已超过办理期限"
        users = [k for u in note.users if (k := parse_id(u))]
        await notify(work, scope.tenant_id, users, KINDS[note.kind], text, link)


async def mentioned(
    work: Work, scope: TenantScope, document: Document, comment: str, task: Task | None
) -> None:
    """@username or @显示名 in a comment tells that person, if she already reads the document
    as its initiator, a participant or a recipient of a circulation (an open one): a mention
    grants no access, so nobody learns of a document through it."""
    names = set(MENTION.findall(comment))
    if not names:
        return
    people: list[Any] = (
        await scope.query(User)
        .filter(Q(username__in=names) | Q(display_name__in=names), status=UserStatus.ACTIVE)
        .values_list("id", flat=True)
    )
    if not people:
        return
    readers: set[Any] = set(
        await scope.query(DocumentParticipant)
        .filter(document_id=document.id, user_id__in=list(people))
        .values_list("user_id", flat=True)
    ) | {document.initiator_id}
    if document.secrecy in access.OPEN_LEVELS:
        readers |= set(
            await scope.query(CirculationRecipient)
            .filter(document_id=document.id, user_id__in=list(people))
            .values_list("user_id", flat=True)
        )
    who = work.actor.name if work.actor and work.actor.name else "有人"
    where = f"《{document.title}》" + (f"「{task.node_name}」" if task and task.node_name else "")
    await notify(
        work,
        scope.tenant_id,
        [p for p in people if p in readers],
        NotificationKind.MENTIONED,
        f"{who}在{where}的意见中提到了您：{comment[:200]}",
        global_id("Document", document.id),
    )
