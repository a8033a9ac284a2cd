"""The countersign node (会签): one vote task per voter ("slot"). ``all`` passes when every slot
approves and fails on the first reject; ``any`` passes on the first approve and fails when all
rejected; ``share`` passes as soon as approvals/voters >= share and fails as soon as that can
no longer be reached. Undecided votes are cancelled when the node is decided. ``sequential``
opens one slot at a time in voter order. 加签 adds voters (remembering who added them); 减签
removes voters who have not voted, and the tally is taken again over those left; a return
comes back to the same voters."""

from __future__ import annotations

import math
from fractions import Fraction

from i18n import _
from workflow.actions import AddSigner
from workflow.definition import CountersignConfig, CountersignMode, CountersignOrder
from workflow.errors import refuse
from workflow.state import Task, Token, Visit
from workflow.vocabulary import TaskOutcome, TaskStatus
from workflow.working import Working

from .wait import WaitNode

__all__ = ["Countersign", "countersign_threshold"]


def countersign_threshold(config: CountersignConfig, voters: int) -> int:
    """Approvals needed to pass a countersign with ``voters`` slots."""
    if config.mode is CountersignMode.ALL:
        return voters
    if config.mode is CountersignMode.ANY:
        return min(1, voters)
    share = Fraction(str(config.share if config.share is not None else 1.0))
    return max(1, math.ceil(share * voters))


def _config(w: Working, node_id: str) -> CountersignConfig:
    return w.defn.node(node_id).countersign or CountersignConfig()


class Countersign(WaitNode):
    def open_tasks(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        token = token.model_copy(update={"voters": users})
        w.tokens[token.id] = token
        slots = range(len(users))
        if _config(w, token.node_id).order is CountersignOrder.SEQUENTIAL:
            slots = range(min(1, len(users)))
        for i in slots:
            w.create_task(
                token, assignee=users[i], candidates=(users[i],), sequence=i, origin=origin
            )

    def decided(self, w: Working, t: Task, actor: str | None) -> None:
        self.settle(w, w.tokens[t.token_id])

    def settle(self, w: Working, token: Token) -> None:
        """After a vote or a removal: pass, fail, or wait for the next vote (opening it when
        sequential)."""
        cfg = _config(w, token.node_id)
        approvals, rejections, total = self.tally(w, token)
        needed = countersign_threshold(cfg, total)
        remaining = total - approvals - rejections
        data = {"approvals": approvals, "rejections": rejections, "voters": total, "needed": needed}
        if approvals >= needed:
            w.event("countersign_passed", None, node_id=token.node_id, **data)
            self.passed(w, token)
        elif approvals + remaining < needed:
            w.event("countersign_failed", None, node_id=token.node_id, **data)
            self.rejected(w, token, None)
        else:
            w.event("countersign_vote", None, node_id=token.node_id, **data)
            if cfg.order is CountersignOrder.SEQUENTIAL and not w.open_tasks_of(token.id):
                self.open_next_slot(w, token)

    @staticmethod
    def tally(w: Working, token: Token) -> tuple[int, int, int]:
        """(approvals, rejections, voters) of the countersign visit at ``token``."""
        decided: dict[int, TaskOutcome] = {}
        for x in w.tasks.values():
            if (
                x.visit_id == token.visit_id
                and x.counted
                and x.sequence is not None
                and x.outcome is not None
            ):
                decided[x.sequence] = x.outcome
        approvals = sum(1 for o in decided.values() if o is TaskOutcome.APPROVE)
        rejections = sum(1 for o in decided.values() if o is TaskOutcome.REJECT)
        return approvals, rejections, len(token.active_voters)

    @staticmethod
    def open_next_slot(w: Working, token: Token) -> None:
        used = {x.sequence for x in w.tasks.values() if x.visit_id == token.visit_id}
        for i, voter in enumerate(token.voters):
            if i not in used and i not in token.removed:
                w.create_task(
                    token, assignee=voter, candidates=(voter,), sequence=i, origin="sequence"
                )
                return

    def return_users(self, visit: Visit) -> tuple[str, ...]:
        return visit.users or visit.handlers

    def check_handover(self, w: Working, t: Task, to_user: str) -> None:
        holders = {x.assignee for x in w.open_tasks_of(t.token_id)}
        if to_user in holders or to_user in w.tokens[t.token_id].active_voters:
            raise refuse(w.defn, t, "INVALID_TARGET", _("That person already votes at {node}"))

    def add_signers(self, w: Working, t: Task, users: tuple[str, ...], a: AddSigner) -> str:
        token = w.tokens[t.token_id]
        if set(users) & set(token.active_voters):
            raise refuse(w.defn, t, "INVALID_TARGET", _("Some of them already vote at {node}"))
        first = len(token.voters)
        added = tuple((first + i, a.actor) for i in range(len(users)))
        token = token.model_copy(
            update={"voters": (*token.voters, *users), "added_by": (*token.added_by, *added)}
        )
        w.tokens[token.id] = token
        if _config(w, t.node_id).order is CountersignOrder.PARALLEL:
            for i, u in enumerate(users):
                w.create_task(
                    token,
                    assignee=u,
                    candidates=(u,),
                    sequence=first + i,
                    origin="add_signer",
                    from_user=a.actor,
                )
        return "countersign"

    def remove_signers(
        self, w: Working, token: Token, slots: tuple[int, ...], actor: str | None
    ) -> None:
        token = token.model_copy(update={"removed": tuple(sorted({*token.removed, *slots}))})
        w.tokens[token.id] = token
        for x in w.open_tasks_of(token.id):
            if x.sequence in slots:
                w.close_task(x.id, TaskStatus.REMOVED)
        self.settle(w, token)
