"""减签 and 撤回 as people see them: every refusal of removing signers with its code, words and
node, the button's check (`check_document_action`), and the trail a take-back leaves."""

from __future__ import annotations

import pytest

from tests.workflow.support import (
    begin,
    chain,
    countersign,
    do,
    edge,
    end_node,
    expect,
    graph,
    open_task,
    par,
    role_task,
    start_node,
    task,
)
from workflow import (
    AddSigner,
    Approve,
    DocumentAction,
    EngineError,
    FlowDefinition,
    Instance,
    RemoveSigners,
    Submit,
    TakeBack,
    check_document_action,
)

CS = chain(task("draft"), countersign("cs", ["a", "b", "c"], name="会签"))


def _submitted(defn: FlowDefinition = CS) -> Instance:
    return do(defn, begin(defn), Submit("ini")).instance


def _refused(inst: Instance, action: RemoveSigners, code: str) -> tuple[str, str | None]:
    error = expect(code, CS, inst, action)
    return error.message, error.node_id


def test_removing_signers_where_no_countersign_is_open_names_the_node() -> None:
    inst = _submitted()
    assert _refused(inst, RemoveSigners("m", "draft", ("a",), manager=True), "INVALID_TARGET") == (
        "No countersign is open at Draft",
        "draft",
    )
    assert _refused(
        inst, RemoveSigners("m", "nowhere", ("a",), manager=True), "INVALID_TARGET"
    ) == (
        "No countersign is open at nowhere",
        "nowhere",
    )


@pytest.mark.parametrize("users", [(), ("a", "a"), ("a", "")])
def test_the_signers_to_remove_are_named_once_each(users: tuple[str, ...]) -> None:
    inst = _submitted()
    refused = _refused(inst, RemoveSigners("m", "cs", users, manager=True), "INVALID_TARGET")
    assert refused == ("Name different signers of 会签 to remove", None)


def test_each_refusal_of_a_signer_says_why() -> None:
    inst = _submitted()
    inst = do(CS, inst, AddSigner("a", open_task(inst, "cs", "a"), ("x",))).instance
    inst = do(CS, inst, Approve("b", open_task(inst, "cs", "b"))).instance
    assert _refused(inst, RemoveSigners("m", "cs", ("z",), manager=True), "INVALID_TARGET") == (
        "Someone named does not sign at 会签",
        None,
    )
    assert _refused(inst, RemoveSigners("m", "cs", ("b",), manager=True), "INVALID_TARGET") == (
        "Someone named has already voted at 会签",
        None,
    )
    assert _refused(inst, RemoveSigners("a", "cs", ("c",)), "NOT_ASSIGNEE") == (
        "Only whoever added a signer to 会签, or a manager, removes them",
        "cs",
    )
    everyone = RemoveSigners("m", "cs", ("a", "b", "c"), manager=True)
    assert _refused(_submitted(), everyone, "LAST_SIGNER") == (
        "会签 needs at least one signer: remove fewer",
        "cs",
    )
    step = do(CS, inst, RemoveSigners("a", "cs", ("x",), "不必"))
    assert next((e.kind, e.actor, e.node_id, dict(e.data)) for e in step.events) == (
        "signers_removed",
        "a",
        "cs",
        {"users": ["x"], "reason": "不必"},
    )


def _may_remove(inst: Instance, user: str, manager: bool = False) -> tuple[str, str] | None:
    try:
        check_document_action(CS, inst, DocumentAction.REMOVE_SIGNERS, user, manager)
    except EngineError as error:
        return error.code, error.message
    return None


def test_the_remove_button_says_why_it_is_not_offered() -> None:
    inst = _submitted()
    assert _may_remove(inst, "m", manager=True) is None
    assert _may_remove(inst, "a") == (
        "NOT_ASSIGNEE",
        "Only whoever added a signer, or a manager, removes them",
    )
    inst = do(CS, inst, AddSigner("a", open_task(inst, "cs", "a"), ("x",))).instance
    assert _may_remove(inst, "a") is None
    for user in ("a", "b", "x"):
        inst = do(CS, inst, Approve(user, open_task(inst, "cs", user))).instance
    assert _may_remove(inst, "m", manager=True) is None
    single = chain(task("draft"), countersign("cs", ["a"], name="会签"))
    alone = _submitted(single)
    with pytest.raises(EngineError) as refused:
        check_document_action(single, alone, DocumentAction.REMOVE_SIGNERS, "m", True)
    assert (refused.value.code, refused.value.message) == (
        "LAST_SIGNER",
        "A countersign needs at least one signer",
    )
    plain = chain(task("draft"), task("review", "r1"))
    with pytest.raises(EngineError) as refused:
        check_document_action(plain, _submitted(plain), DocumentAction.REMOVE_SIGNERS, "m", True)
    assert (refused.value.code, refused.value.message) == (
        "INVALID_ACTION",
        "No countersign has a signer left to remove",
    )


# ---------------------------------------------------------------------------- 撤回


def test_a_take_back_reports_who_took_what_back_and_keeps_others_work() -> None:
    defn = graph(
        [start_node(), task("draft"), par("p"), task("a", "ua"), role_task("b", "clerk"),
         par("j"), end_node()],
        [edge("start", "draft"), edge("draft", "p"), edge("p", "a"), edge("p", "b"),
         edge("a", "j"), edge("b", "j"), edge("j", "end")],
    )  # fmt: skip
    inst = _submitted(defn)
    [waiting] = inst.pending
    inst = do(defn, inst, Approve("ua", open_task(inst, "a"))).instance
    done = next(t for t in inst.tasks if t.node_id == "a")
    step = do(defn, inst, TakeBack("ua", done.id, "再想想"))
    assert step.instance.pending == (waiting,), "b still awaits its assignees"
    assert not step.instance.withdrawable
    [reopened] = [t for t in step.instance.open_tasks if t.node_id == "a"]
    taken = [(e.kind, e.actor, e.node_id, e.task_id, dict(e.data)) for e in step.events]
    assert taken[0] == (
        "taken_back",
        "ua",
        "a",
        done.id,
        {"visit_id": reopened.visit_id, "comment": "再想想"},
    )
    plain = do(defn, inst, TakeBack("ua", done.id)).events[0]
    assert plain.data["comment"] == ""


def test_the_initiator_taking_back_her_submission_may_still_withdraw() -> None:
    defn = chain(task("draft"), task("review", "r1"))
    inst = _submitted(defn)
    draft = next(t for t in inst.tasks if t.node_id == "draft")
    back = do(defn, inst, TakeBack("ini", draft.id)).instance
    assert back.withdrawable
