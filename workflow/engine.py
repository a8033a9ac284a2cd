"""The flow runtime's entry points: pure, deterministic functions from (definition, instance,
input) to a :class:`~workflow.effects.Step`.

Nothing here reads a clock, a database or the network: the caller passes ``now``, the form
data and the document attributes, persists ``step.instance`` (``to_json()``) and acts on the
effects (tasks to insert/close, assignees to resolve, timers to schedule, numbers to allocate,
events to audit and publish). Functions never mutate their arguments; an action that is not
allowed raises :class:`~workflow.errors.EngineError` and so changes nothing.

Each call makes a working copy (:mod:`workflow.working`), lets the action's handler
(:mod:`workflow.handlers`), the assignment (:mod:`workflow.assignment`) or the timer
(:mod:`workflow.timers`) change it, and freezes the result. Tokens mark where execution
waits: at a task or countersign node (``waiting``, with open tasks, or ``assigning`` while an
activation awaits user ids) or at a parallel join (``arrived``); routing through gateways is
synchronous (:mod:`workflow.routing`). What each node type does lives in its behaviour class
(:mod:`workflow.nodes`): tasks and pools, countersign votes, gateways, end events, rejection
to ``rejectTo``; returns in :mod:`workflow.returns`. Delegation (委托) with return hands the
task back to the delegator, who then decides; without return it works like a transfer (转交).
Withdrawing (收回) is the initiator's while nobody else has acted since their own last action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from i18n import _

from .actions import Action
from .assignment import apply_assignment, auto_assign, builtin_users
from .checks import check_running
from .definition import FlowDefinition
from .effects import Step
from .environment import Environment
from .errors import EngineError, label
from .handlers import HANDLERS
from .nodes import BEHAVIOURS, StartEvent
from .routing import route
from .state import Activation, Instance, InstanceStatus, Token, TokenState
from .timers import due_task, fire
from .working import Working, dedupe

__all__ = ["act", "assign", "fire_timer", "resolve_builtin", "start"]


def _working(
    defn: FlowDefinition,
    instance: Instance,
    now: datetime,
    form: Mapping[str, Any] | None = None,
    doc: Mapping[str, Any] | None = None,
    env: Environment | None = None,
) -> Working:
    return Working(defn, instance, form, doc, now, BEHAVIOURS, env)


def _finish(w: Working, auto: bool) -> Step:
    if auto and w.status is InstanceStatus.RUNNING:
        auto_assign(w)
    return w.freeze()


def start(
    defn: FlowDefinition,
    form: Mapping[str, Any] | None,
    doc: Mapping[str, Any] | None,
    initiator: str,
    *,
    now: datetime,
    auto_assign: bool = True,
    env: Environment | None = None,
) -> Step:
    """Create an instance and route from the start event to the first wait node(s).

    With ``auto_assign`` the engine resolves ``users``, ``previous_handler`` (the initiator
    right after start) and ``form_field`` rules itself; other rules come back as
    ``step.activations`` for :func:`assign`."""
    if not initiator:
        raise EngineError("INVALID_ACTION", _("an instance needs an initiator"))
    node, first = StartEvent.leave(defn)
    w = _working(defn, Instance(initiator=initiator, started_at=now), now, form, doc, env)
    token = Token(
        id=w.next_id("k"), node_id=node.id, state=TokenState.ARRIVED, prev_handlers=(initiator,)
    )
    w.tokens[token.id] = token
    w.event("instance_started", initiator, node_id=node.id)
    route(w, token, first)
    step = _finish(w, auto_assign)
    return replace(step, status_change=(None, step.instance.status))


def act(
    defn: FlowDefinition,
    instance: Instance,
    action: Action,
    form: Mapping[str, Any] | None = None,
    doc: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    auto_assign: bool = True,
    env: Environment | None = None,
) -> Step:
    """Apply one user action. Raises EngineError (and changes nothing) when not allowed."""
    check_running(instance)
    if not getattr(action, "actor", None):
        raise EngineError("INVALID_ACTION", _("An action needs an actor"))
    w = _working(defn, instance, now, form, doc, env)
    handler = HANDLERS.get(type(action))
    if handler is None:
        raise EngineError(
            "INVALID_ACTION", _("Unknown action {__name__}", __name__=type(action).__name__)
        )
    handler(w, action)
    return _finish(w, auto_assign)


def assign(
    defn: FlowDefinition,
    instance: Instance,
    activation_id: str,
    user_ids: Sequence[str],
    *,
    now: datetime,
    env: Environment | None = None,
) -> Step:
    """Second phase of assignment: create the tasks of a pending activation (for a node
    its id is the node id) for the resolved users (deduplicated, order kept)."""
    check_running(instance)
    act = next((p for p in instance.pending if p.id == activation_id), None)
    if act is None:
        raise EngineError(
            "UNKNOWN_ACTIVATION",
            _("nothing waits for assignees at {activation_id}", activation_id=activation_id),
        )
    users = dedupe(user_ids)
    if not users:
        raise EngineError(
            "NO_ASSIGNEE",
            _("Nobody was found for {label}", label=label(defn, act.node_id)),
            node_id=act.node_id,
        )
    w = _working(defn, instance, now, env=env)
    apply_assignment(w, act, users)
    return w.freeze()


def resolve_builtin(
    defn: FlowDefinition,
    instance: Instance,
    activation: Activation,
    form: Mapping[str, Any] | None,
) -> list[str] | None:
    """Resolve users / previous_handler / form_field rules without I/O; None for rules that
    need the directory (role, org_unit_leader, initiator_leader)."""
    users = builtin_users(_working(defn, instance, instance.started_at, form), activation)
    return None if users is None else list(users)


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
    env: Environment | None = None,
) -> Step:
    """Apply a due timer. A timer whose task is no longer open (or whose instance ended, or
    that is not yet due) is a no-op: the step has the same instance and no events."""
    task = due_task(defn, instance, task_id, kind, now)
    if task is None:
        return Step(instance=instance)
    w = _working(defn, instance, now, form, doc, env)
    fire(w, task, kind)
    return _finish(w, auto_assign)
