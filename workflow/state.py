"""The persisted state of one running document (an :class:`Instance`, stored as JSON) and its
parts: tokens, tasks, parallel forks, visits of wait nodes, activations awaiting assignees.

Everything here is a frozen value; a step works on a mutable copy (:mod:`workflow.working`)
and freezes a new instance. :meth:`Instance.from_json` upgrades JSON written by an earlier
engine first (:mod:`workflow.migrations`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import pydantic_core
from pydantic import BaseModel, ConfigDict

from .definition import AssigneeRule
from .migrations import SCHEMA_VERSION, upgrade
from .vocabulary import TaskOutcome, TaskStatus

__all__ = [
    "TERMINAL",
    "Activation",
    "Fork",
    "Instance",
    "InstanceStatus",
    "Task",
    "Token",
    "TokenState",
    "Visit",
]


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
    #: when and by whom it was first opened (viewed) by someone who may act on it.
    opened_at: datetime | None = None
    opened_by: str | None = None
    #: the user an out-of-office rule (委托规则) took it from; ``assignee`` is the delegate.
    delegated_from: str | None = None

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
    #: countersign: the slots added by 加签, each with who added it.
    added_by: tuple[tuple[int, str], ...] = ()
    #: countersign: the slots removed by 减签 (they no longer vote).
    removed: tuple[int, ...] = ()
    #: the visit of the wait node this token left last, while nothing merged into it since
    #: (what 撤回 takes back).
    came_from: str | None = None

    @property
    def active_voters(self) -> tuple[str, ...]:
        """Countersign: the voters not removed."""
        return tuple(u for i, u in enumerate(self.voters) if i not in self.removed)


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
    outcome: (
        Literal["approved", "rejected", "returned", "cancelled", "withdrawn", "jumped"] | None
    ) = None
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
    schema_version: int = SCHEMA_VERSION
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
        """Parse stored JSON (a string or the dict of a JSON column), upgrading an older
        schema version; ValueError (pydantic's ValidationError among them) when it is not an
        instance this engine can read."""
        raw = data if isinstance(data, Mapping) else pydantic_core.from_json(data)
        if not isinstance(raw, Mapping):
            raise ValueError("an instance is a JSON object")
        return cls.model_validate(upgrade(raw))

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
