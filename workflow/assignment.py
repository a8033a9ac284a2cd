"""Assignment, the second half of entering a wait node (or of an escalation): an
:class:`~workflow.state.Activation` names a rule; rules the engine can answer alone (users,
previous handler, form field) are resolved here, the others by the services layer from the
directory, and either way :func:`apply_assignment` opens the tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from i18n import _

from .definition import AssigneeRule, FormFieldRule, PreviousHandlerRule, UsersRule
from .errors import EngineError, label
from .state import Activation
from .vocabulary import TaskStatus
from .working import Working, dedupe

__all__ = ["apply_assignment", "auto_assign", "builtin_users", "copy_users"]


def builtin_users(w: Working, act: Activation) -> tuple[str, ...] | None:
    """The users of a rule the engine answers alone; None for a directory rule."""
    rule = act.rule
    if isinstance(rule, UsersRule):
        return dedupe(rule.ids)
    if isinstance(rule, PreviousHandlerRule):
        if act.purpose == "escalate" and act.task_id is not None:
            tok = w.tokens.get(w.tasks[act.task_id].token_id)
        else:
            tok = w.tokens.get(act.token_id)
        if tok is None:
            return None
        return tok.prev_handlers or (w.orig.initiator,)
    if isinstance(rule, FormFieldRule):
        return _users_from_value(_get_path(w.form, rule.field))
    return None


def copy_users(
    rule: AssigneeRule, handlers: tuple[str, ...], form: Mapping[str, Any]
) -> tuple[str, ...] | None:
    """Who a node's ``cc`` rule names when the node completed, by ``handlers``; None for a
    rule the directory answers."""
    if isinstance(rule, UsersRule):
        return dedupe(rule.ids)
    if isinstance(rule, PreviousHandlerRule):
        return dedupe(handlers)
    if isinstance(rule, FormFieldRule):
        return _users_from_value(_get_path(form, rule.field))
    return None


def auto_assign(w: Working) -> None:
    """Open the tasks of this step's activations whose rules the engine answers alone."""
    for pid in list(w.new_activations):
        act = w.pending.get(pid)
        if act is None:
            continue
        users = builtin_users(w, act)
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
                _(
                    "Nobody is assigned to {label}{detail}",
                    label=label(w.defn, act.node_id),
                    detail=detail,
                ),
                node_id=act.node_id,
            )
        apply_assignment(w, act, users)


def apply_assignment(w: Working, act: Activation, users: tuple[str, ...]) -> None:
    """Open a node's tasks for ``users``, or move an escalated task to them. Where duties are
    separated the initiator is left out, unless nobody else was found."""
    del w.pending[act.id]
    if w.defn.separates_duties(act.node_id) and len(users) > 1:
        users = tuple(u for u in users if u != w.orig.initiator)
    if act.purpose == "escalate":
        assert act.task_id is not None
        old = w.tasks[act.task_id]
        w.close_task(old.id, TaskStatus.ESCALATED)
        w.hand_to(old, users, "escalate", old.assignee)
        w.event("task_escalated", None, node_id=old.node_id, task_id=old.id, users=list(users))
        return
    w.event("node_assigned", None, node_id=act.node_id, users=list(users))
    w.behaviour(act.node_id).open(w, w.tokens[act.token_id], users, "assign")


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
        return dedupe([value])
    if isinstance(value, Mapping):
        return dedupe([value.get("id")])
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_users_from_value(item))
        return dedupe(out)
    return ()
