"""Flow definitions (流程定义): the data a department draws, parsed from JSON.

A definition is a graph of :class:`Node` s joined by :class:`Transition` s. It is parsed
leniently (camelCase or snake_case keys, unknown keys rejected) so that *every* graph problem
can be reported by :func:`workflow.validation.validate` as a list of problems instead of the
first parse error; numeric ranges (countersign share, deadline hours, levelsUp) are therefore
checked there too, not here. Use :func:`parse_definition` to turn raw JSON into a definition
plus schema problems in the same :class:`~workflow.validation.Problem` shape.

Example (JSON)::

    {"id": "dispatch", "name": "发文",
     "nodes": [
       {"id": "start", "type": "start"},
       {"id": "draft", "name": "拟稿", "type": "task",
        "assignee": {"kind": "previous_handler"},
        "fieldAccess": {"title": "editable"}},
       {"id": "review", "name": "核稿", "type": "countersign",
        "assignee": {"kind": "role", "roleCode": "office_director"},
        "countersign": {"mode": "share", "share": 0.5, "order": "parallel"},
        "deadline": {"hours": 24, "remindBeforeHours": 4, "onTimeout": "escalate",
                     "escalateTo": {"kind": "initiator_leader", "levelsUp": 1}}},
       {"id": "end", "type": "end"}],
     "transitions": [
       {"id": "t1", "source": "start", "target": "draft"},
       {"id": "t2", "source": "draft", "target": "review"},
       {"id": "t3", "source": "review", "target": "end"}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

import pydantic_core
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "WAIT_NODE_TYPES",
    "AssigneeRule",
    "CountersignConfig",
    "CountersignMode",
    "CountersignOrder",
    "Deadline",
    "FieldAccess",
    "FlowDefinition",
    "FormFieldRule",
    "InitiatorLeaderRule",
    "Node",
    "NodeType",
    "OrgUnitLeaderRule",
    "PreviousHandlerRule",
    "RoleRule",
    "TimeoutAction",
    "Transition",
    "UsersRule",
    "load_definition",
]


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict with camelCase keys and defaults left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)


# ---------------------------------------------------------------------------- assignee rules


class _Rule(_Model):
    kind: str

    @model_serializer(mode="wrap")
    def _keep_kind(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        data["kind"] = self.kind  # the tag survives exclude_defaults
        return data


class UsersRule(_Rule):
    """Fixed users by id."""

    kind: Literal["users"] = "users"
    ids: list[str]


class RoleRule(_Rule):
    """Every user holding the role (resolved by the services layer)."""

    kind: Literal["role"] = "role"
    role_code: str


class OrgUnitLeaderRule(_Rule):
    """The leader(s) of an org unit (resolved by the services layer)."""

    kind: Literal["org_unit_leader"] = "org_unit_leader"
    org_unit_id: str


class InitiatorLeaderRule(_Rule):
    """Leader of the initiator's org unit: levelsUp 0 = own unit, 1 = parent unit, ..."""

    kind: Literal["initiator_leader"] = "initiator_leader"
    levels_up: int = 0


class PreviousHandlerRule(_Rule):
    """Whoever completed the previous wait node on this path (the initiator right after start).
    Resolved by the engine itself."""

    kind: Literal["previous_handler"] = "previous_handler"


class FormFieldRule(_Rule):
    """A form field (dot path) holding a user id, a list of ids, or objects with an "id" key.
    Resolved by the engine itself."""

    kind: Literal["form_field"] = "form_field"
    field: str


AssigneeRule = Annotated[
    UsersRule
    | RoleRule
    | OrgUnitLeaderRule
    | InitiatorLeaderRule
    | PreviousHandlerRule
    | FormFieldRule,
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------- node options


class NodeType(StrEnum):
    START = "start"
    TASK = "task"
    COUNTERSIGN = "countersign"
    EXCLUSIVE_GATEWAY = "exclusive_gateway"
    PARALLEL_GATEWAY = "parallel_gateway"
    END = "end"


WAIT_NODE_TYPES = frozenset({NodeType.TASK, NodeType.COUNTERSIGN})


class FieldAccess(StrEnum):
    EDITABLE = "editable"
    READONLY = "readonly"
    HIDDEN = "hidden"


class TimeoutAction(StrEnum):
    NONE = "none"
    APPROVE = "approve"
    REJECT = "reject"
    ESCALATE = "escalate"


class Deadline(_Model):
    """When each task at a node is due, counted from the task's creation: ``hours`` of
    wall-clock time, or ``workingHours`` / ``workingDays`` on the tenant's working-time
    calendar (public holidays and make-up workdays included; see :mod:`workflow.worktime`).
    Exactly one of the three is set. ``remindBeforeHours`` counts the same way (working hours
    for a working-time deadline)."""

    hours: float | None = None
    working_hours: float | None = None
    working_days: int | None = None
    remind_before_hours: float | None = None
    on_timeout: TimeoutAction = TimeoutAction.NONE
    #: who gets the task when ``onTimeout`` is ``escalate`` (the old task is closed).
    escalate_to: AssigneeRule | None = None


class CountersignMode(StrEnum):
    ALL = "all"
    ANY = "any"
    SHARE = "share"


class CountersignOrder(StrEnum):
    PARALLEL = "parallel"
    SEQUENTIAL = "sequential"


class CountersignConfig(_Model):
    mode: CountersignMode = CountersignMode.ALL
    #: required for mode ``share``: approvals / voters >= share passes; in (0, 1].
    share: float | None = None
    order: CountersignOrder = CountersignOrder.PARALLEL


# ---------------------------------------------------------------------------- graph


class Node(_Model):
    id: str
    name: str = ""
    type: NodeType
    #: task / countersign: who handles it (None only in drafts, e.g. after a BPMN import).
    assignee: AssigneeRule | None = None
    #: task: True = candidates must claim before acting (签收/抢办). False = a single assignee,
    #: or, when the rule resolves to several users, any one of them acts for the node (the
    #: first to act wins; claiming is optional).
    pool: bool = False
    field_access: dict[str, FieldAccess] = Field(default_factory=dict)
    deadline: Deadline | None = None
    #: services allocate the document number (文号) when this node completes.
    allocate_number: bool = False
    #: 归档: approving this node files the document (ARCHIVED) as the flow ends; it must lead
    #: straight to an end node.
    archives: bool = False
    #: whether handlers may return (退回) from this node to an earlier one.
    allow_return: bool = True
    #: whether handlers may delegate / transfer / add signers at this node.
    allow_delegate: bool = True
    allow_add_signer: bool = True
    #: on reject (or a failed countersign) go back to this earlier node instead of ending
    #: the instance as rejected.
    reject_to: str | None = None
    #: countersign only.
    countersign: CountersignConfig | None = None
    #: end only: a terminate end event (cancels everything else when reached).
    terminate: bool = False
    #: task / countersign: separation of duties (职责分离) here; None follows the flow's
    #: ``separateDuties``. The initiator may not approve at such a node (nor be handed or
    #: added to it), whoever she holds the task for.
    separate_duties: bool | None = None
    #: task / countersign: 抄送, who gets a read-only copy (传阅) when the node completes with
    #: approval; the same rules as ``assignee`` (``previous_handler``: the node's handlers).
    cc: list[AssigneeRule] = Field(default_factory=list)

    @property
    def is_wait(self) -> bool:
        return self.type in WAIT_NODE_TYPES


class Transition(_Model):
    id: str
    source: str
    target: str
    name: str = ""
    #: CEL over ``form`` and ``doc``; only on transitions leaving an exclusive gateway.
    condition: str | None = None
    #: the exclusive gateway's fallback when no condition holds.
    default: bool = False


class FlowDefinition(_Model):
    id: str = "flow"
    name: str = ""
    nodes: list[Node]
    transitions: list[Transition]
    #: separation of duties at every wait node that does not say otherwise.
    separate_duties: bool = False

    # Lookups are computed once per (immutable) definition.
    @cached_property
    def _by_id(self) -> dict[str, Node]:
        return {n.id: n for n in reversed(self.nodes)}  # first wins on duplicates

    @cached_property
    def _out(self) -> dict[str, list[Transition]]:
        out: dict[str, list[Transition]] = {}
        for t in self.transitions:
            out.setdefault(t.source, []).append(t)
        return out

    @cached_property
    def _in(self) -> dict[str, list[Transition]]:
        inc: dict[str, list[Transition]] = {}
        for t in self.transitions:
            inc.setdefault(t.target, []).append(t)
        return inc

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> FlowDefinition:
        """Copy without the cached lookups (they would describe the old graph)."""
        copied = super().model_copy(update=update, deep=deep)
        for key in ("_by_id", "_out", "_in"):
            copied.__dict__.pop(key, None)
        return copied

    def node(self, node_id: str) -> Node:
        """The node with this id; KeyError if there is none."""
        return self._by_id[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._by_id

    def outgoing(self, node_id: str) -> list[Transition]:
        return list(self._out.get(node_id, ()))

    def incoming(self, node_id: str) -> list[Transition]:
        return list(self._in.get(node_id, ()))

    def separates_duties(self, node_id: str) -> bool:
        """Whether the initiator is kept from approving at this node."""
        node = self.node(node_id)
        return self.separate_duties if node.separate_duties is None else node.separate_duties

    @property
    def start_node(self) -> Node:
        for n in self.nodes:
            if n.type is NodeType.START:
                return n
        raise KeyError("no start node")

    def is_split(self, node_id: str) -> bool:
        n = self._by_id.get(node_id)
        return (
            n is not None
            and n.type is NodeType.PARALLEL_GATEWAY
            and len(self._out.get(node_id, ())) > 1
        )

    def is_join(self, node_id: str) -> bool:
        n = self._by_id.get(node_id)
        return (
            n is not None
            and n.type is NodeType.PARALLEL_GATEWAY
            and len(self._in.get(node_id, ())) > 1
        )

    @classmethod
    def from_json(cls, data: str | bytes | dict[str, Any]) -> FlowDefinition:
        """Parse (raises pydantic.ValidationError; see parse_definition for problems)."""
        if isinstance(data, dict):
            return cls.model_validate(data)
        return cls.model_validate_json(data)

    def to_json(self) -> dict[str, Any]:
        return self.to_json_dict()


def load_definition(data: Mapping[str, Any]) -> FlowDefinition:
    """A stored definition (a flow version's JSON) parsed once: the same JSON gives the same
    immutable definition, so reads and writes share one cache (published versions never
    change, and an edited draft is simply other JSON)."""
    return _load(pydantic_core.to_json(data))


@lru_cache(maxsize=512)
def _load(raw: bytes) -> FlowDefinition:
    return FlowDefinition.from_json(raw)
