"""The flow runtime handing work on: delegating, transferring, withdrawing, urging, adding signers,
terminating."""

from __future__ import annotations

from tests.workflow.support import (
    begin,
    chain,
    countersign,
    do,
    expect,
    open_nodes,
    open_task,
    task,
)
from workflow import (
    AddSigner,
    Approve,
    Claim,
    Delegate,
    InstanceStatus,
    Reject,
    Return,
    Submit,
    TaskStatus,
    Terminate,
    Transfer,
    Urge,
    Withdraw,
)

# ---------------------------------------------------------------------------- delegate / transfer


def test_delegate_with_return_hands_back() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    expect("INVALID_TARGET", defn, inst, Delegate("r1", tid, "r1"))
    expect("INVALID_TARGET", defn, inst, Delegate("r1", tid, ""))
    expect("NOT_ASSIGNEE", defn, inst, Delegate("x", tid, "d1"))
    step = do(defn, inst, Delegate("r1", tid, "d1"))
    assert step.closed_tasks[0].status is TaskStatus.DELEGATED
    new = step.created_tasks[0]
    assert (new.assignee, new.from_user, new.return_stack) == ("d1", "r1", (tid,))
    inst = step.instance
    expect("INVALID_ACTION", defn, inst, Reject("d1", new.id))
    expect("INVALID_ACTION", defn, inst, Return("d1", new.id))
    inst = do(defn, inst, Approve("d1", new.id, comment="looks fine")).instance
    assert open_nodes(inst) == ["review"]
    back = inst.task(open_task(inst, "review"))
    assert (back.assignee, back.origin) == ("r1", "handback")
    inst = do(defn, inst, Approve("r1", back.id)).instance
    assert open_nodes(inst) == ["sign"]


def test_delegate_without_return_and_transfer_replace_holder() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    inst = do(defn, inst, Delegate("r1", tid, "d1", return_after=False)).instance
    t2 = open_task(inst, "review")
    expect("NOT_ASSIGNEE", defn, inst, Approve("r1", t2))
    step = do(defn, inst, Transfer("d1", t2, "x1"))
    assert step.closed_tasks[0].status is TaskStatus.TRANSFERRED
    inst = step.instance
    t3 = open_task(inst, "review")
    assert inst.task(t3).assignee == "x1"
    inst = do(defn, inst, Reject("x1", t3)).instance
    assert inst.status is InstanceStatus.REJECTED


def test_delegate_not_allowed_on_node() -> None:
    defn = chain(task("review", "r1", allowDelegate=False))
    inst = begin(defn)
    expect("INVALID_ACTION", defn, inst, Delegate("r1", open_task(inst, "review"), "d"))
    expect("INVALID_ACTION", defn, inst, Transfer("r1", open_task(inst, "review"), "d"))


# ---------------------------------------------------------------------------- withdraw / urge


def test_withdraw_before_anyone_acted() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True))
    inst = do(defn, begin(defn), Submit("ini")).instance
    expect("NOT_INITIATOR", defn, inst, Withdraw("r1"))
    step = do(defn, inst, Withdraw("ini"))
    assert step.instance.status is InstanceStatus.WITHDRAWN
    assert step.closed_tasks[0].status is TaskStatus.CANCELLED
    claimed = do(defn, inst, Claim("r1", open_task(inst, "review"))).instance
    expect("CANNOT_WITHDRAW", defn, claimed, Withdraw("ini"))


def test_urge_changes_nothing_but_notifies() -> None:
    defn = chain(task("review", "r1", "r2"))
    inst = begin(defn)
    step = do(defn, inst, Urge("ini", comment="please"))
    assert step.instance is inst or step.instance == inst
    assert [(n.kind, n.users) for n in step.notifications] == [("urge", ("r1", "r2"))]
    assert [e.kind for e in step.events] == ["task_urged"]


# ---------------------------------------------------------------------------- add signer


def test_add_signer_after_on_task() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    expect("INVALID_TARGET", defn, inst, AddSigner("r1", tid, ("r1",)))
    expect("INVALID_TARGET", defn, inst, AddSigner("r1", tid, ("x", "x")))
    inst = do(defn, inst, AddSigner("r1", tid, ("x1", "x2"), position="after")).instance
    inst = do(defn, inst, Approve("r1", tid)).instance
    assert inst.task(open_task(inst, "review")).assignee == "x1"
    inst = do(defn, inst, Approve("x1", open_task(inst, "review"))).instance
    inst = do(defn, inst, Approve("x2", open_task(inst, "review"))).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_before_on_task() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = do(defn, inst, AddSigner("r1", tid, ("x1",), position="before"))
    assert step.closed_tasks[0].status is TaskStatus.SUSPENDED
    inst = step.instance
    x = open_task(inst, "review", "x1")
    expect("INVALID_ACTION", defn, inst, Reject("x1", x))
    inst = do(defn, inst, Approve("x1", x)).instance
    back = open_task(inst, "review", "r1")
    inst = do(defn, inst, Approve("r1", back)).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_on_countersign_adds_voters() -> None:
    defn = chain(countersign("cs", ["a", "b"], mode="all"), task("sign", "s"))
    inst = begin(defn)
    ta = open_task(inst, "cs", "a")
    expect("INVALID_TARGET", defn, inst, AddSigner("a", ta, ("b",)))
    inst = do(defn, inst, AddSigner("a", ta, ("c",))).instance
    assert inst.tokens[0].voters == ("a", "b", "c")
    inst = do(defn, inst, Approve("a", ta)).instance
    inst = do(defn, inst, Approve("b", open_task(inst, "cs", "b"))).instance
    assert open_nodes(inst) == ["cs"]  # c still has to approve
    inst = do(defn, inst, Approve("c", open_task(inst, "cs", "c"))).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_sequential_countersign_appends_to_queue() -> None:
    defn = chain(countersign("cs", ["a", "b"], order="sequential"))
    inst = begin(defn)
    inst = do(defn, inst, AddSigner("a", open_task(inst, "cs", "a"), ("z",))).instance
    assert [t.assignee for t in inst.open_tasks] == ["a"]
    for user in ("a", "b", "z"):
        inst = do(defn, inst, Approve(user, open_task(inst, "cs", user))).instance
    assert inst.status is InstanceStatus.COMPLETED


# ---------------------------------------------------------------------------- terminate


def test_terminate() -> None:
    defn = chain(task("review", "r1"))
    step = do(defn, begin(defn), Terminate("admin", reason="duplicate"))
    assert step.instance.status is InstanceStatus.TERMINATED
    assert step.events[-1].data["reason"] == "duplicate"
