"""One check per action. Its handler runs it first and :func:`allowed_actions` asks it, so a
button offered is an action that succeeds (given valid arguments: a user, a return target,
signers)."""

from __future__ import annotations

from collections.abc import Callable

from i18n import _

from .definition import FlowDefinition
from .errors import EngineError, label, refuse
from .returns import return_targets
from .signers import check_may_remove
from .state import Instance, InstanceStatus, Task
from .takeback import check_take_back
from .vocabulary import DocumentAction, TaskAction, TaskStatus

__all__ = [
    "allowed_actions",
    "check_document_action",
    "check_running",
    "check_task_action",
    "open_task",
]


def check_running(instance: Instance) -> None:
    if instance.status is not InstanceStatus.RUNNING:
        raise EngineError(
            "NOT_RUNNING", _("The document is already {status}", status=instance.status.value)
        )


def open_task(defn: FlowDefinition, instance: Instance, task_id: str) -> Task:
    t = next((x for x in instance.tasks if x.id == task_id), None)
    if t is None:
        raise EngineError("UNKNOWN_TASK", _("No such task"), task_id=task_id)
    if t.status is not TaskStatus.OPEN:
        raise EngineError(
            "TASK_CLOSED",
            _(
                "The task at {label} is already {status}",
                label=label(defn, t.node_id),
                status=t.status.value,
            ),
            task_id=t.id,
            node_id=t.node_id,
        )
    return t


def _claimable(t: Task) -> bool:
    return t.pool or len(t.candidates) > 1


def _holds(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if t.can_act(user):
        return
    if t.pool and t.assignee is None and user in t.candidates:
        raise refuse(defn, t, "NOT_CLAIMED", _("Claim the task at {node} before acting on it"))
    raise refuse(defn, t, "NOT_ASSIGNEE", _("The task at {node} is not yours"))


def _may_approve(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _holds(defn, instance, t, user)
    if user == instance.initiator and defn.separates_duties(t.node_id):
        raise refuse(
            defn,
            t,
            "SEPARATION_OF_DUTIES",
            _(
                "{node} separates duties: the initiator may not approve her own document there; "
                "transfer or delegate the task"
            ),
        )


def _may_reject(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _holds(defn, instance, t, user)
    if t.return_stack:
        raise refuse(
            defn,
            t,
            "INVALID_ACTION",
            _(
                "The task at {node} was handed to you for an opinion: approve to hand it back; "
                "rejecting or returning it is for whoever handed it to you"
            ),
        )


def _may_return(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _may_reject(defn, instance, t, user)
    if not defn.node(t.node_id).allow_return:
        raise refuse(defn, t, "INVALID_ACTION", _("{node} does not allow returns"))
    if not return_targets(defn, instance, t.id):
        raise refuse(defn, t, "INVALID_TARGET", _("There is no earlier step to return {node} to"))


def _may_delegate(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _holds(defn, instance, t, user)
    if not defn.node(t.node_id).allow_delegate:
        raise refuse(
            defn, t, "INVALID_ACTION", _("{node} does not allow delegating or transferring")
        )


def _may_claim(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if not _claimable(t):
        raise refuse(defn, t, "INVALID_ACTION", _("The task at {node} is not one to claim"))
    if user not in t.candidates:
        raise refuse(defn, t, "NOT_ASSIGNEE", _("You may not claim the task at {node}"))
    if t.assignee is not None:
        raise refuse(defn, t, "ALREADY_CLAIMED", _("The task at {node} is already claimed"))


def _may_unclaim(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if not _claimable(t):
        raise refuse(defn, t, "INVALID_ACTION", _("The task at {node} is not one to claim"))
    if t.assignee is None:
        raise refuse(defn, t, "NOT_CLAIMED", _("Nobody has claimed the task at {node}"))
    if t.assignee != user:
        raise refuse(defn, t, "NOT_ASSIGNEE", _("Someone else claimed the task at {node}"))


def _may_add_signers(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _holds(defn, instance, t, user)
    if not defn.node(t.node_id).allow_add_signer:
        raise refuse(defn, t, "INVALID_ACTION", _("{node} does not allow adding signers"))


def _may_open(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if not (user == t.assignee or (t.assignee is None and user in t.candidates)):
        raise refuse(defn, t, "NOT_ASSIGNEE", _("The task at {node} is not yours"))
    if t.opened_at is not None:
        raise refuse(defn, t, "ALREADY_OPENED", _("The task at {node} is already open"))


def _may_take_back(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    check_take_back(defn, instance, t, user)


_TASK_CHECKS: dict[TaskAction, Callable[[FlowDefinition, Instance, Task, str], None]] = {
    TaskAction.APPROVE: _may_approve,
    TaskAction.REJECT: _may_reject,
    TaskAction.RETURN: _may_return,
    TaskAction.DELEGATE: _may_delegate,
    TaskAction.TRANSFER: _may_delegate,
    TaskAction.CLAIM: _may_claim,
    TaskAction.UNCLAIM: _may_unclaim,
    TaskAction.ADD_SIGNERS: _may_add_signers,
    TaskAction.OPEN: _may_open,
}


def check_task_action(
    defn: FlowDefinition, instance: Instance, action: TaskAction, task_id: str, user: str
) -> Task:
    """The task (open, but for 撤回 the completed one), if ``user`` may take ``action`` on it
    now; else EngineError."""
    check_running(instance)
    if action is TaskAction.TAKE_BACK:
        t = next((x for x in instance.tasks if x.id == task_id), None)
        if t is None:
            raise EngineError("UNKNOWN_TASK", _("No such task"), task_id=task_id)
        _may_take_back(defn, instance, t, user)
        return t
    t = open_task(defn, instance, task_id)
    _TASK_CHECKS[action](defn, instance, t, user)
    return t


def check_document_action(
    defn: FlowDefinition,
    instance: Instance,
    action: DocumentAction,
    user: str,
    manager: bool = False,
) -> None:
    """Whether the engine lets ``user`` (a document manager when ``manager``) withdraw, urge,
    terminate, jump or remove signers now (permissions are the caller's: who may urge,
    terminate or jump is not the flow's business); else EngineError."""
    check_running(instance)
    if action is DocumentAction.WITHDRAW:
        if user != instance.initiator:
            raise EngineError("NOT_INITIATOR", _("Only the initiator withdraws a document"))
        if not instance.withdrawable:
            raise EngineError(
                "CANNOT_WITHDRAW", _("Someone has acted on the document since you sent it")
            )
    elif action is DocumentAction.URGE:
        if not instance.open_tasks:
            raise EngineError("INVALID_ACTION", _("No task is open to urge"))
    elif action is DocumentAction.REMOVE_SIGNERS:
        check_may_remove(defn, instance, user, manager)
    elif action not in (DocumentAction.TERMINATE, DocumentAction.JUMP):
        raise EngineError(
            "INVALID_ACTION", _("The flow does not {action} documents", action=action.value)
        )


def allowed_actions(
    defn: FlowDefinition, instance: Instance, task_id: str, user: str
) -> list[TaskAction]:
    """The actions ``user`` may take on ``task_id`` now: those whose check passes."""
    allowed = []
    for action in TaskAction:
        try:
            check_task_action(defn, instance, action, task_id, user)
        except EngineError:
            continue
        allowed.append(action)
    return allowed
