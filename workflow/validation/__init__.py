"""Publish-time validation of flow definitions: a list of problems, never an exception.

Every problem names the node or transition it is about (``node_id`` / ``transition_id`` and
in the English message). Codes are stable; severity ``error`` blocks publishing, ``warning``
does not.

Rules, beyond the obvious ones (ids, one start, an end, reachability, no traps):

* task and countersign nodes have exactly one outgoing transition (branch with a gateway);
* conditions only on transitions leaving an exclusive gateway; there, every non-default
  transition has a condition, at most one is the default, and a default is required unless
  the gateway has exactly two transitions whose conditions are ``X`` and ``!(X)``
  (exhaustiveness cannot be proven in general);
* conditions compile (see :mod:`workflow.expressions`) and read only known form fields and
  document attributes; ``form_field`` assignee rules and ``fieldAccess`` keys name known
  fields (a path below a known field is accepted when the known set lists no children of it);
* a cycle must pass a wait node (a gateway-only cycle could route forever);
* parallel gateways are block-structured: every branch of a split (a parallel gateway with
  several outgoing transitions) reaches the same join (several incoming) without reaching an
  end (a terminate end is fine: it ends everything) or looping back to the split, nothing
  enters the region between them from outside, and every join closes exactly one split.
  Under this rule a join cannot wait forever;
* ``rejectTo`` names a wait node that every path to this node passes (a dominator).
"""

from __future__ import annotations

from collections.abc import Collection

from i18n import _
from workflow.definition import FlowDefinition, NodeType
from workflow.expressions import DOC_ATTRIBUTES

from .checker import CheckAssignee, Checker, node_name
from .edges import check_exclusive, check_ids, check_transitions
from .graph import check_gateway_cycles, check_reachability, check_reject_to
from .nodes import check_node
from .parallel import check_parallel
from .problems import Problem, field_known, parse_definition

__all__ = ["Problem", "field_known", "parse_definition", "validate"]


def validate(
    defn: FlowDefinition,
    form_fields: Collection[str] | None = None,
    check_assignee: CheckAssignee | None = None,
    *,
    doc_attributes: Collection[str] = DOC_ATTRIBUTES,
) -> list[Problem]:
    """All problems of ``defn``; [] when it can be published.

    ``form_fields``: the bound form's field paths (None = no form bound: field names are not
    checked). ``check_assignee(rule)``: the services layer's check that a role / org unit /
    user exists, returning a problem message or None."""
    v = Checker(defn, form_fields, check_assignee, doc_attributes)
    check_ids(v)
    check_transitions(v)
    starts = [n for n in defn.nodes if n.type is NodeType.START]
    ends = [n for n in defn.nodes if n.type is NodeType.END]
    if not starts:
        v.add("NO_START", _("the flow has no start node"))
    for extra in starts[1:]:
        v.add(
            "MULTIPLE_START",
            _("{node_name} is a second start node", node_name=node_name(extra)),
            extra,
        )
    if not ends:
        v.add("NO_END", _("the flow has no end node"))
    for node in defn.nodes:
        check_node(v, node)
    for node in defn.nodes:
        if node.type is NodeType.EXCLUSIVE_GATEWAY:
            check_exclusive(v, node)
    if starts:
        check_reachability(v, starts[0], ends)
        check_reject_to(v, starts[0])
    check_gateway_cycles(v)
    check_parallel(v)
    return v.problems
