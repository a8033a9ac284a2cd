"""What the flow runtime promises its callers: a JSON round trip, the actions offered, refusals
that name the node, the templates run through, the events it reports."""

from __future__ import annotations

import pytest

from tests.workflow.support import (
    LATER,
    NOW,
    begin,
    chain,
    do,
    edge,
    end_node,
    expect,
    give,
    graph,
    open_nodes,
    open_task,
    parallel_flow,
    role_task,
    start_node,
    task,
    xor,
)
from workflow import (
    AddSigner,
    Approve,
    Claim,
    EngineError,
    Instance,
    InstanceStatus,
    Reject,
    Return,
    Submit,
    TaskAction,
    TaskStatus,
    act,
    allowed_actions,
    assign,
    dispatch_template,
    fire_timer,
    receipt_template,
    start,
    validate,
)

# ---------------------------------------------------------------------------- misc


def test_json_round_trip_and_determinism() -> None:
    defn = parallel_flow()
    a = do(defn, begin(defn), Submit("ini")).instance
    b = do(defn, begin(defn), Submit("ini")).instance
    assert a == b
    assert Instance.from_json(a.to_json()) == a
    assert Instance.from_json(a.to_dict()) == a


def test_allowed_actions() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True, allowDelegate=False))
    inst = begin(defn)
    draft = open_task(inst, "draft")
    approve, reject, claim = TaskAction.APPROVE, TaskAction.REJECT, TaskAction.CLAIM
    assert allowed_actions(defn, inst, draft, "ini") == [
        approve,
        reject,
        TaskAction.DELEGATE,
        TaskAction.TRANSFER,
        TaskAction.ADD_SIGNERS,
        TaskAction.OPEN,
    ], "nothing to return to from the first step"
    inst = do(defn, inst, Submit("ini")).instance
    assert allowed_actions(defn, inst, draft, "ini") == [TaskAction.TAKE_BACK]
    rid = open_task(inst, "review")
    assert allowed_actions(defn, inst, rid, "r1") == [claim, TaskAction.OPEN]
    assert allowed_actions(defn, inst, rid, "ini") == [], "the initiator withdraws the document"
    inst = do(defn, inst, Claim("r1", rid)).instance
    assert allowed_actions(defn, inst, rid, "r1") == [
        approve,
        reject,
        TaskAction.RETURN,
        TaskAction.UNCLAIM,
        TaskAction.ADD_SIGNERS,
        TaskAction.OPEN,
    ]
    assert allowed_actions(defn, inst, draft, "ini") == [], "claimed: too late to take back"
    assert allowed_actions(defn, inst, rid, "r2") == []
    inst = do(defn, inst, Approve("r1", rid)).instance
    assert allowed_actions(defn, inst, rid, "r1") == [], "closed"


def test_refusals_name_the_node_not_internal_keys() -> None:
    review = {**task("review", "r1"), "name": "核稿"}
    defn = chain(task("draft"), review, {**task("sign", "s1"), "name": "签发"})
    inst = do(defn, begin(defn), Submit("ini")).instance
    rid = open_task(inst, "review")
    refused = expect("NOT_ASSIGNEE", defn, inst, Approve("r2", rid))
    assert refused.message == "The task at 核稿 is not yours"
    ahead = expect("INVALID_TARGET", defn, inst, Return("r1", rid, target_node="sign"))
    assert ahead.message.startswith("核稿 cannot return to 签发")
    ended = do(defn, inst, Reject("r1", rid)).instance
    closed = expect("NOT_RUNNING", defn, ended, Approve("r1", rid))
    assert closed.message == "The document is already rejected"
    inst = do(defn, inst, Return("r1", rid)).instance
    late = expect("TASK_CLOSED", defn, inst, Approve("r1", rid))
    assert late.message == "The task at 核稿 is already completed"
    for error in (refused, ahead, late):
        assert rid not in error.message
        assert "r1" not in error.message


def test_templates_run_to_completion() -> None:
    defn = dispatch_template()
    roles = {"office_director": ["dir"], "leader": ["boss"], "office_clerk": ["c1", "c2"]}
    step = start(defn, {}, {}, "ini", now=NOW)
    inst = step.instance
    numbered = False
    for _ in range(20):
        if inst.status is not InstanceStatus.RUNNING:
            break
        for p in inst.pending:
            inst = give(defn, inst, p.id, *roles[p.rule.role_code])  # type: ignore[union-attr]
        t = inst.open_tasks[0]
        user = t.assignee or t.candidates[0]
        if t.pool and t.assignee is None:
            inst = do(defn, inst, Claim(user, t.id)).instance
        step = do(defn, inst, Approve(user, t.id))
        numbered = numbered or step.allocate_number
        inst = step.instance
    assert inst.status is InstanceStatus.COMPLETED
    assert numbered
    handlers = [t.acted_by for t in inst.tasks if t.node_id == "distribute"]
    numberers = [t.acted_by for t in inst.tasks if t.node_id == "number"]
    assert handlers == numberers  # previous_handler: the clerk who numbered it

    receipt = receipt_template()
    inst = start(receipt, {"handlers": ["h1"]}, {}, "ini", now=NOW).instance
    inst = give(receipt, inst, "sign_for", "c1")
    inst = do(receipt, inst, Claim("c1", open_task(inst, "sign_for"))).instance
    inst = do(receipt, inst, Approve("c1", open_task(inst, "sign_for"))).instance
    assert inst.task(open_task(inst, "register")).assignee == "c1"


def test_adding_signers_is_offered_only_where_the_node_allows_it() -> None:
    closed = chain(task("review", "r1", allowAddSigner=False))
    inst = begin(closed)
    rid = open_task(inst, "review")
    assert TaskAction.ADD_SIGNERS not in allowed_actions(closed, inst, rid, "r1")
    error = expect("INVALID_ACTION", closed, inst, AddSigner("r1", rid, ["x"]))
    assert "Review" in error.message
    opened = chain(task("review", "r1"))
    inst = begin(opened)
    assert TaskAction.ADD_SIGNERS in allowed_actions(opened, inst, open_task(inst, "review"), "r1")


@pytest.mark.parametrize(
    "deadline",
    [{"hours": 10}, {"workingHours": 8}, {"workingDays": 2}],
    ids=["hours", "working-hours", "working-days"],
)
def test_a_deadline_without_remind_before_hours_has_no_reminder(deadline: dict) -> None:
    defn = chain(task("review", "r1", deadline=deadline))
    step = start(defn, {}, {}, "ini", now=NOW)
    assert [t.kind for t in step.timers] == ["deadline"]
    [created] = step.created_tasks
    assert created.due_at is not None
    assert created.due_at > NOW
    assert created.remind_at is None


def test_the_engine_reports_each_node_it_completes_and_each_return() -> None:
    defn = chain(task("draft"), task("review", "r1", rejectTo="draft"), task("sign", "s1"))
    inst = do(defn, begin(defn), Submit("ini")).instance
    step = do(defn, inst, Approve("r1", open_task(inst, "review")))
    [completed] = [e for e in step.events if e.kind == "node_completed"]
    assert completed.node_id == "review"
    assert dict(completed.data) == {
        "outcome": "approved",
        "handlers": ["r1"],
        "allocate_number": False,
    }
    sign = open_task(step.instance, "sign")
    back = do(defn, step.instance, Return("s1", sign, target_node="review"))
    [returned] = [e for e in back.events if e.kind == "returned"]
    again = back.instance.task(open_task(back.instance, "review"))
    assert (returned.actor, returned.node_id) == ("s1", "review")
    assert returned.data == {"visit_id": again.visit_id}
    rejected = do(defn, back.instance, Reject("r1", again.id))
    kinds = [(e.kind, e.node_id, e.data.get("outcome")) for e in rejected.events]
    assert ("node_completed", "review", "rejected") in kinds
    assert open_nodes(rejected.instance) == ["draft"]


def test_an_escalation_with_nobody_to_escalate_to_reports_the_task_overdue() -> None:
    """Validation refuses such a flow (MISSING_ESCALATE_TO); the engine still tells the holder."""
    defn = chain(task("review", "r1", deadline={"hours": 10, "onTimeout": "escalate"}))
    assert "MISSING_ESCALATE_TO" in [p.code for p in validate(defn, set())]
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    assert step.activations == []
    assert [(n.kind, n.task_id, n.users) for n in step.notifications] == [("overdue", tid, ("r1",))]
    assert step.instance.task(tid).overdue
    assert step.instance.task(tid).status is TaskStatus.OPEN


def _by_urgency():
    """After review, urgent documents go to the leader, others to the clerk."""
    return graph(
        [
            start_node(),
            task("review", "r1"),
            xor("g"),
            task("lead", "l1"),
            task("file", "c1"),
            end_node(),
        ],
        [
            edge("start", "review"),
            edge("review", "g"),
            edge("g", "lead", 'doc.urgency == "urgent"'),
            edge("g", "file", default=True),
            edge("lead", "end"),
            edge("file", "end"),
        ],
    )


def test_conditions_read_the_document_attributes_given_to_each_call() -> None:
    defn = _by_urgency()
    inst = begin(defn)
    rid = open_task(inst, "review")
    urgent = act(defn, inst, Approve("r1", rid), {}, {"urgency": "urgent"}, now=NOW)
    assert open_nodes(urgent.instance) == ["lead"]
    normal = act(defn, inst, Approve("r1", rid), {}, {"urgency": "normal"}, now=NOW)
    assert open_nodes(normal.instance) == ["file"]
    routed = start(defn, {}, {"urgency": "urgent"}, "ini", now=NOW)
    assert open_nodes(routed.instance) == ["review"]


def test_a_deadline_that_fires_reads_the_document_too() -> None:
    deadline = {"hours": 1, "onTimeout": "approve"}
    defn = graph(
        [
            start_node(),
            task("review", "r1", deadline=deadline),
            xor("g"),
            task("lead", "l1"),
            task("file", "c1"),
            end_node(),
        ],
        [
            edge("start", "review"),
            edge("review", "g"),
            edge("g", "lead", 'doc.urgency == "urgent"'),
            edge("g", "file", default=True),
            edge("lead", "end"),
            edge("file", "end"),
        ],
    )
    inst = begin(defn)
    rid = open_task(inst, "review")
    step = fire_timer(defn, inst, rid, "deadline", LATER, {}, {"urgency": "urgent"})
    assert open_nodes(step.instance) == ["lead"]


def test_an_action_without_an_actor_or_of_an_unknown_kind_is_refused() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    rid = open_task(inst, "review")
    error = expect("INVALID_ACTION", defn, inst, Approve("", rid))
    assert error.message == "An action needs an actor"

    class Dance:
        actor = "r1"

    error = expect("INVALID_ACTION", defn, inst, Dance())
    assert error.message == "Unknown action Dance"
    with pytest.raises(EngineError) as refused:
        start(defn, {}, {}, "", now=NOW)
    assert (refused.value.code, refused.value.message) == (
        "INVALID_ACTION",
        "an instance needs an initiator",
    )


def test_assigning_needs_a_waiting_activation_and_somebody() -> None:
    defn = chain(role_task("review", "office_director"))
    step = start(defn, {}, {}, "ini", now=NOW)
    [activation] = step.activations
    with pytest.raises(EngineError) as unknown:
        assign(defn, step.instance, "nowhere", ["u"], now=NOW)
    assert unknown.value.code == "UNKNOWN_ACTIVATION"
    assert "nowhere" in unknown.value.message
    with pytest.raises(EngineError) as nobody:
        assign(defn, step.instance, activation.id, ["", ""], now=NOW)
    assert (nobody.value.code, nobody.value.node_id) == ("NO_ASSIGNEE", "review")
    assert nobody.value.message == "Nobody was found for review"
    given = assign(defn, step.instance, activation.id, ["u2", "u1", "u2"], now=NOW)
    [created] = given.created_tasks
    assert created.candidates == ("u2", "u1")
    assert created.created_at == NOW
