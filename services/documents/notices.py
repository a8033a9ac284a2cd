"""What the runtime tells people (站内消息): tasks opened or handed to them, urges with their
comment, reminders before a deadline, and overdue tasks. The texts name the document and node."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import workflow
from models.documents import Document
from models.notifications import NotificationKind
from models.scope import TenantScope
from services.inputs import parse_id
from services.notifications import notify
from services.uow import Work
from subscriptions.topics import global_id

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
