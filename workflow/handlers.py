"""What each action does to a working copy. Every handler runs its action's check first
(:mod:`workflow.checks`) and leaves what depends on the node type to the node's behaviour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from i18n import _

from .actions import (
    AddSigner,
    Approve,
    Claim,
    Delegate,
    Jump,
    Open,
    Reject,
    RemoveSigners,
    Return,
    Submit,
    TakeBack,
    Terminate,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
)
from .checks import check_document_action, check_task_action, open_task
from .effects import Notification
from .errors import EngineError, label, refuse
from .jumps import jump
from .nodes import complete
from .returns import find_return_visit, return_to
from .signers import remove_signers
from .state import InstanceStatus, Task
from .takeback import take_back
from .vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus
from .working import Working, dedupe

__all__ = ["HANDLERS"]


def _approve(w: Working, a: Approve | Submit) -> None:
    assert a.task_id is not None
    t = check_task_action(w.defn, w.orig, TaskAction.APPROVE, a.task_id, a.actor)
    w.touch(a.actor)
    w.behaviour(t.node_id).approve(w, t, a.actor, a.comment)


def _submit(w: Working, a: Submit) -> None:
    if a.actor != w.orig.initiator:
        raise EngineError("NOT_INITIATOR", _("Only the initiator submits the draft"))
    task_id = a.task_id
    if task_id is None:
        mine = [t for t in w.orig.open_tasks if t.can_act(a.actor)]
        if not mine:
            raise EngineError("INVALID_ACTION", _("You hold no open draft task"))
        task_id = mine[0].id
    w.event("submitted", a.actor, task_id=task_id)
    _approve(w, Submit(a.actor, task_id, a.comment))


def _reject(w: Working, a: Reject) -> None:
    t = check_task_action(w.defn, w.orig, TaskAction.REJECT, a.task_id, a.actor)
    w.touch(a.actor)
    w.behaviour(t.node_id).reject(w, t, a.actor, a.comment)


def _return(w: Working, a: Return) -> None:
    t = check_task_action(w.defn, w.orig, TaskAction.RETURN, a.task_id, a.actor)
    target = None
    if a.target_node != t.node_id:
        target = find_return_visit(w, w.tokens[t.token_id], a.target_node or None, t.node_id)
    if target is None:
        where = label(w.defn, a.target_node) if a.target_node else _("that step")
        raise refuse(
            w.defn,
            t,
            "INVALID_TARGET",
            _(
                "{node} cannot return to {where}: choose a step the document came through",
                where=where,
            ),
        )
    w.touch(a.actor)
    complete(w, t, TaskOutcome.RETURN, a.actor, a.comment, target=target.node_id)
    return_to(w, target, a.actor)


def _hand_over(w: Working, action: TaskAction, a: Delegate | Transfer) -> Task:
    """The task ``a`` hands to ``a.to_user``, checked, and closed as handed over."""
    t = check_task_action(w.defn, w.orig, action, a.task_id, a.actor)
    if not isinstance(a.to_user, str) or not a.to_user:
        raise refuse(w.defn, t, "INVALID_TARGET", _("Name someone to hand the task to"))
    if a.to_user == a.actor:
        raise refuse(w.defn, t, "INVALID_TARGET", _("You cannot hand a task to yourself"))
    _check_separation(w, t, (a.to_user,))
    w.behaviour(t.node_id).check_handover(w, t, a.to_user)
    w.touch(a.actor)
    status = TaskStatus.DELEGATED if action is TaskAction.DELEGATE else TaskStatus.TRANSFERRED
    w.close_task(t.id, status, actor=a.actor, comment=a.comment)
    return t


def _delegate(w: Working, a: Delegate) -> None:
    t = _hand_over(w, TaskAction.DELEGATE, a)
    if a.return_after:
        w.clone_task(
            t,
            assignee=a.to_user,
            candidates=(a.to_user,),
            after=(),
            return_stack=(t.id,),
            origin="delegate",
            from_user=a.actor,
        )
    else:
        w.hand_to(t, (a.to_user,), "delegate", a.actor)
    w.event(
        "task_delegated",
        a.actor,
        node_id=t.node_id,
        task_id=t.id,
        to=a.to_user,
        return_after=a.return_after,
    )


def _transfer(w: Working, a: Transfer) -> None:
    t = _hand_over(w, TaskAction.TRANSFER, a)
    w.hand_to(t, (a.to_user,), "transfer", a.actor)
    w.event("task_transferred", a.actor, node_id=t.node_id, task_id=t.id, to=a.to_user)


def _claim(w: Working, a: Claim | Unclaim) -> None:
    claim = isinstance(a, Claim)
    action = TaskAction.CLAIM if claim else TaskAction.UNCLAIM
    t = check_task_action(w.defn, w.orig, action, a.task_id, a.actor)
    w.touch(a.actor)
    w.update_task(t.id, assignee=a.actor if claim else None)
    w.event("task_claimed" if claim else "task_unclaimed", a.actor, node_id=t.node_id, task_id=t.id)


def _withdraw(w: Working, a: Withdraw) -> None:
    check_document_action(w.defn, w.orig, DocumentAction.WITHDRAW, a.actor)
    w.end_instance(InstanceStatus.WITHDRAWN, a.actor, comment=a.comment)


def _urge(w: Working, a: Urge) -> None:
    check_document_action(w.defn, w.orig, DocumentAction.URGE, a.actor)
    targets = w.orig.open_tasks if a.task_id is None else [open_task(w.defn, w.orig, a.task_id)]
    for t in targets:
        users = (t.assignee,) if t.assignee else t.candidates
        w.notifications.append(Notification("urge", t.id, users, a.actor, a.comment))
        w.event("task_urged", a.actor, node_id=t.node_id, task_id=t.id, users=list(users))


def _add_signers(w: Working, a: AddSigner) -> None:
    t = check_task_action(w.defn, w.orig, TaskAction.ADD_SIGNERS, a.task_id, a.actor)
    users = dedupe(a.users)
    if not users or len(users) != len(a.users) or a.actor in users:
        raise refuse(w.defn, t, "INVALID_TARGET", _("Add different people other than yourself"))
    _check_separation(w, t, users)
    w.touch(a.actor)
    position = w.behaviour(t.node_id).add_signers(w, t, users, a)
    w.event(
        "signer_added",
        a.actor,
        node_id=t.node_id,
        task_id=t.id,
        users=list(users),
        position=position,
    )


def _terminate(w: Working, a: Terminate) -> None:
    check_document_action(w.defn, w.orig, DocumentAction.TERMINATE, a.actor)
    w.end_instance(InstanceStatus.TERMINATED, a.actor, reason=a.reason)


def _check_separation(w: Working, t: Task, users: tuple[str, ...]) -> None:
    if w.orig.initiator in users and w.defn.separates_duties(t.node_id):
        raise refuse(
            w.defn,
            t,
            "SEPARATION_OF_DUTIES",
            _("{node} separates duties: the initiator may not handle her own document there"),
        )


def _open(w: Working, a: Open) -> None:
    t = check_task_action(w.defn, w.orig, TaskAction.OPEN, a.task_id, a.actor)
    w.update_task(t.id, opened_at=w.now, opened_by=a.actor)
    w.event("task_opened", a.actor, node_id=t.node_id, task_id=t.id)


def _take_back(w: Working, a: TakeBack) -> None:
    t = check_task_action(w.defn, w.orig, TaskAction.TAKE_BACK, a.task_id, a.actor)
    take_back(w, t, a.comment)


def _remove_signers(w: Working, a: RemoveSigners) -> None:
    check_document_action(w.defn, w.orig, DocumentAction.REMOVE_SIGNERS, a.actor, a.manager)
    remove_signers(w, a)


def _jump(w: Working, a: Jump) -> None:
    check_document_action(w.defn, w.orig, DocumentAction.JUMP, a.actor)
    jump(w, a)


HANDLERS: dict[type, Callable[[Working, Any], None]] = {
    Submit: _submit,
    Approve: _approve,
    Reject: _reject,
    Return: _return,
    Delegate: _delegate,
    Transfer: _transfer,
    Claim: _claim,
    Unclaim: _claim,
    Withdraw: _withdraw,
    Urge: _urge,
    AddSigner: _add_signers,
    Terminate: _terminate,
    Open: _open,
    TakeBack: _take_back,
    RemoveSigners: _remove_signers,
    Jump: _jump,
}
