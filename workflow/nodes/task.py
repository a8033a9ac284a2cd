"""The task node: one task per activation. A ``pool`` node's task is claimed before it is acted
on; a non-pool node whose rule gives several users opens one task any of them may act on (the
first wins). 加签 on a task: ``before`` suspends the actor's task until the added users
approved in turn, ``after`` makes them approve in turn after the actor."""

from __future__ import annotations

from i18n import _
from workflow.actions import AddSigner
from workflow.errors import refuse
from workflow.state import Task, Token
from workflow.vocabulary import TaskOutcome, TaskStatus
from workflow.working import Working

from .wait import WaitNode

__all__ = ["TaskNode"]


class TaskNode(WaitNode):
    def open_tasks(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        w.tokens[token.id] = token
        pool = w.defn.node(token.node_id).pool
        if pool and not (origin in ("return", "take_back") and len(users) == 1):
            w.create_task(token, assignee=None, candidates=users, pool=True, origin=origin)
        else:
            holder = users[0] if len(users) == 1 else None
            w.create_task(token, assignee=holder, candidates=users, origin=origin)

    def decided(self, w: Working, t: Task, actor: str | None) -> None:
        token = w.tokens[t.token_id]
        if w.tasks[t.id].outcome is TaskOutcome.APPROVE:
            self.passed(w, token)
        else:
            self.rejected(w, token, actor)

    def add_signers(self, w: Working, t: Task, users: tuple[str, ...], a: AddSigner) -> str:
        if a.position == "after":
            w.update_task(t.id, after=(*t.after, *users))
        elif a.position == "before":
            w.close_task(t.id, TaskStatus.SUSPENDED, actor=a.actor, comment=a.comment)
            w.clone_task(
                t,
                assignee=users[0],
                candidates=(users[0],),
                after=users[1:],
                return_stack=(t.id,),
                origin="add_signer",
                from_user=a.actor,
            )
        else:
            raise refuse(w.defn, t, "INVALID_ACTION", _("Add signers 'before' or 'after' you"))
        return a.position
