"""The engine's refusal (:class:`EngineError`) and how its messages name nodes."""

from __future__ import annotations

from i18n import Text

from .definition import FlowDefinition
from .state import Task

__all__ = ["EngineError", "label", "refuse"]


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


def label(defn: FlowDefinition, node_id: str) -> str:
    """How messages name a node: its name, else its id."""
    return (defn.node(node_id).name if defn.has_node(node_id) else "") or node_id


def refuse(defn: FlowDefinition, t: Task, code: str, message: Text) -> EngineError:
    """A refusal about task ``t``; ``message`` names the task's node as ``{node}``."""
    text = Text(message.template, {**message.params, "node": label(defn, t.node_id)})
    return EngineError(code, text, task_id=t.id, node_id=t.node_id)
