"""Node behaviours, one class per node type with the lifecycle hooks of
:class:`workflow.working.Behaviour`: :class:`StartEvent`, :class:`TaskNode`,
:class:`Countersign` (both :class:`WaitNode` s), :class:`ExclusiveGateway`,
:class:`ParallelGateway`, :class:`EndEvent`. :data:`BEHAVIOURS` is what a working copy
dispatches on."""

from __future__ import annotations

from collections.abc import Mapping

from workflow.definition import NodeType
from workflow.working import Behaviour

from .base import NodeBehaviour
from .countersign import Countersign, countersign_threshold
from .end import EndEvent
from .exclusive import ExclusiveGateway
from .parallel import ParallelGateway
from .start import StartEvent
from .task import TaskNode
from .wait import WaitNode, complete

__all__ = [
    "BEHAVIOURS",
    "Countersign",
    "EndEvent",
    "ExclusiveGateway",
    "NodeBehaviour",
    "ParallelGateway",
    "StartEvent",
    "TaskNode",
    "WaitNode",
    "complete",
    "countersign_threshold",
]

BEHAVIOURS: Mapping[NodeType, Behaviour] = {
    NodeType.START: StartEvent(),
    NodeType.TASK: TaskNode(),
    NodeType.COUNTERSIGN: Countersign(),
    NodeType.EXCLUSIVE_GATEWAY: ExclusiveGateway(),
    NodeType.PARALLEL_GATEWAY: ParallelGateway(),
    NodeType.END: EndEvent(),
}
