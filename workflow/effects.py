"""What a step tells the services layer to do: the :class:`Step` with the new instance and
its effects (tasks created and closed, nodes completed, timers, notifications, audit events)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .state import Activation, Instance, InstanceStatus, Task

__all__ = ["CompletedNode", "Event", "Notification", "Step", "Timer"]


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
