"""Deadlines and reminders of tasks (the services layer keeps them as timer rows and fires
them when due). A reminder notifies the holders; at the deadline the node's ``onTimeout``
applies: ``approve`` / ``reject`` act as the system, ``escalate`` asks for the ``escalateTo``
users and moves the task to them. A timer whose task closed meanwhile, or that is not due, is a
no-op."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from .definition import FlowDefinition, TimeoutAction
from .effects import Notification
from .state import Activation, Instance, InstanceStatus, Task
from .vocabulary import TaskStatus
from .working import Working

__all__ = ["due_task", "fire"]


def due_task(
    defn: FlowDefinition,
    instance: Instance,
    task_id: str,
    kind: Literal["deadline", "remind"],
    now: datetime,
) -> Task | None:
    """The open task whose ``kind`` timer is due now, else None (the timer is stale)."""
    task = next((t for t in instance.tasks if t.id == task_id), None)
    if instance.status is not InstanceStatus.RUNNING or task is None:
        return None
    if task.status is not TaskStatus.OPEN:
        return None
    due = task.remind_at if kind == "remind" else task.due_at
    if due is None or now < due:
        return None
    if kind == "deadline" and defn.node(task.node_id).deadline is None:
        return None
    return task


def fire(w: Working, task: Task, kind: Literal["deadline", "remind"]) -> None:
    """Apply the due ``kind`` timer of the open ``task``."""
    users = (task.assignee,) if task.assignee else task.candidates
    if kind == "remind":
        w.notifications.append(Notification("remind", task.id, users))
        w.event("task_reminded", None, node_id=task.node_id, task_id=task.id)
        return
    deadline = w.defn.node(task.node_id).deadline
    assert deadline is not None
    action = deadline.on_timeout
    w.event("task_overdue", None, node_id=task.node_id, task_id=task.id, on_timeout=action.value)
    task = w.update_task(task.id, overdue=True)
    node = w.behaviour(task.node_id)
    if action is TimeoutAction.APPROVE:
        w.touch(None)
        node.approve(w, task, None, "approved automatically at the deadline")
    elif action is TimeoutAction.REJECT:
        w.touch(None)
        if task.return_stack:  # a delegate's deadline hands back; the holder decides
            node.approve(w, task, None, "handed back at the deadline")
        else:
            node.reject(w, task, None, "rejected automatically at the deadline")
    elif action is TimeoutAction.ESCALATE and deadline.escalate_to is not None:
        pid = f"{task.id}:escalate"
        w.pending[pid] = Activation(
            id=pid,
            node_id=task.node_id,
            token_id=task.token_id,
            rule=deadline.escalate_to,
            purpose="escalate",
            task_id=task.id,
        )
        w.new_activations.append(pid)
    else:
        w.notifications.append(Notification("overdue", task.id, users))
