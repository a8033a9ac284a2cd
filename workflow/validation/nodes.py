"""Each node on its own: how many transitions its type allows, the options its type may carry
(assignees, deadlines, countersign settings, rejectTo, numbering, archiving, field access,
pools), and that its assignee rules and field names make sense."""

from __future__ import annotations

from i18n import _
from workflow.definition import (
    AssigneeRule,
    CountersignMode,
    FormFieldRule,
    InitiatorLeaderRule,
    Node,
    NodeType,
    PreviousHandlerRule,
    TimeoutAction,
    UsersRule,
)

from .checker import Checker, node_name
from .problems import field_known

__all__ = ["MAX_WORKING_DAYS", "check_node"]

#: the longest deadline in working days (a year and a half of them).
MAX_WORKING_DAYS = 366


def check_node(v: Checker, node: Node) -> None:
    _check_degree(v, node)
    if node.is_wait:
        _check_wait_node(v, node)
    else:
        _check_not_wait(v, node)
    if node.terminate and node.type is not NodeType.END:
        v.add(
            "NOT_ALLOWED",
            _(
                "only end nodes can terminate; {node_name} is {type}",
                node_name=node_name(node),
                type=node.type.value,
            ),
            node,
        )


def _check_degree(v: Checker, node: Node) -> None:
    outs = v.out.get(node.id, [])
    ins = v.inc.get(node.id, [])
    t, name = node.type, node_name(node)
    if t is NodeType.START:
        if ins:
            v.add("START_HAS_INCOMING", _("start {name} has incoming transitions", name=name), node)
        if len(outs) != 1:
            v.add(
                "START_OUTGOING",
                _(
                    "start {name} must have exactly one outgoing transition (has {count})",
                    name=name,
                    count=len(outs),
                ),
                node,
            )
    elif t is NodeType.END:
        if outs:
            v.add("END_HAS_OUTGOING", _("end {name} has outgoing transitions", name=name), node)
    elif node.is_wait:
        if len(outs) != 1:
            v.add(
                "WAIT_NODE_OUTGOING",
                _(
                    "{t} {name} must have exactly one outgoing transition (has "
                    "{count}); branch with an exclusive or parallel gateway",
                    t=t.value,
                    name=name,
                    count=len(outs),
                ),
                node,
            )
    elif t is NodeType.PARALLEL_GATEWAY and len(ins) == 1 and len(outs) == 1:
        v.add(
            "PASS_THROUGH_GATEWAY",
            _("parallel gateway {name} neither splits nor joins", name=name),
            node,
            severity="warning",
        )


def _check_not_wait(v: Checker, node: Node) -> None:
    """Start, end and gateways carry none of a wait node's options."""
    what = f"{node.type.value} {node_name(node)}"
    for attr, label in (
        ("assignee", "an assignee"),
        ("deadline", "a deadline"),
        ("countersign", "countersign settings"),
        ("reject_to", "rejectTo"),
    ):
        if getattr(node, attr) is not None:
            v.add("NOT_ALLOWED", _("{what} cannot have {label}", what=what, label=label), node)
    if node.allocate_number:
        v.add("NOT_ALLOWED", _("{what} cannot allocate numbers; only wait nodes", what=what), node)
    if node.archives:
        v.add("NOT_ALLOWED", _("{what} cannot archive; only wait nodes", what=what), node)
    if node.field_access and node.type is not NodeType.START:
        v.add("NOT_ALLOWED", _("{what} cannot have field access", what=what), node)
    else:
        _check_field_access(v, node)
    if node.pool:
        v.add("NOT_ALLOWED", _("{what} cannot be a pool", what=what), node)
    if node.separate_duties is not None:
        v.add("NOT_ALLOWED", _("{what} cannot separate duties; only wait nodes", what=what), node)
    if node.cc:
        v.add("NOT_ALLOWED", _("{what} cannot copy (cc); only wait nodes", what=what), node)


def _check_field_access(v: Checker, node: Node) -> None:
    if v.fields is None:
        return
    for path in node.field_access:
        if not field_known(path, v.fields):
            v.add(
                "UNKNOWN_FIELD",
                _(
                    "{node_name} sets access for form field '{path}', which the form does not have",
                    node_name=node_name(node),
                    path=path,
                ),
                node,
            )


def _check_wait_node(v: Checker, node: Node) -> None:
    _check_field_access(v, node)
    if node.assignee is None:
        v.add(
            "MISSING_ASSIGNEE",
            _(
                "{type} {node_name} has no assignee rule",
                type=node.type.value,
                node_name=node_name(node),
            ),
            node,
        )
    else:
        _check_rule(v, node, node.assignee, "assignee")
    for rule in node.cc:
        _check_rule(v, node, rule, "cc")
    _check_countersign(v, node)
    _check_deadline(v, node)
    _check_separation(v, node)
    if node.reject_to is not None and node.reject_to not in v.nodes:
        v.add(
            "INVALID_REJECT_TO",
            _(
                "{node_name}: rejectTo names unknown node '{reject_to}'",
                node_name=node_name(node),
                reject_to=node.reject_to,
            ),
            node,
        )
    if node.archives and any(
        v.nodes[tr.target].type is not NodeType.END for tr in v.out.get(node.id, [])
    ):
        v.add(
            "ARCHIVE_NOT_LAST",
            _(
                "{node_name} archives the document, so it must lead straight to an end node",
                node_name=node_name(node),
            ),
            node,
        )


def _check_countersign(v: Checker, node: Node) -> None:
    name, cfg = node_name(node), node.countersign
    if node.type is not NodeType.COUNTERSIGN:
        if cfg is not None:
            v.add(
                "NOT_ALLOWED",
                _("task {name} has countersign settings; make it a countersign node", name=name),
                node,
            )
        return
    if node.pool:
        v.add(
            "NOT_ALLOWED",
            _("countersign {name} cannot be a pool: every voter gets a task", name=name),
            node,
        )
    if cfg is not None and cfg.mode is CountersignMode.SHARE:
        if cfg.share is None or not (0 < cfg.share <= 1):
            v.add(
                "INVALID_SHARE",
                _(
                    "countersign {name} needs a share in (0, 1] for mode 'share' (got {share})",
                    name=name,
                    share=cfg.share,
                ),
                node,
            )
    elif cfg is not None and cfg.share is not None:
        v.add(
            "INVALID_SHARE",
            _(
                "countersign {name} sets a share but its mode is '{mode}'",
                name=name,
                mode=cfg.mode.value,
            ),
            node,
            severity="warning",
        )


def _check_deadline(v: Checker, node: Node) -> None:
    dl, name = node.deadline, node_name(node)
    if dl is None:
        return
    amounts = {
        "hours": dl.hours,
        "workingHours": dl.working_hours,
        "workingDays": dl.working_days,
    }
    given = {key: amount for key, amount in amounts.items() if amount is not None}
    if len(given) != 1:
        v.add(
            "INVALID_DEADLINE",
            _(
                "{name}: a deadline sets exactly one of hours, workingHours and workingDays",
                name=name,
            ),
            node,
        )
    for key, amount in given.items():
        if not amount > 0:
            v.add(
                "INVALID_DEADLINE",
                _("{name}: deadline {key} must be > 0", name=name, key=key),
                node,
            )
    if dl.working_days is not None and dl.working_days > MAX_WORKING_DAYS:
        v.add(
            "INVALID_DEADLINE",
            _(
                "{name}: deadline workingDays must be at most {MAX_WORKING_DAYS}",
                name=name,
                MAX_WORKING_DAYS=MAX_WORKING_DAYS,
            ),
            node,
        )
    total = dl.hours if dl.hours is not None else dl.working_hours
    rb = dl.remind_before_hours
    if rb is not None and not (rb > 0 and (total is None or rb < total)):
        v.add(
            "INVALID_DEADLINE",
            _("{name}: remindBeforeHours must be > 0 and below the deadline", name=name),
            node,
        )
    if dl.on_timeout is TimeoutAction.ESCALATE:
        if dl.escalate_to is None:
            v.add(
                "MISSING_ESCALATE_TO",
                _("{name} escalates at its deadline but has no escalateTo rule", name=name),
                node,
            )
        else:
            _check_rule(v, node, dl.escalate_to, "escalateTo")
    elif dl.escalate_to is not None:
        v.add(
            "NOT_ALLOWED",
            _(
                "{name} has escalateTo but onTimeout is '{on_timeout}'",
                name=name,
                on_timeout=dl.on_timeout.value,
            ),
            node,
            severity="warning",
        )


def _check_separation(v: Checker, node: Node) -> None:
    """The initiator's own step (her draft, right after the start) cannot separate duties:
    she could never submit."""
    own = isinstance(node.assignee, PreviousHandlerRule) and any(
        v.nodes[tr.source].type is NodeType.START for tr in v.inc.get(node.id, [])
    )
    if own and v.defn.separates_duties(node.id):
        v.add(
            "SEPARATION_BLOCKS_INITIATOR",
            _(
                "{node_name} is the initiator's own step, but separates "
                "duties, so she could not submit: set separateDuties: false "
                "on it",
                node_name=node_name(node),
            ),
            node,
        )


def _check_rule(v: Checker, node: Node, rule: AssigneeRule, what: str) -> None:
    name = node_name(node)
    if isinstance(rule, UsersRule):
        if not [u for u in rule.ids if u]:
            v.add("EMPTY_ASSIGNEE", _("{name}: {what} lists no users", name=name, what=what), node)
    elif isinstance(rule, InitiatorLeaderRule):
        if rule.levels_up < 0:
            v.add(
                "INVALID_ASSIGNEE",
                _(
                    "{name}: {what} levelsUp must be >= 0 (got {levels_up})",
                    name=name,
                    what=what,
                    levels_up=rule.levels_up,
                ),
                node,
            )
    elif (
        isinstance(rule, FormFieldRule)
        and v.fields is not None
        and not field_known(rule.field, v.fields)
    ):
        v.add(
            "UNKNOWN_FIELD",
            _(
                "{name}: {what} reads form field '{field}', which the form does not have",
                name=name,
                what=what,
                field=rule.field,
            ),
            node,
        )
    for attr in ("role_code", "org_unit_id", "field"):
        if getattr(rule, attr, "x") == "":
            v.add(
                "INVALID_ASSIGNEE",
                _("{name}: {what} has an empty {attr}", name=name, what=what, attr=attr),
                node,
            )
    if v.check_assignee is not None:
        msg = v.check_assignee(rule)
        if msg:
            v.add(
                "INVALID_ASSIGNEE", _("{name}: {what}: {msg}", name=name, what=what, msg=msg), node
            )
