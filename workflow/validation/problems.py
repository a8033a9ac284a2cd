"""A problem with a definition (:class:`Problem`, what validation and BPMN import report),
and parsing JSON into a definition with its schema errors as problems."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from i18n import _
from workflow.definition import FlowDefinition

__all__ = ["Problem", "field_known", "parse_definition"]


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    node_id: str | None = None
    transition_id: str | None = None
    severity: Literal["error", "warning"] = "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "nodeId": self.node_id,
            "transitionId": self.transition_id,
            "severity": self.severity,
        }


def field_known(path: str, known: Collection[str]) -> bool:
    """Whether a form field path exists in ``known``: exactly, or below a known field whose
    children the known set does not list."""
    if path in known:
        return True
    parts = path.split(".")
    for i in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in known:
            return not any(k.startswith(prefix + ".") for k in known)
    return False


def parse_definition(
    data: str | bytes | Mapping[str, Any],
) -> tuple[FlowDefinition | None, list[Problem]]:
    """Parse JSON into a definition; schema errors become problems (code SCHEMA)."""
    try:
        if isinstance(data, Mapping):
            return FlowDefinition.model_validate(dict(data)), []
        return FlowDefinition.model_validate_json(data), []
    except ValidationError as exc:
        raw: Any = data if isinstance(data, Mapping) else None  # pragma: no mutate
        return None, [_schema_problem(err, raw) for err in exc.errors()]


def _schema_problem(err: Any, raw: Any) -> Problem:
    """One pydantic error as a problem naming the node or transition it is in."""
    loc = err["loc"]
    node_id = transition_id = None
    if len(loc) >= 2 and loc[0] in ("nodes", "transitions") and isinstance(loc[1], int):
        try:
            item_id = raw[loc[0]][loc[1]].get("id") if raw is not None else None
        except (KeyError, IndexError, TypeError, AttributeError):
            item_id = None
        if loc[0] == "nodes":
            node_id = item_id
        else:
            transition_id = item_id
    where = ".".join(str(p) for p in loc)
    return Problem(
        "SCHEMA",
        _("{where}: {problem}", where=where, problem=err.get("msg")),
        node_id,
        transition_id,
    )
