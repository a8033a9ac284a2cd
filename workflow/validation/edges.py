"""Ids and transitions: unique, well-formed ids; transitions between known nodes; conditions
only where an exclusive gateway chooses, compiling and reading known fields; each exclusive
gateway with its default."""

from __future__ import annotations

import re

from i18n import _
from workflow.definition import Node, NodeType, Transition
from workflow.expressions import ExpressionError, compile_condition

from .checker import Checker, node_name, transition_name
from .problems import field_known

__all__ = ["ID_PATTERN", "check_exclusive", "check_ids", "check_transitions"]

ID_PATTERN = re.compile(r"^[^\W\d][\w.\-]{0,127}$")
_ID_RULE = "must start with a letter or '_' and contain only letters, digits, '_', '-' or '.'"


def check_ids(v: Checker) -> None:
    for node in v.defn.nodes:
        if node.id in v.nodes:
            v.add("DUPLICATE_NODE_ID", _("node id '{id}' is used twice", id=node.id), node)
            continue
        v.nodes[node.id] = node
        if not ID_PATTERN.match(node.id):
            v.add(
                "INVALID_ID",
                _("node id '{id}' {_ID_RULE} (max 128)", id=node.id, _ID_RULE=_ID_RULE),
                node,
            )
    seen: set[str] = set()
    for tr in v.defn.transitions:
        if tr.id in seen:
            v.add(
                "DUPLICATE_TRANSITION_ID", _("transition id '{id}' is used twice", id=tr.id), tr=tr
            )
        elif tr.id in v.nodes:
            v.add("DUPLICATE_ID", _("transition id '{id}' is also a node id", id=tr.id), tr=tr)
        elif not ID_PATTERN.match(tr.id):
            v.add(
                "INVALID_ID",
                _("transition id '{id}' {_ID_RULE} (max 128)", id=tr.id, _ID_RULE=_ID_RULE),
                tr=tr,
            )
        seen.add(tr.id)


def check_transitions(v: Checker) -> None:
    """Every transition; the sound ones become the checker's graph."""
    pairs: set[tuple[str, str]] = set()
    for tr in v.defn.transitions:
        unknown = [
            (code, verb, node_id)
            for code, verb, node_id in (
                ("UNKNOWN_SOURCE", "starts at", tr.source),
                ("UNKNOWN_TARGET", "leads to", tr.target),
            )
            if node_id not in v.nodes
        ]
        for code, verb, node_id in unknown:
            v.add(code, f"{transition_name(tr)} {verb} unknown node '{node_id}'", tr=tr)
        if unknown:
            continue
        if tr.source == tr.target:
            v.add(
                "SELF_LOOP",
                _(
                    "{transition_name} leads from a node to itself",
                    transition_name=transition_name(tr),
                ),
                tr=tr,
            )
            continue
        if (tr.source, tr.target) in pairs:
            v.add(
                "DUPLICATE_FLOW",
                _(
                    "{transition_name} duplicates another transition between the same nodes",
                    transition_name=transition_name(tr),
                ),
                tr=tr,
            )
        pairs.add((tr.source, tr.target))
        v.out.setdefault(tr.source, []).append(tr)
        v.inc.setdefault(tr.target, []).append(tr)
        _check_placement(v, tr, v.nodes[tr.source])
        if tr.condition is not None and tr.condition.strip():
            _check_condition(v, tr)


def _check_placement(v: Checker, tr: Transition, src: Node) -> None:
    """Conditions and defaults belong on transitions leaving an exclusive gateway."""
    if src.type is NodeType.EXCLUSIVE_GATEWAY:
        return
    if tr.condition is not None and tr.condition.strip():
        v.add(
            "CONDITION_NOT_ALLOWED",
            _(
                "{transition_name} has a condition but leaves {type} "
                "{node_name}; conditions belong on transitions leaving an "
                "exclusive gateway",
                transition_name=transition_name(tr),
                type=src.type.value,
                node_name=node_name(src),
            ),
            tr=tr,
        )
    if tr.default:
        v.add(
            "DEFAULT_NOT_ALLOWED",
            _(
                "{transition_name} is marked default but leaves {type} {node_name}",
                transition_name=transition_name(tr),
                type=src.type.value,
                node_name=node_name(src),
            ),
            tr=tr,
        )


def _check_condition(v: Checker, tr: Transition) -> None:
    assert tr.condition is not None
    try:
        cond = compile_condition(tr.condition)
    except ExpressionError as exc:
        v.add(
            "INVALID_CONDITION",
            _(
                "condition of {transition_name}: {message}",
                transition_name=transition_name(tr),
                message=exc.message,
            ),
            tr=tr,
        )
        return
    if v.fields is not None:
        for f in sorted(cond.referenced_fields()):
            if not field_known(f, v.fields):
                v.add(
                    "UNKNOWN_FIELD",
                    _(
                        "condition of {transition_name} reads form field '{f}', "
                        "which the form does not have",
                        transition_name=transition_name(tr),
                        f=f,
                    ),
                    tr=tr,
                )
    for a in sorted(cond.referenced_doc_attributes()):
        if a not in v.doc_attributes:
            v.add(
                "UNKNOWN_DOC_ATTRIBUTE",
                _(
                    "condition of {transition_name} reads doc.{a}, which is not "
                    "a document attribute",
                    transition_name=transition_name(tr),
                    a=a,
                ),
                tr=tr,
            )


def check_exclusive(v: Checker, node: Node) -> None:
    outs = v.out.get(node.id, [])
    if len(outs) <= 1:
        return
    defaults = [t for t in outs if t.default]
    for extra in defaults[1:]:
        v.add(
            "MULTIPLE_DEFAULT",
            _(
                "exclusive gateway {node_name} has more than one default; "
                "{transition_name} is another",
                node_name=node_name(node),
                transition_name=transition_name(extra),
            ),
            node,
            extra,
        )
    for t in outs:
        has_cond = t.condition is not None and t.condition.strip() != ""
        if t.default and has_cond:
            v.add(
                "DEFAULT_HAS_CONDITION",
                _(
                    "{transition_name} is the default of {node_name} and must not have a condition",
                    transition_name=transition_name(t),
                    node_name=node_name(node),
                ),
                node,
                t,
            )
        elif not t.default and not has_cond:
            v.add(
                "MISSING_CONDITION",
                _(
                    "{transition_name} leaves exclusive gateway {node_name} "
                    "without a condition and is not the default",
                    transition_name=transition_name(t),
                    node_name=node_name(node),
                ),
                node,
                t,
            )
    if not defaults and not _exhaustive_pair(outs):
        v.add(
            "MISSING_DEFAULT",
            _(
                "exclusive gateway {node_name} needs a default transition "
                "(used when no condition holds)",
                node_name=node_name(node),
            ),
            node,
        )


def _exhaustive_pair(outs: list[Transition]) -> bool:
    if len(outs) != 2 or any(t.condition is None for t in outs):
        return False
    a, b = ("".join((t.condition or "").split()) for t in outs)
    return b in (f"!({a})", f"!{a}") or a in (f"!({b})", f"!{b}")
