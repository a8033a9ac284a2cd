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

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from .definition import (
    AssigneeRule,
    CountersignMode,
    FlowDefinition,
    FormFieldRule,
    InitiatorLeaderRule,
    Node,
    NodeType,
    TimeoutAction,
    Transition,
    UsersRule,
)
from .expressions import DOC_ATTRIBUTES, ExpressionError, compile_condition

__all__ = ["Problem", "field_known", "parse_definition", "validate"]

ID_PATTERN = re.compile(r"^[^\W\d][\w.\-]{0,127}$")


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


CheckAssignee = Callable[[AssigneeRule], "str | None"]


def _n(node: Node) -> str:
    return f"node '{node.id}'" + (f" ({node.name})" if node.name else "")


def _t(tr: Transition) -> str:
    return f"transition '{tr.id}' ({tr.source} -> {tr.target})"


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
        problems = []
        raw: Any = data if isinstance(data, Mapping) else None
        for err in exc.errors():
            loc = err.get("loc", ())
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
            problems.append(Problem("SCHEMA", f"{where}: {err.get('msg')}", node_id, transition_id))
        return None, problems


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
    v = _Validator(defn, form_fields, check_assignee, doc_attributes)
    v.run()
    return v.problems


class _Validator:
    def __init__(
        self,
        defn: FlowDefinition,
        form_fields: Collection[str] | None,
        check_assignee: CheckAssignee | None,
        doc_attributes: Collection[str],
    ) -> None:
        self.d = defn
        self.fields = set(form_fields) if form_fields is not None else None
        self.check_assignee = check_assignee
        self.doc_attributes = set(doc_attributes)
        self.problems: list[Problem] = []
        self.nodes: dict[str, Node] = {}
        self.out: dict[str, list[Transition]] = {}
        self.inc: dict[str, list[Transition]] = {}

    def add(
        self,
        code: str,
        message: str,
        node: Node | None = None,
        tr: Transition | None = None,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        self.problems.append(
            Problem(code, message, node.id if node else None, tr.id if tr else None, severity)
        )

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        self.check_ids()
        self.check_transitions()
        starts = [n for n in self.d.nodes if n.type is NodeType.START]
        ends = [n for n in self.d.nodes if n.type is NodeType.END]
        if not starts:
            self.add("NO_START", "the flow has no start node")
        for extra in starts[1:]:
            self.add("MULTIPLE_START", f"{_n(extra)} is a second start node", extra)
        if not ends:
            self.add("NO_END", "the flow has no end node")
        for node in self.d.nodes:
            self.check_node(node)
        for node in self.d.nodes:
            if node.type is NodeType.EXCLUSIVE_GATEWAY:
                self.check_exclusive(node)
        if starts:
            self.check_reachability(starts[0], ends)
            self.check_reject_to(starts[0])
        self.check_gateway_cycles()
        self.check_parallel()

    # ------------------------------------------------------------------ ids and edges
    def check_ids(self) -> None:
        for node in self.d.nodes:
            if node.id in self.nodes:
                self.add("DUPLICATE_NODE_ID", f"node id '{node.id}' is used twice", node)
                continue
            self.nodes[node.id] = node
            if not ID_PATTERN.match(node.id):
                self.add(
                    "INVALID_ID",
                    f"node id '{node.id}' must start with a letter or '_' and contain only "
                    "letters, digits, '_', '-' or '.' (max 128)",
                    node,
                )
        seen: set[str] = set()
        for tr in self.d.transitions:
            if tr.id in seen:
                self.add("DUPLICATE_TRANSITION_ID", f"transition id '{tr.id}' is used twice", tr=tr)
            elif tr.id in self.nodes:
                self.add("DUPLICATE_ID", f"transition id '{tr.id}' is also a node id", tr=tr)
            elif not ID_PATTERN.match(tr.id):
                self.add(
                    "INVALID_ID",
                    f"transition id '{tr.id}' must start with a letter or '_' and contain only "
                    "letters, digits, '_', '-' or '.' (max 128)",
                    tr=tr,
                )
            seen.add(tr.id)

    def check_transitions(self) -> None:
        pairs: set[tuple[str, str]] = set()
        for tr in self.d.transitions:
            ok = True
            if tr.source not in self.nodes:
                self.add("UNKNOWN_SOURCE", f"{_t(tr)} starts at unknown node '{tr.source}'", tr=tr)
                ok = False
            if tr.target not in self.nodes:
                self.add("UNKNOWN_TARGET", f"{_t(tr)} leads to unknown node '{tr.target}'", tr=tr)
                ok = False
            if not ok:
                continue
            if tr.source == tr.target:
                self.add("SELF_LOOP", f"{_t(tr)} leads from a node to itself", tr=tr)
                continue
            if (tr.source, tr.target) in pairs:
                self.add(
                    "DUPLICATE_FLOW",
                    f"{_t(tr)} duplicates another transition between the same nodes",
                    tr=tr,
                )
            pairs.add((tr.source, tr.target))
            self.out.setdefault(tr.source, []).append(tr)
            self.inc.setdefault(tr.target, []).append(tr)
            src = self.nodes[tr.source]
            if src.type is not NodeType.EXCLUSIVE_GATEWAY:
                if tr.condition is not None and tr.condition.strip():
                    self.add(
                        "CONDITION_NOT_ALLOWED",
                        f"{_t(tr)} has a condition but leaves {src.type.value} {_n(src)}; "
                        "conditions belong on transitions leaving an exclusive gateway",
                        tr=tr,
                    )
                if tr.default:
                    self.add(
                        "DEFAULT_NOT_ALLOWED",
                        f"{_t(tr)} is marked default but leaves {src.type.value} {_n(src)}",
                        tr=tr,
                    )
            if tr.condition is not None and tr.condition.strip():
                self.check_condition(tr)

    def check_condition(self, tr: Transition) -> None:
        assert tr.condition is not None
        try:
            cond = compile_condition(tr.condition)
        except ExpressionError as exc:
            self.add("INVALID_CONDITION", f"condition of {_t(tr)}: {exc.message}", tr=tr)
            return
        if self.fields is not None:
            for f in sorted(cond.referenced_fields()):
                if not field_known(f, self.fields):
                    self.add(
                        "UNKNOWN_FIELD",
                        f"condition of {_t(tr)} reads form field '{f}', which the form "
                        "does not have",
                        tr=tr,
                    )
        for a in sorted(cond.referenced_doc_attributes()):
            if a not in self.doc_attributes:
                self.add(
                    "UNKNOWN_DOC_ATTRIBUTE",
                    f"condition of {_t(tr)} reads doc.{a}, which is not a document attribute",
                    tr=tr,
                )

    # ------------------------------------------------------------------ nodes
    def check_node(self, node: Node) -> None:
        outs = self.out.get(node.id, [])
        ins = self.inc.get(node.id, [])
        t = node.type
        if t is NodeType.START:
            if ins:
                self.add("START_HAS_INCOMING", f"start {_n(node)} has incoming transitions", node)
            if len(outs) != 1:
                self.add(
                    "START_OUTGOING",
                    f"start {_n(node)} must have exactly one outgoing transition (has {len(outs)})",
                    node,
                )
        elif t is NodeType.END:
            if outs:
                self.add("END_HAS_OUTGOING", f"end {_n(node)} has outgoing transitions", node)
        elif node.is_wait:
            if len(outs) != 1:
                self.add(
                    "WAIT_NODE_OUTGOING",
                    f"{t.value} {_n(node)} must have exactly one outgoing transition "
                    f"(has {len(outs)}); branch with an exclusive or parallel gateway",
                    node,
                )
        elif t is NodeType.PARALLEL_GATEWAY and len(ins) == 1 and len(outs) == 1:
            self.add(
                "PASS_THROUGH_GATEWAY",
                f"parallel gateway {_n(node)} neither splits nor joins",
                node,
                severity="warning",
            )
        if node.is_wait:
            self.check_wait_node(node)
            if node.archives and any(self.nodes[tr.target].type is not NodeType.END for tr in outs):
                self.add(
                    "ARCHIVE_NOT_LAST",
                    f"{_n(node)} archives the document, so it must lead straight to an end node",
                    node,
                )
        else:
            for attr, label in (
                ("assignee", "an assignee"),
                ("deadline", "a deadline"),
                ("countersign", "countersign settings"),
                ("reject_to", "rejectTo"),
            ):
                if getattr(node, attr) is not None:
                    self.add("NOT_ALLOWED", f"{t.value} {_n(node)} cannot have {label}", node)
            if node.allocate_number:
                self.add(
                    "NOT_ALLOWED",
                    f"{t.value} {_n(node)} cannot allocate numbers; only wait nodes",
                    node,
                )
            if node.archives:
                self.add(
                    "NOT_ALLOWED", f"{t.value} {_n(node)} cannot archive; only wait nodes", node
                )
            if node.field_access and t is not NodeType.START:
                self.add("NOT_ALLOWED", f"{t.value} {_n(node)} cannot have field access", node)
            else:
                self.check_field_access(node)
            if node.pool:
                self.add("NOT_ALLOWED", f"{t.value} {_n(node)} cannot be a pool", node)
        if node.terminate and t is not NodeType.END:
            self.add("NOT_ALLOWED", f"only end nodes can terminate; {_n(node)} is {t.value}", node)

    def check_field_access(self, node: Node) -> None:
        if self.fields is None:
            return
        for path in node.field_access:
            if not field_known(path, self.fields):
                self.add(
                    "UNKNOWN_FIELD",
                    f"{_n(node)} sets access for form field '{path}', which the form does not have",
                    node,
                )

    def check_wait_node(self, node: Node) -> None:
        self.check_field_access(node)
        if node.assignee is None:
            self.add("MISSING_ASSIGNEE", f"{node.type.value} {_n(node)} has no assignee rule", node)
        else:
            self.check_rule(node, node.assignee, "assignee")
        if node.type is NodeType.COUNTERSIGN:
            if node.pool:
                self.add(
                    "NOT_ALLOWED",
                    f"countersign {_n(node)} cannot be a pool: every voter gets a task",
                    node,
                )
            cfg = node.countersign
            if cfg is not None and cfg.mode is CountersignMode.SHARE:
                if cfg.share is None or not (0 < cfg.share <= 1):
                    self.add(
                        "INVALID_SHARE",
                        f"countersign {_n(node)} needs a share in (0, 1] for mode "
                        f"'share' (got {cfg.share})",
                        node,
                    )
            elif cfg is not None and cfg.share is not None:
                self.add(
                    "INVALID_SHARE",
                    f"countersign {_n(node)} sets a share but its mode is '{cfg.mode.value}'",
                    node,
                    severity="warning",
                )
        elif node.countersign is not None:
            self.add(
                "NOT_ALLOWED",
                f"task {_n(node)} has countersign settings; make it a countersign node",
                node,
            )
        dl = node.deadline
        if dl is not None:
            if not dl.hours > 0:
                self.add("INVALID_DEADLINE", f"{_n(node)}: deadline hours must be > 0", node)
            rb = dl.remind_before_hours
            if rb is not None and not (0 < rb < dl.hours):
                self.add(
                    "INVALID_DEADLINE",
                    f"{_n(node)}: remindBeforeHours must be > 0 and below the deadline "
                    f"({dl.hours} h)",
                    node,
                )
            if dl.on_timeout is TimeoutAction.ESCALATE:
                if dl.escalate_to is None:
                    self.add(
                        "MISSING_ESCALATE_TO",
                        f"{_n(node)} escalates at its deadline but has no escalateTo rule",
                        node,
                    )
                else:
                    self.check_rule(node, dl.escalate_to, "escalateTo")
            elif dl.escalate_to is not None:
                self.add(
                    "NOT_ALLOWED",
                    f"{_n(node)} has escalateTo but onTimeout is '{dl.on_timeout.value}'",
                    node,
                    severity="warning",
                )
        if node.reject_to is not None and node.reject_to not in self.nodes:
            self.add(
                "INVALID_REJECT_TO",
                f"{_n(node)}: rejectTo names unknown node '{node.reject_to}'",
                node,
            )

    def check_rule(self, node: Node, rule: AssigneeRule, what: str) -> None:
        if isinstance(rule, UsersRule):
            if not [u for u in rule.ids if u]:
                self.add("EMPTY_ASSIGNEE", f"{_n(node)}: {what} lists no users", node)
        elif isinstance(rule, InitiatorLeaderRule):
            if rule.levels_up < 0:
                self.add(
                    "INVALID_ASSIGNEE",
                    f"{_n(node)}: {what} levelsUp must be >= 0 (got {rule.levels_up})",
                    node,
                )
        elif (
            isinstance(rule, FormFieldRule)
            and self.fields is not None
            and not field_known(rule.field, self.fields)
        ):
            self.add(
                "UNKNOWN_FIELD",
                f"{_n(node)}: {what} reads form field '{rule.field}', which the form does not have",
                node,
            )
        for attr in ("role_code", "org_unit_id", "field"):
            if getattr(rule, attr, "x") == "":
                self.add("INVALID_ASSIGNEE", f"{_n(node)}: {what} has an empty {attr}", node)
        if self.check_assignee is not None:
            msg = self.check_assignee(rule)
            if msg:
                self.add("INVALID_ASSIGNEE", f"{_n(node)}: {what}: {msg}", node)

    def check_exclusive(self, node: Node) -> None:
        outs = self.out.get(node.id, [])
        if len(outs) <= 1:
            return
        defaults = [t for t in outs if t.default]
        for extra in defaults[1:]:
            self.add(
                "MULTIPLE_DEFAULT",
                f"exclusive gateway {_n(node)} has more than one default; {_t(extra)} is another",
                node,
                extra,
            )
        for t in outs:
            has_cond = t.condition is not None and t.condition.strip() != ""
            if t.default and has_cond:
                self.add(
                    "DEFAULT_HAS_CONDITION",
                    f"{_t(t)} is the default of {_n(node)} and must not have a condition",
                    node,
                    t,
                )
            elif not t.default and not has_cond:
                self.add(
                    "MISSING_CONDITION",
                    f"{_t(t)} leaves exclusive gateway {_n(node)} without a condition "
                    "and is not the default",
                    node,
                    t,
                )
        if not defaults and not _exhaustive_pair(outs):
            self.add(
                "MISSING_DEFAULT",
                f"exclusive gateway {_n(node)} needs a default transition (used when no "
                "condition holds)",
                node,
            )

    # ------------------------------------------------------------------ graph
    def succ(self, node_id: str) -> list[str]:
        return [t.target for t in self.out.get(node_id, [])]

    def check_reachability(self, start: Node, ends: list[Node]) -> None:
        reach = _bfs([start.id], self.succ)
        for node in self.d.nodes:
            if node.id in self.nodes and self.nodes[node.id] is node and node.id not in reach:
                self.add("UNREACHABLE", f"{_n(node)} cannot be reached from the start", node)
        back = _bfs([e.id for e in ends], lambda n: [t.source for t in self.inc.get(n, [])])
        for node in self.d.nodes:
            if (
                self.nodes.get(node.id) is node
                and node.id in reach
                and node.id not in back
                and node.type is not NodeType.END
            ):
                self.add("DEAD_END", f"{_n(node)} cannot reach an end node", node)

    def check_reject_to(self, start: Node) -> None:
        dom = _dominators(
            start.id, list(self.nodes), self.succ, lambda n: [t.source for t in self.inc.get(n, [])]
        )
        for node in self.d.nodes:
            target = node.reject_to
            if target is None or target not in self.nodes or not node.is_wait:
                continue
            if not self.nodes[target].is_wait:
                self.add(
                    "INVALID_REJECT_TO",
                    f"{_n(node)}: rejectTo '{target}' is not a task or countersign node",
                    node,
                )
            elif target == node.id or target not in dom.get(node.id, set()):
                self.add(
                    "INVALID_REJECT_TO",
                    f"{_n(node)}: rejectTo '{target}' must be an earlier node that every "
                    "path to this node passes",
                    node,
                )

    def check_gateway_cycles(self) -> None:
        gateways = {
            n.id
            for n in self.nodes.values()
            if n.type in (NodeType.EXCLUSIVE_GATEWAY, NodeType.PARALLEL_GATEWAY)
        }
        for comp in _sccs(gateways, lambda n: [s for s in self.succ(n) if s in gateways]):
            if len(comp) > 1:
                first = self.nodes[sorted(comp)[0]]
                self.add(
                    "GATEWAY_CYCLE",
                    f"gateways {', '.join(sorted(comp))} form a cycle without a task; "
                    f"routing could loop forever (at {_n(first)})",
                    first,
                )

    # ------------------------------------------------------------------ parallel blocks
    def is_par(self, nid: str) -> bool:
        return self.nodes[nid].type is NodeType.PARALLEL_GATEWAY

    def is_split(self, nid: str) -> bool:
        return self.is_par(nid) and len(self.out.get(nid, [])) > 1

    def is_join(self, nid: str) -> bool:
        return self.is_par(nid) and len(self.inc.get(nid, [])) > 1

    def check_parallel(self) -> None:
        self.matches: dict[str, tuple[str, set[str]] | None] = {}
        self.in_progress: set[str] = set()
        splits = [n for n in self.nodes if self.is_split(n)]
        for s in splits:
            self.match(s)
        joined_by: dict[str, list[str]] = {}
        for s in splits:
            m = self.matches.get(s)
            if m is not None:
                joined_by.setdefault(m[0], []).append(s)
        for j in self.nodes:
            if not self.is_join(j):
                continue
            owners = joined_by.get(j, [])
            node = self.nodes[j]
            if len(owners) > 1:
                self.add(
                    "PARALLEL_UNBALANCED",
                    f"parallel join {_n(node)} closes several splits "
                    f"({', '.join(owners)}); give each split its own join",
                    node,
                )
            elif not owners and not any(self.matches.get(s) is None for s in splits):
                self.add(
                    "JOIN_WITHOUT_SPLIT",
                    f"parallel join {_n(node)} is not closed by a parallel split: tokens "
                    "reaching it from exclusive branches would wait forever; use an "
                    "exclusive gateway to merge",
                    node,
                )

    def match(self, split: str) -> tuple[str, set[str]] | None:
        """The join closing ``split`` and the nodes between them, or None (reported)."""
        if split in self.matches:
            return self.matches[split]
        if split in self.in_progress:
            return None
        self.in_progress.add(split)
        snode = self.nodes[split]
        region: set[str] = set()
        joins: set[str] = set()
        failure: str | None = None
        for tr in self.out.get(split, []):
            stack = [tr.target]
            seen: set[str] = set()
            resume: set[str] = set()  # joins of nested blocks that split again
            while stack and failure is None:
                nid = stack.pop()
                if nid in seen:
                    continue
                seen.add(nid)
                if nid == split:
                    failure = f"a branch through {_t(tr)} loops back to the split"
                    break
                node = self.nodes[nid]
                if node.type is NodeType.END and node.terminate:
                    continue  # ends the whole instance: nothing waits at the join
                if node.type is NodeType.END:
                    failure = f"the branch through {_t(tr)} reaches end {_n(node)} before a join"
                    break
                if self.is_join(nid) and nid not in resume:
                    joins.add(nid)
                    continue
                region.add(nid)
                if not self.is_split(nid):
                    stack.extend(self.succ(nid))
                    continue
                inner = self.match(nid)
                if inner is None:
                    failure = f"the nested split {_n(node)} is not balanced"
                    break
                inner_join, inner_region = inner
                region |= inner_region | {inner_join}
                seen |= inner_region
                if self.is_split(inner_join):
                    resume.add(inner_join)
                    stack.append(inner_join)
                else:
                    seen.add(inner_join)
                    stack.extend(self.succ(inner_join))
            if failure is not None:
                break
        result: tuple[str, set[str]] | None = None
        if failure is None and len(joins) != 1:
            if not joins:
                failure = "its branches never reach a parallel join"
            else:
                failure = (
                    f"its branches reach different joins ({', '.join(sorted(joins))}); all "
                    "branches must meet at one join"
                )
        if failure is None:
            join = next(iter(joins))
            inside = region | {split}
            for nid in sorted(region | {join}):
                for t in self.inc.get(nid, []):
                    if t.source not in inside and failure is None:
                        failure = (
                            f"{_t(t)} enters the parallel region between the split and join "
                            f"'{join}' from outside"
                        )
            if failure is None:
                result = (join, region)
        if failure is not None:
            self.add("PARALLEL_UNBALANCED", f"parallel split {_n(snode)}: {failure}", snode)
        self.in_progress.discard(split)
        self.matches[split] = result
        return result


# ---------------------------------------------------------------------------- graph helpers


def _exhaustive_pair(outs: list[Transition]) -> bool:
    if len(outs) != 2 or any(t.condition is None for t in outs):
        return False
    a, b = ("".join((t.condition or "").split()) for t in outs)
    return b in (f"!({a})", f"!{a}") or a in (f"!({b})", f"!{b}")


def _bfs(roots: Iterable[str], succ: Callable[[str], list[str]]) -> set[str]:
    seen = set(roots)
    stack = list(seen)
    while stack:
        for nxt in succ(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _dominators(
    root: str,
    nodes: list[str],
    succ: Callable[[str], list[str]],
    pred: Callable[[str], list[str]],
) -> dict[str, set[str]]:
    reach = _bfs([root], succ)
    order = [n for n in nodes if n in reach]
    dom: dict[str, set[str]] = {n: set(reach) for n in order}
    dom[root] = {root}
    changed = True
    while changed:
        changed = False
        for n in order:
            if n == root:
                continue
            preds = [p for p in pred(n) if p in reach]
            new = set.intersection(*(dom[p] for p in preds)) if preds else set()
            new = new | {n}
            if new != dom[n]:
                dom[n] = new
                changed = True
    return dom


def _sccs(nodes: set[str], succ: Callable[[str], list[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succs = succ(v)
            if i < len(succs):
                work.append((v, i + 1))
                w = succs[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out
