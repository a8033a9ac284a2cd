"""One step at work: a mutable copy of an instance, the effects recorded so far, and the
primitive operations every part of the engine shares (ids, events, opening and closing tasks,
ending the instance). :meth:`Working.freeze` turns it into the :class:`~workflow.effects.Step`
the caller gets.

What a node does is not here but in its behaviour (:mod:`workflow.nodes`), which the working
copy hands out by node (:meth:`Working.behaviour`): routing and returns reach the behaviours
through it, so they need not import them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from .actions import AddSigner
from .definition import Deadline, FlowDefinition, NodeType, Transition
from .effects import CompletedNode, Event, Notification, Step, Timer
from .environment import Environment, delegate_of
from .errors import EngineError
from .expressions import Activation as CelActivation
from .expressions import ExpressionError, make_activation
from .state import Activation, Fork, Instance, InstanceStatus, Task, Token, TokenState, Visit
from .vocabulary import TaskOutcome, TaskStatus
from .worktime import WorkCalendar, add_working_days, add_working_hours, working_time_between

__all__ = ["SYSTEM", "Behaviour", "Working", "dedupe"]

#: who acts when the engine decides (a deadline's automatic approval or rejection).
SYSTEM = "system"


def dedupe(users: Iterable[Any]) -> tuple[str, ...]:
    """Non-empty user ids, first occurrence kept; anything not a string is dropped."""
    return tuple(dict.fromkeys(u for u in users if isinstance(u, str) and u))


class Behaviour(Protocol):
    """The lifecycle hooks of a node type (implemented in :mod:`workflow.nodes`)."""

    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        """Routing brought ``token`` here along ``via``; the moves to route next."""
        ...

    def open(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        """The users of a wait node are known: open its tasks."""
        ...

    def approve(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        """``actor`` (None: the engine) approves the open task ``t``."""
        ...

    def reject(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        """``actor`` (None: the engine) rejects the open task ``t``."""
        ...

    def return_users(self, visit: Visit) -> tuple[str, ...]:
        """Who gets the node again when a return comes back to ``visit``."""
        ...

    def check_handover(self, w: Working, t: Task, to_user: str) -> None:
        """Refuse handing ``t`` to ``to_user`` (delegate, transfer) when the node forbids it."""
        ...

    def add_signers(self, w: Working, t: Task, users: tuple[str, ...], a: AddSigner) -> str:
        """加签 at the node of ``t`` (the users are checked and deduplicated); how they were
        added (``before``, ``after``, ``countersign``)."""
        ...

    def remove_signers(
        self, w: Working, token: Token, slots: tuple[int, ...], actor: str | None
    ) -> None:
        """减签 of the (checked) voter ``slots`` at the countersign where ``token`` waits."""
        ...


class Working:
    """Mutable working copy of an instance plus the effects of one step."""

    def __init__(
        self,
        defn: FlowDefinition,
        inst: Instance,
        form: Mapping[str, Any] | None,
        doc: Mapping[str, Any] | None,
        now: datetime,
        behaviours: Mapping[NodeType, Behaviour],
        env: Environment | None = None,
    ) -> None:
        self.defn = defn
        self.orig = inst
        self.form: Mapping[str, Any] = form or {}
        self.doc: Mapping[str, Any] = doc or {}
        self.now = now
        self.env = env or Environment()
        self.behaviours = behaviours
        self.status = inst.status
        self.seq = inst.seq
        self.withdrawable = inst.withdrawable
        self.ended_at: datetime | None = None  # every entry point refuses an ended instance
        self.tokens: dict[str, Token] = {t.id: t for t in inst.tokens}
        self.tasks: dict[str, Task] = {t.id: t for t in inst.tasks}
        self.forks: dict[str, Fork] = {f.id: f for f in inst.forks}
        self.visits: dict[str, Visit] = {v.id: v for v in inst.visits}
        self.pending: dict[str, Activation] = {p.id: p for p in inst.pending}
        self.events: list[Event] = []
        self.new_activations: list[str] = []
        self.completed_nodes: list[CompletedNode] = []
        self.timers: list[Timer] = []
        self.notifications: list[Notification] = []
        self.created: list[str] = []
        self.touched: list[str] = []
        self._cel: CelActivation | None = None

    # ------------------------------------------------------------------ basics
    def behaviour(self, node_id: str) -> Behaviour:
        return self.behaviours[self.defn.node(node_id).type]

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq}"

    def event(self, kind: str, actor: str | None, **kw: Any) -> None:
        node_id = kw.pop("node_id", None)
        task_id = kw.pop("task_id", None)
        self.events.append(Event(kind, actor, node_id, task_id, kw))

    def cel(self) -> CelActivation:
        """The form and document as CEL values, converted once per step."""
        if self._cel is None:
            try:
                self._cel = make_activation(self.form, self.doc)
            except ExpressionError as exc:
                raise EngineError("CONDITION_ERROR", exc.message) from exc
        return self._cel

    def touch(self, actor: str | None) -> None:
        """Someone acted: the initiator may withdraw only while the last actor is them."""
        self.withdrawable = actor == self.orig.initiator

    # ------------------------------------------------------------------ tasks
    def open_tasks_of(self, token_id: str) -> list[Task]:
        return [
            t for t in self.tasks.values() if t.token_id == token_id and t.status is TaskStatus.OPEN
        ]

    def update_task(self, task_id: str, **changes: Any) -> Task:
        t = self.tasks[task_id].model_copy(update=changes)
        self.tasks[task_id] = t
        self.touched.append(task_id)
        return t

    def close_task(
        self,
        task_id: str,
        status: TaskStatus,
        *,
        actor: str | None = None,
        outcome: TaskOutcome | None = None,
        counted: bool = False,
        comment: str | None = None,
    ) -> Task:
        t = self.update_task(
            task_id,
            status=status,
            acted_by=actor,
            outcome=outcome,
            counted=counted,
            comment=comment,
            closed_at=self.now,
        )
        if status is TaskStatus.CANCELLED:
            self.event("task_cancelled", None, node_id=t.node_id, task_id=t.id)
        return t

    def create_task(
        self,
        token: Token,
        *,
        assignee: str | None,
        candidates: Sequence[str],
        origin: str,
        **extra: Any,
    ) -> Task:
        """A new open task at the token's visit, with the node's deadline timers. ``extra``:
        pool, sequence, after, return_stack, from_user. A task for someone an out-of-office
        rule covers goes to her delegate (``delegated_from`` names her)."""
        assert token.visit_id is not None
        if assignee is not None:
            barred = self.orig.initiator if self.defn.separates_duties(token.node_id) else None
            delegate = delegate_of(self.env, assignee, barred)
            if delegate != assignee:
                extra["delegated_from"] = assignee
                assignee, candidates = delegate, (delegate,)
        deadline = self.defn.node(token.node_id).deadline
        due, remind = _due(deadline, self.now, self.env.calendar)
        task = Task(
            id=self.next_id("t"),
            node_id=token.node_id,
            visit_id=token.visit_id,
            token_id=token.id,
            assignee=assignee,
            candidates=tuple(candidates),
            origin=origin,
            created_at=self.now,
            due_at=due,
            remind_at=remind,
            **extra,
        )
        self.tasks[task.id] = task
        self.created.append(task.id)
        if remind is not None:
            self.timers.append(Timer(task.id, "remind", remind))
        if due is not None:
            self.timers.append(Timer(task.id, "deadline", due))
        self.event(
            "task_created",
            None,
            node_id=token.node_id,
            task_id=task.id,
            assignee=assignee,
            candidates=list(candidates),
            origin=origin,
        )
        if task.delegated_from is not None:
            self.event(
                "task_delegated_by_rule",
                None,
                node_id=token.node_id,
                task_id=task.id,
                **{"from": task.delegated_from, "to": assignee},
            )
        return task

    def clone_task(
        self, src: Task, *, assignee: str | None, candidates: Sequence[str], **kw: Any
    ) -> Task:
        """A task in place of ``src`` (same slot and signer chain unless ``kw`` says else)."""
        params: dict[str, Any] = {
            "sequence": src.sequence,
            "after": src.after,
            "return_stack": src.return_stack,
            **kw,
        }
        return self.create_task(
            self.tokens[src.token_id], assignee=assignee, candidates=candidates, **params
        )

    def hand_to(
        self, src: Task, users: tuple[str, ...], origin: str, from_user: str | None
    ) -> Task:
        """``src``'s work for one user (held) or several (any of them acts)."""
        holder = users[0] if len(users) == 1 else None
        return self.clone_task(
            src, assignee=holder, candidates=users, origin=origin, from_user=from_user
        )

    def enter_visit(self, token: Token) -> Token:
        """A new visit of the token's (wait) node; the token, stored, now awaits assignees. It
        comes without signers: a token leaving a node drops them (``WaitNode.passed``)."""
        visit = Visit(
            id=self.next_id("v"),
            node_id=token.node_id,
            token_id=token.id,
            fork_path=token.fork_path,
            prev_handlers=token.prev_handlers,
            entered_at=self.now,
        )
        self.visits[visit.id] = visit
        token = token.model_copy(update={"state": TokenState.ASSIGNING, "visit_id": visit.id})
        self.tokens[token.id] = token
        return token

    # ------------------------------------------------------------------ ending
    def end_instance(self, status: InstanceStatus, actor: str | None, **data: Any) -> None:
        for t in list(self.tasks.values()):
            if t.status is TaskStatus.OPEN:
                self.close_task(t.id, TaskStatus.CANCELLED)
        for v in list(self.visits.values()):
            if v.outcome is None:
                self.visits[v.id] = v.model_copy(update={"outcome": "cancelled"})
        self.tokens.clear()
        self.forks.clear()
        self.pending.clear()
        self.status = status
        self.ended_at = self.now
        self.withdrawable = False
        self.event(f"instance_{status.value}", actor, **data)

    # ------------------------------------------------------------------ freeze
    def freeze(self) -> Step:
        self._drop_moot_activations()
        created, closed, updated = self._task_changes()
        change = None
        if self.status is not self.orig.status:
            change = (self.orig.status, self.status)
        return Step(
            instance=self._instance(),
            activations=[self.pending[i] for i in self.new_activations if i in self.pending],
            created_tasks=created,
            closed_tasks=closed,
            updated_tasks=updated,
            completed_nodes=self.completed_nodes,
            timers=[t for t in self.timers if self.tasks[t.task_id].status is TaskStatus.OPEN],
            notifications=self.notifications,
            status_change=change,
            events=self.events,
        )

    def _drop_moot_activations(self) -> None:
        """Escalations of tasks that closed meanwhile, and activations of gone tokens."""
        for pid, p in list(self.pending.items()):
            task = self.tasks.get(p.task_id or "")  # pragma: no mutate
            closed = task is None or task.status is not TaskStatus.OPEN
            if (p.purpose == "escalate" and closed) or p.token_id not in self.tokens:
                del self.pending[pid]

    def _instance(self) -> Instance:
        return Instance(
            status=self.status,
            initiator=self.orig.initiator,
            seq=self.seq,
            tokens=tuple(self.tokens.values()),
            tasks=tuple(self.tasks.values()),
            forks=tuple(self.forks.values()),
            visits=tuple(self.visits.values()),
            pending=tuple(self.pending.values()),
            withdrawable=self.withdrawable,
            started_at=self.orig.started_at,
            ended_at=self.ended_at,
        )

    def _task_changes(self) -> tuple[list[Task], list[Task], list[Task]]:
        """(created, closed, updated while still open) tasks of this step."""
        before = {t.id: t for t in self.orig.tasks}
        created_set = dict.fromkeys(self.created)
        created = [self.tasks[i] for i in created_set]
        closed: list[Task] = []
        updated: list[Task] = []
        for tid in dict.fromkeys([*self.touched, *self.created]):
            t = self.tasks[tid]
            was_open = tid in created_set or before[tid].status is TaskStatus.OPEN
            if t.status is not TaskStatus.OPEN and was_open:
                closed.append(t)
            elif t.status is TaskStatus.OPEN and tid not in created_set and t != before.get(tid):
                updated.append(t)
        return created, closed, updated


def _due(
    deadline: Deadline | None, now: datetime, calendar: WorkCalendar
) -> tuple[datetime | None, datetime | None]:
    """(due, remind) times of a task created ``now`` at a node with ``deadline``."""
    if deadline is None:
        return None, None
    before = deadline.remind_before_hours
    if deadline.hours is not None:
        if deadline.hours <= 0:
            return None, None
        due = now + timedelta(hours=deadline.hours)
        if before is not None and 0 < before < deadline.hours:
            return due, due - timedelta(hours=before)
        return due, None
    if deadline.working_hours is not None and deadline.working_hours > 0:
        total = deadline.working_hours
        due = add_working_hours(calendar, now, total)
    elif deadline.working_days is not None and deadline.working_days > 0:
        due = add_working_days(calendar, now, deadline.working_days)
        total = working_time_between(calendar, now, due) / timedelta(hours=1)
    else:
        return None, None
    if before is not None and 0 < before < total:
        return due, add_working_hours(calendar, now, total - before)
    return due, None
