"""The flow runtime: pure, deterministic functions from (definition, instance, input) to a Step.

Nothing here reads a clock, a database or the network: the caller passes ``now``, the form
data and the document attributes, persists ``step.instance`` (``to_json()``) and acts on the
effects (tasks to insert/close, assignees to resolve, timers to schedule, numbers to allocate,
events to audit and publish). Functions never mutate their arguments; an action that is not
allowed raises :class:`EngineError` and so changes nothing.

Semantics worth knowing
-----------------------
* Tokens mark where execution waits: at a task/countersign node (``waiting``, with open
  tasks, or ``assigning`` while an :class:`Activation` awaits user ids), or at a parallel
  join (``arrived``). Routing through gateways is synchronous.
* Parallel: a split gives each outgoing transition a child token whose ``fork_path`` gains
  ``"<fork id>/<transition id>"``; a join completes only when every branch of that fork has
  arrived (block-structured flows, see validation).
* Task nodes: one task per activation. ``pool`` nodes must be claimed; a non-pool node whose
  rule gives several users opens one task any of them may act on (first wins).
* Countersign (会签): one vote task per voter ("slot"). ``all`` passes when every slot
  approves and fails on the first reject; ``any`` passes on the first approve and fails when
  all rejected; ``share`` passes as soon as approvals/voters >= share and fails as soon as
  that can no longer be reached. Undecided votes are cancelled when the node is decided.
  ``sequential`` opens one slot at a time in voter order.
* Reject (驳回): a rejected task or failed countersign goes back to the node's ``rejectTo``
  when set, else the instance ends ``rejected`` (everything open is cancelled).
* Return (退回): to the previous wait node on the same path, or to any earlier visited wait
  node whose path encloses the current one (same parallel branch or outside the parallel
  region). Every token inside the target's scope is cancelled (so returning from a branch to
  before the split cancels the sibling branches). The returned-to node goes to the users who
  handled it last time (countersign: the same voters).
* Delegate (委托) with return: the delegate's approve hands the task back to the delegator,
  who then decides; the delegate may not reject or return. Without return it works like
  transfer (转交): the new holder fully replaces the old one.
* Add signer (加签): on a countersign node adds voters; on a task node ``before`` suspends the
  actor's task until the added users approved in turn, ``after`` makes them approve in turn
  after the actor before the node completes.
* Withdraw (收回): the initiator ends the instance as ``withdrawn`` while nobody else has acted
  (claimed, voted, delegated, ...) since the initiator's own last action.
* Deadlines: each task gets ``deadline`` / ``remind`` timers; ``fire_timer`` applies
  ``onTimeout`` (``approve``/``reject`` act as the system, ``escalate`` asks for the
  ``escalateTo`` users and moves the task to them). Stale timers are no-ops.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .definition import (
    AssigneeRule,
    CountersignConfig,
    CountersignMode,
    CountersignOrder,
    FlowDefinition,
    FormFieldRule,
    Node,
    NodeType,
    PreviousHandlerRule,
    TimeoutAction,
    Transition,
    UsersRule,
)
from .expressions import ExpressionError, compile_condition, make_activation
from .vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus

__all__ = [
    "Action",
    "Activation",
    "AddSigner",
    "Approve",
    "Claim",
    "CompletedNode",
    "Delegate",
    "EngineError",
    "Event",
    "Fork",
    "Instance",
    "InstanceStatus",
    "Notification",
    "Reject",
    "Return",
    "Step",
    "Submit",
    "Task",
    "Terminate",
    "Timer",
    "Token",
    "TokenState",
    "Transfer",
    "Unclaim",
    "Urge",
    "Visit",
    "Withdraw",
    "act",
    "allowed_actions",
    "assign",
    "check_document_action",
    "check_task_action",
    "countersign_threshold",
    "fire_timer",
    "resolve_builtin",
    "return_targets",
    "start",
]

MAX_ROUTING_STEPS = 10_000
SYSTEM = "system"


class EngineError(Exception):
    """An action that is not allowed. ``code`` is stable; ``message`` is for people."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        task_id: str | None = None,
        node_id: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.task_id = task_id
        self.node_id = node_id


# ============================================================================ persisted state


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InstanceStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"


TERMINAL = frozenset(
    {
        InstanceStatus.COMPLETED,
        InstanceStatus.REJECTED,
        InstanceStatus.WITHDRAWN,
        InstanceStatus.TERMINATED,
    }
)


class TokenState(StrEnum):
    ASSIGNING = "assigning"  # at a wait node, waiting for assign()
    WAITING = "waiting"  # at a wait node with open tasks
    ARRIVED = "arrived"  # at a parallel join, waiting for the sibling branches


class Task(_Frozen):
    id: str
    node_id: str
    visit_id: str
    token_id: str
    #: who acts; None while a pool task is unclaimed or any candidate may act.
    assignee: str | None
    candidates: tuple[str, ...]
    pool: bool = False
    status: TaskStatus = TaskStatus.OPEN
    outcome: TaskOutcome | None = None
    #: True when this completion was the node's decision or a countersign vote.
    counted: bool = False
    #: countersign: the voter slot (order for sequential countersigns).
    sequence: int | None = None
    #: users who still approve in turn after this one (后加签 / 前加签 chain).
    after: tuple[str, ...] = ()
    #: ids of tasks to hand back to, innermost last (委托 with return, 前加签).
    return_stack: tuple[str, ...] = ()
    #: how it was created: assign | delegate | transfer | handback | add_signer | return |
    #: escalate | sequence
    origin: str = "assign"
    #: the user it came from (delegator, transferrer, adder, escalated-from holder).
    from_user: str | None = None
    acted_by: str | None = None
    comment: str | None = None
    created_at: datetime
    closed_at: datetime | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    overdue: bool = False

    def can_act(self, user: str) -> bool:
        if self.assignee is not None:
            return self.assignee == user
        return not self.pool and user in self.candidates


class Token(_Frozen):
    id: str
    node_id: str
    state: TokenState
    fork_path: tuple[str, ...] = ()
    visit_id: str | None = None
    #: who completed the previous wait node on this path (the initiator after start).
    prev_handlers: tuple[str, ...] = ()
    #: countersign: everyone who votes, in slot order.
    voters: tuple[str, ...] = ()


class Fork(_Frozen):
    id: str
    node_id: str
    branches: int
    fork_path: tuple[str, ...]  # the path of the token that split


class Visit(_Frozen):
    """One entry into a wait node (kept for returns, previous handler and history)."""

    id: str
    node_id: str
    token_id: str
    fork_path: tuple[str, ...]
    prev_handlers: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    outcome: Literal["approved", "rejected", "returned", "cancelled"] | None = None
    entered_at: datetime
    closed_at: datetime | None = None


class Activation(_Frozen):
    """A wait node (or an escalation) that needs user ids: resolve ``rule`` and call assign()
    with ``id`` (for a node the id is the node id)."""

    id: str
    node_id: str
    token_id: str
    rule: AssigneeRule
    purpose: Literal["node", "escalate"] = "node"
    task_id: str | None = None


class Instance(_Frozen):
    schema_version: int = 1
    status: InstanceStatus = InstanceStatus.RUNNING
    initiator: str
    seq: int = 0
    tokens: tuple[Token, ...] = ()
    tasks: tuple[Task, ...] = ()
    forks: tuple[Fork, ...] = ()
    visits: tuple[Visit, ...] = ()
    pending: tuple[Activation, ...] = ()
    withdrawable: bool = True
    started_at: datetime
    ended_at: datetime | None = None

    def to_json(self) -> str:
        return self.model_dump_json()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for a JSON column)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any]) -> Instance:
        if isinstance(data, Mapping):
            return cls.model_validate(dict(data))
        return cls.model_validate_json(data)

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.status is TaskStatus.OPEN]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


# ============================================================================ actions


@dataclass(frozen=True)
class Submit:
    """The initiator completes the draft task (task_id optional)."""

    actor: str
    task_id: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Approve:
    actor: str
    task_id: str
    comment: str | None = None


@dataclass(frozen=True)
class Reject:
    actor: str
    task_id: str
    comment: str | None = None


@dataclass(frozen=True)
class Return:
    """退回 to ``target_node`` (None = the previous wait node on this path)."""

    actor: str
    task_id: str
    target_node: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Delegate:
    """委托; with ``return_after`` the task comes back to the actor to decide."""

    actor: str
    task_id: str
    to_user: str
    return_after: bool = True
    comment: str | None = None


@dataclass(frozen=True)
class Transfer:
    actor: str
    task_id: str
    to_user: str
    comment: str | None = None


@dataclass(frozen=True)
class Claim:
    actor: str
    task_id: str


@dataclass(frozen=True)
class Unclaim:
    actor: str
    task_id: str


@dataclass(frozen=True)
class Withdraw:
    actor: str
    comment: str | None = None


@dataclass(frozen=True)
class Urge:
    """催办 one open task, or every open task when task_id is None."""

    actor: str
    task_id: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class AddSigner:
    """加签. Countersign node: adds voters (position ignored). Task node: ``before`` (they
    approve first, then the task comes back) or ``after`` (they approve after the actor)."""

    actor: str
    task_id: str
    users: tuple[str, ...]
    position: Literal["before", "after"] = "after"
    comment: str | None = None


@dataclass(frozen=True)
class Terminate:
    """Administrative end (permission is checked by the caller)."""

    actor: str
    reason: str | None = None


Action = (
    Submit
    | Approve
    | Reject
    | Return
    | Delegate
    | Transfer
    | Claim
    | Unclaim
    | Withdraw
    | Urge
    | AddSigner
    | Terminate
)

# ============================================================================ effects


@dataclass(frozen=True)
class Event:
    """Audit-trail entry. ``kind`` e.g. task_completed, gateway_routed, join_completed."""

    kind: str
    actor: str | None = None
    node_id: str | None = None
    task_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timer:
    task_id: str
    kind: Literal["deadline", "remind"]
    at: datetime


@dataclass(frozen=True)
class Notification:
    kind: Literal["urge", "remind", "overdue"]
    task_id: str
    users: tuple[str, ...]
    actor: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class CompletedNode:
    node_id: str
    visit_id: str
    outcome: Literal["approved", "rejected"]
    handlers: tuple[str, ...]
    allocate_number: bool


@dataclass(frozen=True)
class Step:
    instance: Instance
    activations: list[Activation] = field(default_factory=list)
    created_tasks: list[Task] = field(default_factory=list)
    closed_tasks: list[Task] = field(default_factory=list)
    #: tasks still open whose data changed (claimed, unclaimed, after-signers, overdue).
    updated_tasks: list[Task] = field(default_factory=list)
    completed_nodes: list[CompletedNode] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    #: (from, to); from is None for start().
    status_change: tuple[InstanceStatus | None, InstanceStatus] | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def allocate_number(self) -> bool:
        """True when a node with allocateNumber completed in this step."""
        return any(c.allocate_number and c.outcome == "approved" for c in self.completed_nodes)


# ============================================================================ helpers


def countersign_threshold(config: CountersignConfig, voters: int) -> int:
    """Approvals needed to pass a countersign with ``voters`` slots."""
    if config.mode is CountersignMode.ALL:
        return voters
    if config.mode is CountersignMode.ANY:
        return min(1, voters)
    share = Fraction(str(config.share if config.share is not None else 1.0))
    return max(1, math.ceil(share * voters))


def _dedupe(users: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for u in users:
        if isinstance(u, str) and u and u not in seen:
            seen[u] = None
    return tuple(seen)


def _get_path(data: Mapping[str, Any], path: str) -> Any:
    cur: Any = data
    for part in path.split("."):
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def _users_from_value(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return _dedupe([value])
    if isinstance(value, Mapping):
        v = value.get("id")
        return _dedupe([v]) if isinstance(v, str) else ()
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_users_from_value(item))
        return _dedupe(out)
    return ()


class _Ctx:
    """Mutable working copy of an instance plus the effects of one step."""

    def __init__(
        self,
        defn: FlowDefinition,
        inst: Instance,
        form: Mapping[str, Any] | None,
        doc: Mapping[str, Any] | None,
        now: datetime,
    ) -> None:
        self.defn = defn
        self.orig = inst
        self.form: Mapping[str, Any] = form or {}
        self.doc: Mapping[str, Any] = doc or {}
        self.now = now
        self.status = inst.status
        self.seq = inst.seq
        self.withdrawable = inst.withdrawable
        self.ended_at = inst.ended_at
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
        self._cel: Any = None

    # ------------------------------------------------------------------ basics
    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq}"

    def event(self, kind: str, actor: str | None = None, **kw: Any) -> None:
        node_id = kw.pop("node_id", None)
        task_id = kw.pop("task_id", None)
        self.events.append(Event(kind, actor, node_id, task_id, kw))

    def cel(self) -> Any:
        if self._cel is None:
            try:
                self._cel = make_activation(self.form, self.doc)
            except ExpressionError as exc:
                raise EngineError("CONDITION_ERROR", exc.message) from exc
        return self._cel

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

    def open_tasks_of(self, token_id: str) -> list[Task]:
        return [
            t for t in self.tasks.values() if t.token_id == token_id and t.status is TaskStatus.OPEN
        ]

    def create_task(
        self,
        token: Token,
        *,
        assignee: str | None,
        candidates: Sequence[str],
        pool: bool = False,
        sequence: int | None = None,
        after: Sequence[str] = (),
        return_stack: Sequence[str] = (),
        origin: str = "assign",
        from_user: str | None = None,
    ) -> Task:
        node = self.defn.node(token.node_id)
        assert token.visit_id is not None
        tid = self.next_id("t")
        due = remind = None
        if node.deadline is not None and node.deadline.hours > 0:
            due = self.now + timedelta(hours=node.deadline.hours)
            before = node.deadline.remind_before_hours
            if before is not None and 0 < before < node.deadline.hours:
                remind = due - timedelta(hours=before)
        task = Task(
            id=tid,
            node_id=token.node_id,
            visit_id=token.visit_id,
            token_id=token.id,
            assignee=assignee,
            candidates=tuple(candidates),
            pool=pool,
            sequence=sequence,
            after=tuple(after),
            return_stack=tuple(return_stack),
            origin=origin,
            from_user=from_user,
            created_at=self.now,
            due_at=due,
            remind_at=remind,
        )
        self.tasks[tid] = task
        self.created.append(tid)
        if remind is not None:
            self.timers.append(Timer(tid, "remind", remind))
        if due is not None:
            self.timers.append(Timer(tid, "deadline", due))
        self.event(
            "task_created",
            None,
            node_id=token.node_id,
            task_id=tid,
            assignee=assignee,
            candidates=list(candidates),
            origin=origin,
        )
        return task

    def clone_task(
        self, src: Task, *, assignee: str | None, candidates: Sequence[str], **kw: Any
    ) -> Task:
        token = self.tokens[src.token_id]
        params: dict[str, Any] = {
            "pool": False,
            "sequence": src.sequence,
            "after": src.after,
            "return_stack": src.return_stack,
        }
        params.update(kw)
        return self.create_task(token, assignee=assignee, candidates=candidates, **params)

    # ------------------------------------------------------------------ freeze
    def freeze(self) -> Step:
        # escalations of tasks that closed meanwhile are moot
        for pid, p in list(self.pending.items()):
            if (
                p.purpose == "escalate"
                and (
                    p.task_id not in self.tasks
                    or self.tasks[p.task_id].status is not TaskStatus.OPEN
                )
            ) or p.token_id not in self.tokens:
                del self.pending[pid]
        inst = Instance(
            schema_version=self.orig.schema_version,
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
        before = {t.id: t for t in self.orig.tasks}
        created_set = dict.fromkeys(self.created)
        created = [self.tasks[i] for i in created_set]
        closed: list[Task] = []
        updated: list[Task] = []
        for tid in dict.fromkeys([*self.touched, *self.created]):
            t = self.tasks[tid]
            was_open = tid in created_set or (
                tid in before and before[tid].status is TaskStatus.OPEN
            )
            if t.status is not TaskStatus.OPEN and was_open:
                closed.append(t)
            elif t.status is TaskStatus.OPEN and tid not in created_set and t != before.get(tid):
                updated.append(t)
        activations = [self.pending[i] for i in self.new_activations if i in self.pending]
        change = None
        if self.status is not self.orig.status:
            change = (self.orig.status, self.status)
        return Step(
            instance=inst,
            activations=activations,
            created_tasks=created,
            closed_tasks=closed,
            updated_tasks=updated,
            completed_nodes=self.completed_nodes,
            timers=[t for t in self.timers if self.tasks[t.task_id].status is TaskStatus.OPEN],
            notifications=self.notifications,
            status_change=change,
            events=self.events,
        )

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

    # ------------------------------------------------------------------ routing
    def route(self, token: Token, transition: Transition) -> None:
        """Move ``token`` along ``transition`` and on through gateways until every token
        rests at a wait node, a join, or has been consumed by an end event."""
        work: list[tuple[Token, Transition]] = [(token, transition)]
        steps = 0
        while work and self.status is InstanceStatus.RUNNING:
            steps += 1
            if steps > MAX_ROUTING_STEPS:
                raise EngineError(
                    "ROUTING_LOOP", "routing did not reach a wait node (gateway cycle?)"
                )
            tok, tr = work.pop(0)
            if not self.defn.has_node(tr.target):
                raise EngineError(
                    "INVALID_DEFINITION", f"transition {tr.id} targets unknown node {tr.target}"
                )
            node = self.defn.node(tr.target)
            self.event("transition_taken", None, node_id=node.id, transition_id=tr.id)
            tok = tok.model_copy(update={"node_id": node.id})
            if node.type is NodeType.END:
                self.tokens.pop(tok.id, None)
                self.event("end_reached", None, node_id=node.id)
                if node.terminate:
                    self.end_instance(InstanceStatus.COMPLETED, None, node_id=node.id)
                    return
                continue
            if node.type in (NodeType.TASK, NodeType.COUNTERSIGN):
                self.enter_wait(tok, node)
                continue
            if node.type is NodeType.EXCLUSIVE_GATEWAY:
                chosen = self.choose(node)
                self.event("gateway_routed", None, node_id=node.id, transition_id=chosen.id)
                work.append((tok, chosen))
                continue
            if node.type is NodeType.PARALLEL_GATEWAY:
                if self.defn.is_join(node.id):
                    merged = self.arrive(tok, node, tr)
                    if merged is None:
                        continue
                    tok = merged
                outs = self.defn.outgoing(node.id)
                if len(outs) == 1:
                    work.append((tok, outs[0]))
                elif len(outs) > 1:
                    work.extend(self.split(tok, node, outs))
                else:
                    raise EngineError(
                        "INVALID_DEFINITION", f"parallel gateway {node.id} has no outgoing"
                    )
                continue
            raise EngineError(
                "INVALID_DEFINITION", f"cannot route into {node.type.value} node {node.id}"
            )
        if self.status is InstanceStatus.RUNNING and not self.tokens:
            self.end_instance(InstanceStatus.COMPLETED, None)

    def choose(self, node: Node) -> Transition:
        outs = self.defn.outgoing(node.id)
        default: Transition | None = None
        for t in outs:
            if t.default:
                default = default or t
                continue
            if t.condition is None or not t.condition.strip():
                if len(outs) == 1:
                    return t
                continue
            try:
                ok = compile_condition(t.condition).evaluate_activation(self.cel())
            except ExpressionError as exc:
                raise EngineError(
                    "CONDITION_ERROR",
                    f"The condition of {t.name or t.id} at {_label(self.defn, node.id)} "
                    f"failed: {exc.message}",
                    node_id=node.id,
                ) from exc
            if ok:
                return t
        if default is not None:
            return default
        raise EngineError(
            "NO_ROUTE",
            f"No way on from {_label(self.defn, node.id)}: no condition holds and there is "
            "no default",
            node_id=node.id,
        )

    def split(
        self, tok: Token, node: Node, outs: list[Transition]
    ) -> list[tuple[Token, Transition]]:
        self.tokens.pop(tok.id, None)
        fork = Fork(
            id=self.next_id("f"), node_id=node.id, branches=len(outs), fork_path=tok.fork_path
        )
        self.forks[fork.id] = fork
        self.event("parallel_split", None, node_id=node.id, fork_id=fork.id, branches=len(outs))
        children = []
        for t in outs:
            child = Token(
                id=self.next_id("k"),
                node_id=node.id,
                state=TokenState.ARRIVED,
                fork_path=(*tok.fork_path, f"{fork.id}/{t.id}"),
                prev_handlers=tok.prev_handlers,
            )
            children.append((child, t))
        return children

    def arrive(self, tok: Token, node: Node, via: Transition) -> Token | None:
        if not tok.fork_path:
            raise EngineError(
                "INVALID_DEFINITION",
                f"parallel join {node.id} was reached outside any parallel split",
                node_id=node.id,
            )
        fork_id = tok.fork_path[-1].split("/", 1)[0]
        fork = self.forks.get(fork_id)
        if fork is None:
            raise EngineError("INVALID_DEFINITION", f"join {node.id}: unknown fork {fork_id}")
        arrived = tok.model_copy(update={"state": TokenState.ARRIVED, "visit_id": None})
        self.tokens[arrived.id] = arrived
        self.event("join_arrived", None, node_id=node.id, fork_id=fork_id, transition_id=via.id)
        siblings = [
            t
            for t in self.tokens.values()
            if t.node_id == node.id
            and t.state is TokenState.ARRIVED
            and t.fork_path
            and t.fork_path[-1].split("/", 1)[0] == fork_id
        ]
        if len(siblings) < fork.branches:
            return None
        handlers: list[str] = []
        for s in siblings:
            handlers.extend(s.prev_handlers)
            del self.tokens[s.id]
        del self.forks[fork_id]
        self.event("join_completed", None, node_id=node.id, fork_id=fork_id, branches=fork.branches)
        return Token(
            id=self.next_id("k"),
            node_id=node.id,
            state=TokenState.ARRIVED,
            fork_path=fork.fork_path,
            prev_handlers=_dedupe(handlers),
        )

    def enter_wait(self, tok: Token, node: Node) -> None:
        visit = Visit(
            id=self.next_id("v"),
            node_id=node.id,
            token_id=tok.id,
            fork_path=tok.fork_path,
            prev_handlers=tok.prev_handlers,
            entered_at=self.now,
        )
        self.visits[visit.id] = visit
        tok = tok.model_copy(
            update={"state": TokenState.ASSIGNING, "visit_id": visit.id, "voters": ()}
        )
        self.tokens[tok.id] = tok
        self.event("node_entered", None, node_id=node.id, visit_id=visit.id)
        if node.assignee is None:
            raise EngineError(
                "NO_ASSIGNEE", f"{_label(self.defn, node.id)} has no assignee rule", node_id=node.id
            )
        act = Activation(id=node.id, node_id=node.id, token_id=tok.id, rule=node.assignee)
        self.pending[act.id] = act
        self.new_activations.append(act.id)

    def open_node(self, token: Token, users: tuple[str, ...], origin: str = "assign") -> None:
        """Create the tasks of a wait node for resolved users."""
        node = self.defn.node(token.node_id)
        assert token.visit_id is not None
        visit = self.visits[token.visit_id]
        self.visits[visit.id] = visit.model_copy(update={"users": users})
        token = token.model_copy(update={"state": TokenState.WAITING})
        if node.type is NodeType.COUNTERSIGN:
            cfg = node.countersign or CountersignConfig()
            token = token.model_copy(update={"voters": users})
            self.tokens[token.id] = token
            slots = range(len(users))
            if cfg.order is CountersignOrder.SEQUENTIAL:
                slots = range(min(1, len(users)))
            for i in slots:
                self.create_task(
                    token, assignee=users[i], candidates=(users[i],), sequence=i, origin=origin
                )
            return
        self.tokens[token.id] = token
        if origin == "return" and len(users) == 1:
            self.create_task(token, assignee=users[0], candidates=users, origin=origin)
        elif node.pool:
            self.create_task(token, assignee=None, candidates=users, pool=True, origin=origin)
        elif len(users) == 1:
            self.create_task(token, assignee=users[0], candidates=users, origin=origin)
        else:
            self.create_task(token, assignee=None, candidates=users, origin=origin)

    # ------------------------------------------------------------------ assignment
    def resolve_builtin(self, act: Activation) -> tuple[str, ...] | None:
        rule = act.rule
        if isinstance(rule, UsersRule):
            return _dedupe(rule.ids)
        if isinstance(rule, PreviousHandlerRule):
            if act.purpose == "escalate" and act.task_id is not None:
                tok = self.tokens.get(self.tasks[act.task_id].token_id)
            else:
                tok = self.tokens.get(act.token_id)
            if tok is None:
                return None
            return tok.prev_handlers or (self.orig.initiator,)
        if isinstance(rule, FormFieldRule):
            return _users_from_value(_get_path(self.form, rule.field))
        return None

    def auto_assign(self) -> None:
        for pid in list(self.new_activations):
            act = self.pending.get(pid)
            if act is None:
                continue
            users = self.resolve_builtin(act)
            if users is None:
                continue
            if not users:
                detail = ""
                if isinstance(act.rule, FormFieldRule):
                    detail = f": form field {act.rule.field!r} holds no user"
                elif isinstance(act.rule, UsersRule):
                    detail = ": the users list is empty"
                raise EngineError(
                    "NO_ASSIGNEE",
                    f"Nobody is assigned to {_label(self.defn, act.node_id)}{detail}",
                    node_id=act.node_id,
                )
            self.apply_assignment(act, users)

    def apply_assignment(self, act: Activation, users: tuple[str, ...]) -> None:
        del self.pending[act.id]
        if act.purpose == "escalate":
            assert act.task_id is not None
            old = self.tasks[act.task_id]
            self.close_task(old.id, TaskStatus.ESCALATED)
            holder = old.assignee
            if len(users) == 1:
                self.clone_task(
                    old, assignee=users[0], candidates=users, origin="escalate", from_user=holder
                )
            else:
                self.clone_task(
                    old, assignee=None, candidates=users, origin="escalate", from_user=holder
                )
            self.event(
                "task_escalated", None, node_id=old.node_id, task_id=old.id, users=list(users)
            )
            return
        token = self.tokens[act.token_id]
        self.event("node_assigned", None, node_id=act.node_id, users=list(users))
        self.open_node(token, users)

    # ------------------------------------------------------------------ deciding
    def touch(self, actor: str | None) -> None:
        self.withdrawable = actor == self.orig.initiator

    def approve(self, t: Task, actor: str | None, comment: str | None) -> None:
        node = self.defn.node(t.node_id)
        who = actor or SYSTEM
        if t.after:
            self.close_task(
                t.id, TaskStatus.COMPLETED, actor=who, outcome=TaskOutcome.APPROVE, comment=comment
            )
            self.event(
                "task_completed",
                actor,
                node_id=t.node_id,
                task_id=t.id,
                outcome=TaskOutcome.APPROVE,
            )
            nxt = t.after[0]
            self.clone_task(
                t,
                assignee=nxt,
                candidates=(nxt,),
                after=t.after[1:],
                origin="add_signer",
                from_user=who,
            )
            return
        if t.return_stack:
            self.close_task(
                t.id, TaskStatus.COMPLETED, actor=who, outcome=TaskOutcome.APPROVE, comment=comment
            )
            self.event(
                "task_completed",
                actor,
                node_id=t.node_id,
                task_id=t.id,
                outcome=TaskOutcome.APPROVE,
            )
            back = self.tasks[t.return_stack[-1]]
            holder = back.acted_by or back.assignee or who
            self.clone_task(
                back, assignee=holder, candidates=(holder,), origin="handback", from_user=actor
            )
            self.event("task_handed_back", actor, node_id=t.node_id, task_id=t.id, to=holder)
            return
        self.close_task(
            t.id,
            TaskStatus.COMPLETED,
            actor=who,
            outcome=TaskOutcome.APPROVE,
            counted=True,
            comment=comment,
        )
        self.event(
            "task_completed", actor, node_id=t.node_id, task_id=t.id, outcome=TaskOutcome.APPROVE
        )
        if node.type is NodeType.COUNTERSIGN:
            self.after_vote(t)
        else:
            self.node_passed(self.tokens[t.token_id])

    def reject(self, t: Task, actor: str | None, comment: str | None) -> None:
        node = self.defn.node(t.node_id)
        self.close_task(
            t.id,
            TaskStatus.COMPLETED,
            actor=actor or SYSTEM,
            outcome=TaskOutcome.REJECT,
            counted=True,
            comment=comment,
        )
        self.event(
            "task_completed", actor, node_id=t.node_id, task_id=t.id, outcome=TaskOutcome.REJECT
        )
        if node.type is NodeType.COUNTERSIGN:
            self.after_vote(t)
        else:
            self.node_rejected(self.tokens[t.token_id], actor)

    def tally(self, token: Token) -> tuple[int, int, int]:
        """(approvals, rejections, voters) of the countersign visit at token."""
        decided: dict[int, TaskOutcome] = {}
        for x in self.tasks.values():
            if (
                x.visit_id == token.visit_id
                and x.counted
                and x.sequence is not None
                and x.outcome is not None
            ):
                decided[x.sequence] = x.outcome
        approvals = sum(1 for o in decided.values() if o is TaskOutcome.APPROVE)
        rejections = sum(1 for o in decided.values() if o is TaskOutcome.REJECT)
        return approvals, rejections, len(token.voters)

    def after_vote(self, t: Task) -> None:
        token = self.tokens[t.token_id]
        node = self.defn.node(t.node_id)
        cfg = node.countersign or CountersignConfig()
        approvals, rejections, total = self.tally(token)
        needed = countersign_threshold(cfg, total)
        remaining = total - approvals - rejections
        data = {"approvals": approvals, "rejections": rejections, "voters": total, "needed": needed}
        if approvals >= needed:
            self.event("countersign_passed", None, node_id=node.id, **data)
            self.node_passed(token)
        elif approvals + remaining < needed:
            self.event("countersign_failed", None, node_id=node.id, **data)
            self.node_rejected(token, None)
        else:
            self.event("countersign_vote", None, node_id=node.id, **data)
            if cfg.order is CountersignOrder.SEQUENTIAL and not self.open_tasks_of(token.id):
                self.open_next_slot(token)

    def open_next_slot(self, token: Token) -> None:
        used = {x.sequence for x in self.tasks.values() if x.visit_id == token.visit_id}
        for i, voter in enumerate(token.voters):
            if i not in used:
                self.create_task(
                    token, assignee=voter, candidates=(voter,), sequence=i, origin="sequence"
                )
                return

    def close_visit(
        self, token: Token, outcome: Literal["approved", "rejected", "returned", "cancelled"]
    ) -> Visit:
        assert token.visit_id is not None
        for x in self.open_tasks_of(token.id):
            self.close_task(x.id, TaskStatus.CANCELLED)
        v = self.visits[token.visit_id]
        handlers = _dedupe(
            x.acted_by or ""
            for x in self.tasks.values()
            if x.visit_id == v.id
            and x.counted
            and x.outcome is TaskOutcome.APPROVE
            and x.acted_by != SYSTEM
        )
        v = v.model_copy(update={"outcome": outcome, "handlers": handlers, "closed_at": self.now})
        self.visits[v.id] = v
        return v

    def node_passed(self, token: Token) -> None:
        node = self.defn.node(token.node_id)
        v = self.close_visit(token, "approved")
        self.completed_nodes.append(
            CompletedNode(node.id, v.id, "approved", v.handlers, node.allocate_number)
        )
        self.event(
            "node_completed",
            None,
            node_id=node.id,
            outcome="approved",
            handlers=list(v.handlers),
            allocate_number=node.allocate_number,
        )
        outs = self.defn.outgoing(node.id)
        if len(outs) != 1:
            raise EngineError(
                "INVALID_DEFINITION", f"node {node.id} must have exactly one outgoing transition"
            )
        moved = token.model_copy(
            update={
                "prev_handlers": v.handlers or token.prev_handlers,
                "visit_id": None,
                "voters": (),
                "state": TokenState.ARRIVED,
            }
        )
        self.tokens[moved.id] = moved
        self.route(moved, outs[0])

    def node_rejected(self, token: Token, actor: str | None) -> None:
        node = self.defn.node(token.node_id)
        v = self.close_visit(token, "rejected")
        self.completed_nodes.append(
            CompletedNode(node.id, v.id, "rejected", v.handlers, node.allocate_number)
        )
        self.event("node_completed", None, node_id=node.id, outcome="rejected")
        if node.reject_to:
            target = self.find_return_visit(token, node.reject_to)
            if target is not None:
                self.return_to(target, actor)
                return
        self.end_instance(InstanceStatus.REJECTED, actor, node_id=node.id)

    # ------------------------------------------------------------------ returns
    def return_candidates(self, token: Token) -> list[Visit]:
        out = []
        for v in self.visits.values():
            if v.outcome != "approved" or v.id == token.visit_id:
                continue
            if v.fork_path == token.fork_path[: len(v.fork_path)]:
                out.append(v)
        return out  # in visit order (ids grow)

    def find_return_visit(
        self, token: Token, node_id: str | None, besides: str | None = None
    ) -> Visit | None:
        """The latest earlier visit of ``node_id`` (any node but ``besides`` when None)."""
        cands = self.return_candidates(token)
        if node_id is not None:
            cands = [v for v in cands if v.node_id == node_id]
        cands = [v for v in cands if v.node_id != besides]
        return cands[-1] if cands else None

    def return_to(self, target: Visit, actor: str | None) -> None:
        scope = target.fork_path
        for tok in list(self.tokens.values()):
            if tok.fork_path[: len(scope)] == scope:
                for x in self.open_tasks_of(tok.id):
                    self.close_task(x.id, TaskStatus.CANCELLED)
                if tok.visit_id is not None and self.visits[tok.visit_id].outcome is None:
                    v = self.visits[tok.visit_id]
                    self.visits[v.id] = v.model_copy(
                        update={"outcome": "returned", "closed_at": self.now}
                    )
                del self.tokens[tok.id]
        for fid, f in list(self.forks.items()):
            if f.fork_path[: len(scope)] == scope:
                del self.forks[fid]
        for pid, p in list(self.pending.items()):
            if p.token_id not in self.tokens:
                del self.pending[pid]
        node = self.defn.node(target.node_id)
        tok = Token(
            id=self.next_id("k"),
            node_id=node.id,
            state=TokenState.ASSIGNING,
            fork_path=scope,
            prev_handlers=target.prev_handlers,
        )
        visit = Visit(
            id=self.next_id("v"),
            node_id=node.id,
            token_id=tok.id,
            fork_path=scope,
            prev_handlers=target.prev_handlers,
            entered_at=self.now,
        )
        self.visits[visit.id] = visit
        tok = tok.model_copy(update={"visit_id": visit.id})
        self.tokens[tok.id] = tok
        self.event("returned", actor, node_id=node.id, visit_id=visit.id)
        if node.type is NodeType.COUNTERSIGN:
            users = target.users or target.handlers
        else:
            users = target.handlers or target.users
        self.open_node(tok, users, origin="return")


# ============================================================================ entry points


def _new_instance(initiator: str, now: datetime) -> Instance:
    return Instance(initiator=initiator, started_at=now)


def start(
    defn: FlowDefinition,
    form: Mapping[str, Any] | None,
    doc: Mapping[str, Any] | None,
    initiator: str,
    *,
    now: datetime,
    auto_assign: bool = True,
) -> Step:
    """Create an instance and route from the start event to the first wait node(s).

    With ``auto_assign`` the engine resolves ``users``, ``previous_handler`` (the initiator
    right after start) and ``form_field`` rules itself; other rules come back as
    ``step.activations`` for :func:`assign`."""
    if not initiator:
        raise EngineError("INVALID_ACTION", "an instance needs an initiator")
    try:
        start_node = defn.start_node
    except KeyError:
        raise EngineError("INVALID_DEFINITION", "the flow has no start node") from None
    outs = defn.outgoing(start_node.id)
    if len(outs) != 1:
        raise EngineError(
            "INVALID_DEFINITION", f"start node {start_node.id} must have exactly one outgoing"
        )
    ctx = _Ctx(defn, _new_instance(initiator, now), form, doc, now)
    tok = Token(
        id=ctx.next_id("k"),
        node_id=start_node.id,
        state=TokenState.ARRIVED,
        prev_handlers=(initiator,),
    )
    ctx.tokens[tok.id] = tok
    ctx.event("instance_started", initiator, node_id=start_node.id)
    ctx.route(tok, outs[0])
    if auto_assign:
        ctx.auto_assign()
    step = ctx.freeze()
    return replace(step, status_change=(None, step.instance.status))


def assign(
    defn: FlowDefinition,
    instance: Instance,
    activation_id: str,
    user_ids: Sequence[str],
    *,
    now: datetime,
) -> Step:
    """Second phase of assignment: create the tasks of a pending activation (for a node
    its id is the node id) for the resolved users (deduplicated, order kept)."""
    _running(instance)
    act = next((p for p in instance.pending if p.id == activation_id), None)
    if act is None:
        raise EngineError("UNKNOWN_ACTIVATION", f"nothing waits for assignees at {activation_id}")
    users = _dedupe(user_ids)
    if not users:
        raise EngineError(
            "NO_ASSIGNEE", f"Nobody was found for {_label(defn, act.node_id)}", node_id=act.node_id
        )
    ctx = _Ctx(defn, instance, None, None, now)
    ctx.apply_assignment(act, users)
    return ctx.freeze()


def resolve_builtin(
    defn: FlowDefinition,
    instance: Instance,
    activation: Activation,
    form: Mapping[str, Any] | None,
) -> list[str] | None:
    """Resolve users / previous_handler / form_field rules without I/O; None for rules that
    need the directory (role, org_unit_leader, initiator_leader)."""
    ctx = _Ctx(defn, instance, form, None, instance.started_at)
    users = ctx.resolve_builtin(activation)
    return None if users is None else list(users)


def _running(instance: Instance) -> None:
    if instance.status is not InstanceStatus.RUNNING:
        raise EngineError("NOT_RUNNING", f"The document is already {instance.status.value}")


def act(
    defn: FlowDefinition,
    instance: Instance,
    action: Action,
    form: Mapping[str, Any] | None = None,
    doc: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    auto_assign: bool = True,
) -> Step:
    """Apply one user action. Raises EngineError (and changes nothing) when not allowed."""
    _running(instance)
    if not getattr(action, "actor", None):
        raise EngineError("INVALID_ACTION", "An action needs an actor")
    ctx = _Ctx(defn, instance, form, doc, now)
    handler = _HANDLERS.get(type(action))
    if handler is None:
        raise EngineError("INVALID_ACTION", f"Unknown action {type(action).__name__}")
    handler(ctx, action)
    if auto_assign and ctx.status is InstanceStatus.RUNNING:
        ctx.auto_assign()
    return ctx.freeze()


# ============================================================================ checks
# One check per action: the handler runs it first and allowed_actions asks it, so a button
# offered is an action that succeeds (given valid arguments: a user, a return target, signers).


def _label(defn: FlowDefinition, node_id: str) -> str:
    """How messages name a node: its name, else its id."""
    return (defn.node(node_id).name if defn.has_node(node_id) else "") or node_id


def _open_task(defn: FlowDefinition, instance: Instance, task_id: str) -> Task:
    t = next((x for x in instance.tasks if x.id == task_id), None)
    if t is None:
        raise EngineError("UNKNOWN_TASK", "No such task", task_id=task_id)
    if t.status is not TaskStatus.OPEN:
        raise EngineError(
            "TASK_CLOSED",
            f"The task at {_label(defn, t.node_id)} is already {t.status.value}",
            task_id=t.id,
            node_id=t.node_id,
        )
    return t


def _refuse(defn: FlowDefinition, t: Task, code: str, message: str) -> EngineError:
    """``message`` names the task's node as ``{node}``."""
    text = message.replace("{node}", _label(defn, t.node_id))
    return EngineError(code, text, task_id=t.id, node_id=t.node_id)


def _claimable(t: Task) -> bool:
    return t.pool or len(t.candidates) > 1


def _may_approve(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if t.can_act(user):
        return
    if t.pool and t.assignee is None and user in t.candidates:
        raise _refuse(defn, t, "NOT_CLAIMED", "Claim the task at {node} before acting on it")
    raise _refuse(defn, t, "NOT_ASSIGNEE", "The task at {node} is not yours")


def _may_reject(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _may_approve(defn, instance, t, user)
    if t.return_stack:
        raise _refuse(
            defn,
            t,
            "INVALID_ACTION",
            "The task at {node} was handed to you for an opinion: approve to hand it back; "
            "rejecting or returning it is for whoever handed it to you",
        )


def _may_return(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _may_reject(defn, instance, t, user)
    if not defn.node(t.node_id).allow_return:
        raise _refuse(defn, t, "INVALID_ACTION", "{node} does not allow returns")
    if not return_targets(defn, instance, t.id):
        raise _refuse(defn, t, "INVALID_TARGET", "There is no earlier step to return {node} to")


def _may_delegate(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _may_approve(defn, instance, t, user)
    if not defn.node(t.node_id).allow_delegate:
        raise _refuse(defn, t, "INVALID_ACTION", "{node} does not allow delegating or transferring")


def _may_claim(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if not _claimable(t):
        raise _refuse(defn, t, "INVALID_ACTION", "The task at {node} is not one to claim")
    if user not in t.candidates:
        raise _refuse(defn, t, "NOT_ASSIGNEE", "You may not claim the task at {node}")
    if t.assignee is not None:
        raise _refuse(defn, t, "ALREADY_CLAIMED", "The task at {node} is already claimed")


def _may_unclaim(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    if not _claimable(t):
        raise _refuse(defn, t, "INVALID_ACTION", "The task at {node} is not one to claim")
    if t.assignee is None:
        raise _refuse(defn, t, "NOT_CLAIMED", "Nobody has claimed the task at {node}")
    if t.assignee != user:
        raise _refuse(defn, t, "NOT_ASSIGNEE", "Someone else claimed the task at {node}")


def _may_add_signers(defn: FlowDefinition, instance: Instance, t: Task, user: str) -> None:
    _may_approve(defn, instance, t, user)
    if not defn.node(t.node_id).allow_add_signer:
        raise _refuse(defn, t, "INVALID_ACTION", "{node} does not allow adding signers")


_TASK_CHECKS = {
    TaskAction.APPROVE: _may_approve,
    TaskAction.REJECT: _may_reject,
    TaskAction.RETURN: _may_return,
    TaskAction.DELEGATE: _may_delegate,
    TaskAction.TRANSFER: _may_delegate,
    TaskAction.CLAIM: _may_claim,
    TaskAction.UNCLAIM: _may_unclaim,
    TaskAction.ADD_SIGNERS: _may_add_signers,
}


def check_task_action(
    defn: FlowDefinition, instance: Instance, action: TaskAction, task_id: str, user: str
) -> Task:
    """The open task, if ``user`` may take ``action`` on it now; else EngineError."""
    _running(instance)
    t = _open_task(defn, instance, task_id)
    _TASK_CHECKS[action](defn, instance, t, user)
    return t


def check_document_action(
    defn: FlowDefinition, instance: Instance, action: DocumentAction, user: str
) -> None:
    """Whether the engine lets ``user`` withdraw, urge or terminate now (permissions are the
    caller's: who may urge or terminate is not the flow's business); else EngineError."""
    _running(instance)
    if action is DocumentAction.WITHDRAW:
        if user != instance.initiator:
            raise EngineError("NOT_INITIATOR", "Only the initiator withdraws a document")
        if not instance.withdrawable:
            raise EngineError(
                "CANNOT_WITHDRAW", "Someone has acted on the document since you sent it"
            )
    elif action is DocumentAction.URGE:
        if not instance.open_tasks:
            raise EngineError("INVALID_ACTION", "No task is open to urge")
    elif action is not DocumentAction.TERMINATE:
        raise EngineError("INVALID_ACTION", f"The flow does not {action.value} documents")


def _do_approve(ctx: _Ctx, a: Approve | Submit) -> None:
    assert a.task_id is not None
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.APPROVE, a.task_id, a.actor)
    ctx.touch(a.actor)
    ctx.approve(t, a.actor, a.comment)


def _do_submit(ctx: _Ctx, a: Submit) -> None:
    if a.actor != ctx.orig.initiator:
        raise EngineError("NOT_INITIATOR", "Only the initiator submits the draft")
    task_id = a.task_id
    if task_id is None:
        mine = [t for t in ctx.orig.open_tasks if t.can_act(a.actor)]
        if not mine:
            raise EngineError("INVALID_ACTION", "You hold no open draft task")
        task_id = mine[0].id
    ctx.event("submitted", a.actor, task_id=task_id)
    _do_approve(ctx, Submit(a.actor, task_id, a.comment))


def _do_reject(ctx: _Ctx, a: Reject) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.REJECT, a.task_id, a.actor)
    ctx.touch(a.actor)
    ctx.reject(t, a.actor, a.comment)


def _do_return(ctx: _Ctx, a: Return) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.RETURN, a.task_id, a.actor)
    target = None
    if a.target_node != t.node_id:
        target = ctx.find_return_visit(ctx.tokens[t.token_id], a.target_node or None, t.node_id)
    if target is None:
        where = _label(ctx.defn, a.target_node) if a.target_node else "that step"
        raise _refuse(
            ctx.defn,
            t,
            "INVALID_TARGET",
            "{node} cannot return to " + where + ": choose a step the document came through",
        )
    ctx.touch(a.actor)
    ctx.close_task(
        t.id, TaskStatus.COMPLETED, actor=a.actor, outcome=TaskOutcome.RETURN, comment=a.comment
    )
    ctx.event(
        "task_completed",
        a.actor,
        node_id=t.node_id,
        task_id=t.id,
        outcome=TaskOutcome.RETURN,
        target=target.node_id,
    )
    ctx.return_to(target, a.actor)


def _check_to_user(ctx: _Ctx, t: Task, actor: str, to_user: str) -> None:
    if not isinstance(to_user, str) or not to_user:
        raise _refuse(ctx.defn, t, "INVALID_TARGET", "Name someone to hand the task to")
    if to_user == actor:
        raise _refuse(ctx.defn, t, "INVALID_TARGET", "You cannot hand a task to yourself")
    if ctx.defn.node(t.node_id).type is NodeType.COUNTERSIGN:
        holders = {x.assignee for x in ctx.open_tasks_of(t.token_id)}
        if to_user in holders or to_user in ctx.tokens[t.token_id].voters:
            raise _refuse(ctx.defn, t, "INVALID_TARGET", "That person already votes at {node}")


def _do_delegate(ctx: _Ctx, a: Delegate) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.DELEGATE, a.task_id, a.actor)
    _check_to_user(ctx, t, a.actor, a.to_user)
    ctx.touch(a.actor)
    ctx.close_task(t.id, TaskStatus.DELEGATED, actor=a.actor, comment=a.comment)
    if a.return_after:
        ctx.clone_task(
            t,
            assignee=a.to_user,
            candidates=(a.to_user,),
            after=(),
            return_stack=(t.id,),
            origin="delegate",
            from_user=a.actor,
        )
    else:
        ctx.clone_task(
            t, assignee=a.to_user, candidates=(a.to_user,), origin="delegate", from_user=a.actor
        )
    ctx.event(
        "task_delegated",
        a.actor,
        node_id=t.node_id,
        task_id=t.id,
        to=a.to_user,
        return_after=a.return_after,
    )


def _do_transfer(ctx: _Ctx, a: Transfer) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.TRANSFER, a.task_id, a.actor)
    _check_to_user(ctx, t, a.actor, a.to_user)
    ctx.touch(a.actor)
    ctx.close_task(t.id, TaskStatus.TRANSFERRED, actor=a.actor, comment=a.comment)
    ctx.clone_task(
        t, assignee=a.to_user, candidates=(a.to_user,), origin="transfer", from_user=a.actor
    )
    ctx.event("task_transferred", a.actor, node_id=t.node_id, task_id=t.id, to=a.to_user)


def _do_claim(ctx: _Ctx, a: Claim) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.CLAIM, a.task_id, a.actor)
    ctx.touch(a.actor)
    ctx.update_task(t.id, assignee=a.actor)
    ctx.event("task_claimed", a.actor, node_id=t.node_id, task_id=t.id)


def _do_unclaim(ctx: _Ctx, a: Unclaim) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.UNCLAIM, a.task_id, a.actor)
    ctx.touch(a.actor)
    ctx.update_task(t.id, assignee=None)
    ctx.event("task_unclaimed", a.actor, node_id=t.node_id, task_id=t.id)


def _do_withdraw(ctx: _Ctx, a: Withdraw) -> None:
    check_document_action(ctx.defn, ctx.orig, DocumentAction.WITHDRAW, a.actor)
    ctx.end_instance(InstanceStatus.WITHDRAWN, a.actor, comment=a.comment)


def _do_urge(ctx: _Ctx, a: Urge) -> None:
    check_document_action(ctx.defn, ctx.orig, DocumentAction.URGE, a.actor)
    if a.task_id is not None:
        targets = [_open_task(ctx.defn, ctx.orig, a.task_id)]
    else:
        targets = ctx.orig.open_tasks
    for t in targets:
        users = (t.assignee,) if t.assignee else t.candidates
        ctx.notifications.append(Notification("urge", t.id, users, a.actor, a.comment))
        ctx.event("task_urged", a.actor, node_id=t.node_id, task_id=t.id, users=list(users))


def _do_add_signer(ctx: _Ctx, a: AddSigner) -> None:
    t = check_task_action(ctx.defn, ctx.orig, TaskAction.ADD_SIGNERS, a.task_id, a.actor)
    node = ctx.defn.node(t.node_id)
    users = _dedupe(a.users)
    if not users or len(users) != len(a.users) or a.actor in users:
        raise _refuse(ctx.defn, t, "INVALID_TARGET", "Add different people other than yourself")
    token = ctx.tokens[t.token_id]
    ctx.touch(a.actor)
    if node.type is NodeType.COUNTERSIGN:
        if set(users) & set(token.voters):
            raise _refuse(ctx.defn, t, "INVALID_TARGET", "Some of them already vote at {node}")
        cfg = node.countersign or CountersignConfig()
        first = len(token.voters)
        token = token.model_copy(update={"voters": (*token.voters, *users)})
        ctx.tokens[token.id] = token
        if cfg.order is CountersignOrder.PARALLEL:
            for i, u in enumerate(users):
                ctx.create_task(
                    token,
                    assignee=u,
                    candidates=(u,),
                    sequence=first + i,
                    origin="add_signer",
                    from_user=a.actor,
                )
        ctx.event(
            "signer_added",
            a.actor,
            node_id=node.id,
            task_id=t.id,
            users=list(users),
            position="countersign",
        )
        return
    if a.position == "after":
        ctx.update_task(t.id, after=(*t.after, *users))
    elif a.position == "before":
        ctx.close_task(t.id, TaskStatus.SUSPENDED, actor=a.actor, comment=a.comment)
        ctx.clone_task(
            t,
            assignee=users[0],
            candidates=(users[0],),
            after=users[1:],
            return_stack=(t.id,),
            origin="add_signer",
            from_user=a.actor,
        )
    else:
        raise _refuse(ctx.defn, t, "INVALID_ACTION", "Add signers 'before' or 'after' you")
    ctx.event(
        "signer_added",
        a.actor,
        node_id=node.id,
        task_id=t.id,
        users=list(users),
        position=a.position,
    )


def _do_terminate(ctx: _Ctx, a: Terminate) -> None:
    check_document_action(ctx.defn, ctx.orig, DocumentAction.TERMINATE, a.actor)
    ctx.end_instance(InstanceStatus.TERMINATED, a.actor, reason=a.reason)


_HANDLERS: dict[type, Any] = {
    Submit: _do_submit,
    Approve: _do_approve,
    Reject: _do_reject,
    Return: _do_return,
    Delegate: _do_delegate,
    Transfer: _do_transfer,
    Claim: _do_claim,
    Unclaim: _do_unclaim,
    Withdraw: _do_withdraw,
    Urge: _do_urge,
    AddSigner: _do_add_signer,
    Terminate: _do_terminate,
}


def fire_timer(
    defn: FlowDefinition,
    instance: Instance,
    task_id: str,
    kind: Literal["deadline", "remind"],
    now: datetime,
    form: Mapping[str, Any] | None = None,
    doc: Mapping[str, Any] | None = None,
    *,
    auto_assign: bool = True,
) -> Step:
    """Apply a due timer. A timer whose task is no longer open (or whose instance ended, or
    that is not yet due) is a no-op: the step has the same instance and no events."""
    task = next((t for t in instance.tasks if t.id == task_id), None)
    if (
        instance.status is not InstanceStatus.RUNNING
        or task is None
        or task.status is not TaskStatus.OPEN
    ):
        return Step(instance=instance)
    ctx = _Ctx(defn, instance, form, doc, now)
    node = defn.node(task.node_id)
    users = (task.assignee,) if task.assignee else task.candidates
    if kind == "remind":
        if task.remind_at is None or now < task.remind_at:
            return Step(instance=instance)
        ctx.notifications.append(Notification("remind", task.id, users))
        ctx.event("task_reminded", None, node_id=task.node_id, task_id=task.id)
        return ctx.freeze()
    if task.due_at is None or now < task.due_at or node.deadline is None:
        return Step(instance=instance)
    action = node.deadline.on_timeout
    ctx.event("task_overdue", None, node_id=task.node_id, task_id=task.id, on_timeout=action.value)
    ctx.update_task(task.id, overdue=True)
    task = ctx.tasks[task.id]
    if action is TimeoutAction.NONE:
        ctx.notifications.append(Notification("overdue", task.id, users))
    elif action is TimeoutAction.APPROVE:
        ctx.touch(None)
        ctx.approve(task, None, "approved automatically at the deadline")
    elif action is TimeoutAction.REJECT:
        ctx.touch(None)
        if task.return_stack:  # a delegate's deadline hands back; the holder decides
            ctx.approve(task, None, "handed back at the deadline")
        else:
            ctx.reject(task, None, "rejected automatically at the deadline")
    elif action is TimeoutAction.ESCALATE:
        rule = node.deadline.escalate_to
        if rule is None:
            ctx.notifications.append(Notification("overdue", task.id, users))
        else:
            pid = f"{task.id}:escalate"
            ctx.pending[pid] = Activation(
                id=pid,
                node_id=task.node_id,
                token_id=task.token_id,
                rule=rule,
                purpose="escalate",
                task_id=task.id,
            )
            ctx.new_activations.append(pid)
    if auto_assign and ctx.status is InstanceStatus.RUNNING:
        ctx.auto_assign()
    return ctx.freeze()


# ============================================================================ queries


def return_targets(defn: FlowDefinition, instance: Instance, task_id: str) -> list[str]:
    """Node ids the holder of ``task_id`` may return to, most recent first."""
    ctx = _Ctx(defn, instance, None, None, instance.started_at)
    t = ctx.tasks.get(task_id)
    if t is None or t.status is not TaskStatus.OPEN or t.token_id not in ctx.tokens:
        return []
    if not defn.node(t.node_id).allow_return or t.return_stack:
        return []
    seen: dict[str, None] = {}
    for v in reversed(ctx.return_candidates(ctx.tokens[t.token_id])):
        if v.node_id != t.node_id:
            seen.setdefault(v.node_id, None)
    return list(seen)


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
