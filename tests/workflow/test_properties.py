"""Property tests: random valid block-structured flows driven by random (legal and illegal)
actions. Invariants:

* generated flows pass validation;
* a running instance always has somewhere to wait: every token waits at an open task, at an
  activation (assignees pending) or at a join; a finished one has no open task or token;
* a join completes only when every branch of its fork has arrived;
* countersign decisions are exact: pass at the first moment approvals reach the threshold,
  fail at the first moment it is out of reach, never earlier;
* illegal actions raise EngineError and leave the instance unchanged; intruders are refused;
* the instance round-trips through JSON, and the engine is deterministic;
* when everyone keeps approving, every run reaches ``completed``;
* ``allowed_actions`` lists exactly the task actions that succeed for that user, and the
  document checks (withdraw, urge, terminate, jump, remove signers) pass exactly when those
  actions succeed;
* 撤回 gives the step back to whoever took it, 减签 leaves no removed signer with an open
  vote, a jump leaves the document waiting at its target (or ended at an end node).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.workflow.strategies import FIELDS, PROPERTY_SETTINGS, ROLE_USERS, USERS, flows, forms
from tests.workflow.support import NOW
from workflow import (
    AddSigner,
    Approve,
    Claim,
    CountersignMode,
    Delegate,
    DocumentAction,
    EngineError,
    FlowDefinition,
    Instance,
    InstanceStatus,
    Jump,
    NodeType,
    Open,
    Reject,
    RemoveSigners,
    Return,
    Step,
    TakeBack,
    TaskAction,
    TaskStatus,
    Terminate,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
    act,
    allowed_actions,
    assign,
    check_document_action,
    removable_signers,
    return_targets,
    start,
    validate,
)
from workflow.actions import Action
from workflow.state import Task, TokenState

pytestmark = pytest.mark.slow  # hypothesis runs hundreds of random flows

INTRUDER = "intruder"
NEWCOMER = "newcomer"  # votes nowhere: a valid user to hand a task to or add as a signer


# ---------------------------------------------------------------------------- flow generation


# ---------------------------------------------------------------------------- invariants


def needed(defn: FlowDefinition, node_id: str, voters: int) -> int:
    cfg = defn.node(node_id).countersign
    assert cfg is not None
    if cfg.mode is CountersignMode.ALL:
        return voters
    if cfg.mode is CountersignMode.ANY:
        return 1
    return math.ceil(Fraction(str(cfg.share)) * voters)


def check_state(defn: FlowDefinition, inst: Instance) -> None:
    assert Instance.from_json(inst.to_json()) == inst
    open_by_token = Counter(t.token_id for t in inst.tasks if t.status is TaskStatus.OPEN)
    if inst.status is not InstanceStatus.RUNNING:
        assert not open_by_token
        assert inst.tokens == ()
        assert inst.pending == ()
        return
    assert inst.tokens, "running without any token"
    pending_tokens = {p.token_id for p in inst.pending}
    fork_ids = {f.id for f in inst.forks}
    token_ids = {k.id for k in inst.tokens}
    assert set(open_by_token) <= token_ids, "open task of a vanished token"
    for tok in inst.tokens:
        if tok.state is TokenState.WAITING:
            assert open_by_token[tok.id] >= 1, f"token {tok.id} waits at {tok.node_id} alone"
        elif tok.state is TokenState.ASSIGNING:
            assert tok.id in pending_tokens
        else:
            assert tok.state is TokenState.ARRIVED
            assert defn.is_join(tok.node_id)
            assert tok.fork_path[-1].split("/")[0] in fork_ids
    # join arrivals never reach the branch count (else the join should have fired)
    arrivals = Counter(
        k.fork_path[-1].split("/")[0] for k in inst.tokens if k.state is TokenState.ARRIVED
    )
    for fork in inst.forks:
        assert arrivals[fork.id] < fork.branches


def check_step(defn: FlowDefinition, before: Instance, step: Step) -> None:
    inst = step.instance
    check_state(defn, inst)
    # joins complete exactly when every branch has arrived
    branches = {f.id: f.branches for f in before.forks}
    arrived = Counter(
        k.fork_path[-1].split("/")[0] for k in before.tokens if k.state is TokenState.ARRIVED
    )
    for e in step.events:
        if e.kind == "parallel_split":
            branches[e.data["fork_id"]] = e.data["branches"]
        elif e.kind == "join_arrived":
            arrived[e.data["fork_id"]] += 1
        elif e.kind == "join_completed":
            fork = e.data["fork_id"]
            assert arrived[fork] == branches[fork] == e.data["branches"]
            assert not any(
                k.fork_path and k.fork_path[-1].startswith(fork + "/") for k in inst.tokens
            )
    # countersign decisions at the exact threshold (a removal may overshoot it)
    removal = any(e.kind == "signers_removed" for e in step.events)
    for e in step.events:
        if e.kind not in ("countersign_passed", "countersign_failed", "countersign_vote"):
            continue
        a, r, v = e.data["approvals"], e.data["rejections"], e.data["voters"]
        need = needed(defn, e.node_id or "", v)
        assert e.data["needed"] == need
        remaining = v - a - r
        if e.kind == "countersign_passed":
            assert a >= need if removal else a == need
        elif e.kind == "countersign_failed":
            assert a + remaining < need if removal else a + remaining == need - 1
        else:
            assert a < need <= a + remaining


# ---------------------------------------------------------------------------- driving


def settle(defn: FlowDefinition, inst: Instance) -> Instance:
    """Resolve pending activations the way the services layer would."""
    while inst.status is InstanceStatus.RUNNING and inst.pending:
        p = inst.pending[0]
        code = getattr(p.rule, "role_code", None)
        before = inst
        step = assign(defn, inst, p.id, ROLE_USERS.get(code or "", ["u5"]), now=NOW)
        check_step(defn, before, step)
        inst = step.instance
    return inst


def holder(t: Task) -> str:
    return t.assignee or t.candidates[0]


def random_action(data: st.DataObject, inst: Instance, defn: FlowDefinition) -> tuple[Action, bool]:
    """An action and whether it is surely illegal (an intruder acting)."""
    t = data.draw(st.sampled_from(inst.open_tasks))
    if t.pool and t.assignee is None and data.draw(st.integers(0, 3)) > 0:
        return Claim(data.draw(st.sampled_from(t.candidates)), t.id), False
    kind = data.draw(
        st.sampled_from(
            ["approve"] * 6
            + ["return"] * 2
            + ["return_to", "reject", "delegate", "delegate_keep", "transfer", "claim"]
            + ["unclaim", "add_before", "add_after", "urge", "open", "take_back", "remove"]
            + ["jump"]
        )
    )
    actor = data.draw(st.sampled_from([holder(t)] * 6 + [*USERS, INTRUDER]))
    other = data.draw(st.sampled_from(USERS))
    action: Action
    if kind == "approve":
        action = Approve(actor, t.id)
    elif kind == "reject":
        action = Reject(actor, t.id)
    elif kind == "return":
        action = Return(actor, t.id)
    elif kind == "return_to":
        visited = sorted({v.node_id for v in inst.visits})
        action = Return(actor, t.id, target_node=data.draw(st.sampled_from(visited)))
    elif kind == "urge":
        action = Urge(actor, t.id)
    elif kind in ("delegate", "delegate_keep"):
        action = Delegate(actor, t.id, other, return_after=kind == "delegate")
    elif kind == "transfer":
        action = Transfer(actor, t.id, other)
    elif kind == "claim":
        action = Claim(actor, t.id)
    elif kind == "unclaim":
        action = Unclaim(actor, t.id)
    elif kind == "open":
        action = Open(actor, t.id)
    elif kind in ("take_back", "remove", "jump"):
        return rare_action(data, inst, defn, kind, actor)
    else:
        action = AddSigner(
            actor, t.id, (other,), position="before" if kind == "add_before" else "after"
        )
    return action, actor == INTRUDER


def rare_action(
    data: st.DataObject, inst: Instance, defn: FlowDefinition, kind: str, actor: str
) -> tuple[Action, bool]:
    """撤回 (mostly by whoever completed a task), 减签 (as the adder or a manager), 跳转."""
    if kind == "take_back":
        done = [x for x in inst.tasks if x.status is TaskStatus.COMPLETED]
        if done:
            x = data.draw(st.sampled_from(done))
            who = data.draw(st.sampled_from([x.acted_by or actor] * 3 + [actor]))
            return TakeBack(who, x.id), who == INTRUDER
    signing = [k for k in inst.tokens if k.voters]
    if kind == "remove" and signing:
        k = data.draw(st.sampled_from(signing))
        users = data.draw(st.lists(st.sampled_from(k.voters), min_size=1, unique=True))
        adders = [u for _, u in k.added_by]
        who = data.draw(st.sampled_from([*adders, *adders, actor]))
        manager = data.draw(st.booleans())
        removal = RemoveSigners(who, k.node_id, tuple(users), "不再需要", manager)
        return removal, who == INTRUDER and not manager
    return Jump(actor, data.draw(st.sampled_from(jump_targets(defn))), "改派"), False


def jump_targets(defn: FlowDefinition) -> list[str]:
    """Where a jump may go: wait nodes, mostly, and the end."""
    waits = [n.id for n in defn.nodes if n.is_wait]
    return [*waits, *waits, *(n.id for n in defn.nodes if n.type is NodeType.END)]


def approve_to_the_end(defn: FlowDefinition, inst: Instance, form: dict[str, int]) -> Instance:
    for _ in range(400):
        inst = settle(defn, inst)
        if inst.status is not InstanceStatus.RUNNING:
            return inst
        t = inst.open_tasks[0]
        if t.pool and t.assignee is None:
            step = act(defn, inst, Claim(t.candidates[0], t.id), form, now=NOW)
            check_step(defn, inst, step)
            inst = step.instance
            t = inst.task(t.id)
        step = act(defn, inst, Approve(holder(t), t.id), form, now=NOW)
        check_step(defn, inst, step)
        inst = step.instance
    raise AssertionError("approving did not finish the flow")


@PROPERTY_SETTINGS
@given(defn=flows(), form=forms)
def test_generated_flows_are_valid_and_complete_when_approved(
    defn: FlowDefinition, form: dict[str, int]
) -> None:
    assert validate(defn, set(FIELDS)) == []
    step = start(defn, form, {}, "u1", now=NOW)
    check_state(defn, step.instance)
    inst = approve_to_the_end(defn, step.instance, form)
    assert inst.status is InstanceStatus.COMPLETED


@PROPERTY_SETTINGS
@given(defn=flows(), form=forms, data=st.data())
def test_random_actions_keep_invariants(
    defn: FlowDefinition, form: dict[str, int], data: st.DataObject
) -> None:
    inst = start(defn, form, {}, "u1", now=NOW).instance
    for _ in range(data.draw(st.integers(1, 40))):
        inst = settle(defn, inst)
        if inst.status is not InstanceStatus.RUNNING:
            break
        action, surely_illegal = random_action(data, inst, defn)
        snapshot = inst.to_json()
        try:
            step = act(defn, inst, action, form, now=NOW)
        except EngineError:
            assert inst.to_json() == snapshot
            continue
        if isinstance(action, Urge):
            assert step.instance == inst
            assert step.notifications
            continue
        assert not surely_illegal, f"intruder was allowed: {action}"
        again = act(defn, Instance.from_json(snapshot), action, form, now=NOW)
        assert again.instance == step.instance  # deterministic, input not mutated
        check_step(defn, inst, step)
        check_effect(defn, inst, action, step)
        inst = step.instance
    if inst.status is InstanceStatus.RUNNING:
        final = approve_to_the_end(defn, inst, form)
        assert final.status is InstanceStatus.COMPLETED


def check_effect(defn: FlowDefinition, before: Instance, action: Action, step: Step) -> None:
    """What 撤回, 减签 and 跳转 promise."""
    after = step.instance
    closed = {t.status for t in step.closed_tasks}
    if isinstance(action, TakeBack):
        node = before.task(action.task_id).node_id
        assert [t.assignee for t in after.open_tasks if t.node_id == node] == [action.actor]
        assert closed <= {TaskStatus.WITHDRAWN}
    elif isinstance(action, RemoveSigners):
        at_node = [t for t in after.open_tasks if t.node_id == action.node_id]
        assert not [t for t in at_node if t.assignee in action.users]
        assert TaskStatus.REMOVED in closed or not any(
            t.status is TaskStatus.OPEN and t.assignee in action.users
            for t in before.tasks
            if t.node_id == action.node_id
        )
    elif isinstance(action, Jump):
        assert closed <= {TaskStatus.JUMPED, TaskStatus.CANCELLED}
        if after.status is InstanceStatus.RUNNING:
            assert action.node_id in {k.node_id for k in after.tokens}
        else:
            assert defn.node(action.node_id).type is NodeType.END


# ---------------------------------------------------------------------------- buttons


def tries(inst: Instance, action: TaskAction, t: Task, user: str) -> list[Action]:
    """Ways to take ``action`` with valid arguments (every return target is one way)."""
    match action:
        case TaskAction.APPROVE:
            return [Approve(user, t.id)]
        case TaskAction.REJECT:
            return [Reject(user, t.id)]
        case TaskAction.RETURN:
            return [Return(user, t.id)] + [
                Return(user, t.id, n) for n in sorted({v.node_id for v in inst.visits})
            ]
        case TaskAction.DELEGATE:
            return [Delegate(user, t.id, NEWCOMER), Delegate(user, t.id, NEWCOMER, False)]
        case TaskAction.TRANSFER:
            return [Transfer(user, t.id, NEWCOMER)]
        case TaskAction.CLAIM:
            return [Claim(user, t.id)]
        case TaskAction.UNCLAIM:
            return [Unclaim(user, t.id)]
        case TaskAction.ADD_SIGNERS:
            return [AddSigner(user, t.id, (NEWCOMER,), p) for p in ("before", "after")]
        case TaskAction.OPEN:
            return [Open(user, t.id)]
        case TaskAction.TAKE_BACK:
            return [TakeBack(user, t.id)]


def document_tries(
    defn: FlowDefinition, inst: Instance, action: DocumentAction, user: str, manager: bool
) -> list[Action]:
    """Ways to take a document action (every single removal of a signer is one way)."""
    match action:
        case DocumentAction.WITHDRAW:
            return [Withdraw(user)]
        case DocumentAction.URGE:
            return [Urge(user)]
        case DocumentAction.TERMINATE:
            return [Terminate(user)]
        case DocumentAction.JUMP:
            return [Jump(user, n, "改派") for n in sorted(set(jump_targets(defn)))]
        case DocumentAction.REMOVE_SIGNERS:
            return [
                RemoveSigners(user, k.node_id, (v,), "不再需要", manager)
                for k in inst.tokens
                for v in k.active_voters
            ]
    return []


def succeeds(defn: FlowDefinition, inst: Instance, action: Action, form: dict[str, int]) -> bool:
    try:
        act(defn, inst, action, form, now=NOW)
    except EngineError:
        return False
    return True


@PROPERTY_SETTINGS
@given(defn=flows(), form=forms, data=st.data())
def test_allowed_actions_are_the_actions_that_succeed(
    defn: FlowDefinition, form: dict[str, int], data: st.DataObject
) -> None:
    inst = start(defn, form, {}, "u1", now=NOW).instance
    for _ in range(data.draw(st.integers(0, 12))):
        inst = settle(defn, inst)
        if inst.status is not InstanceStatus.RUNNING:
            break
        action, _ = random_action(data, inst, defn)
        try:
            inst = act(defn, inst, action, form, now=NOW).instance
        except EngineError:
            continue
    inst = settle(defn, inst)
    people = [*USERS, INTRUDER]
    some = st.lists(st.sampled_from(inst.tasks), max_size=4) if inst.tasks else st.just([])
    for t in data.draw(some):
        for user in people:
            listed = allowed_actions(defn, inst, t.id, user)
            for action in TaskAction:
                ways = tries(inst, action, t, user)
                ok = [succeeds(defn, inst, way, form) for way in ways]
                if action in listed:
                    assert ok[0], f"{action} listed for {user} on {t.id} but refused"
                    if action is TaskAction.RETURN:
                        worked = {w.target_node for w, y in zip(ways, ok, strict=True) if y}
                        assert set(return_targets(defn, inst, t.id)) == worked - {None}
                else:
                    assert not any(ok), f"{action} not listed for {user} on {t.id} but allowed"
    for user, manager, action in itertools.product(people, (False, True), DocumentAction):
        ways = document_tries(defn, inst, action, user, manager)
        if not ways:
            continue  # submit and archive are the services' alone
        try:
            check_document_action(defn, inst, action, user, manager)
        except EngineError:
            passed = False
        else:
            passed = True
        ok = [succeeds(defn, inst, way, form) for way in ways]
        assert passed == any(ok), (action, user, manager)
        if passed and action is not DocumentAction.REMOVE_SIGNERS:
            assert all(ok), (action, user)
        if action is DocumentAction.REMOVE_SIGNERS:
            listed = removable_signers(defn, inst, user, manager)
            worked = [w for w, y in zip(ways, ok, strict=True) if y]
            assert {(w.node_id, w.users[0]) for w in worked} == {  # type: ignore[union-attr]
                (n, u) for n, users in listed.items() for u in users
            }


# ---------------------------------------------------------------------------- countersign oracle


@PROPERTY_SETTINGS
@given(
    voters=st.integers(1, 7),
    mode=st.sampled_from(["all", "any", "share"]),
    share=st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.6, 2 / 3, 0.7, 0.75, 0.99, 1.0]),
    order=st.sampled_from(["parallel", "sequential"]),
    votes=st.lists(st.booleans(), min_size=7, max_size=7),
    data=st.data(),
)
def test_countersign_matches_oracle(
    voters: int, mode: str, share: float, order: str, votes: list[bool], data: st.DataObject
) -> None:
    users = [f"v{i}" for i in range(voters)]
    cfg: dict[str, Any] = {"mode": mode, "order": order}
    if mode == "share":
        cfg["share"] = share
    defn = FlowDefinition.model_validate(
        {
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "cs",
                    "type": "countersign",
                    "countersign": cfg,
                    "assignee": {"kind": "users", "ids": users},
                },
                {"id": "after", "type": "task", "assignee": {"kind": "users", "ids": ["z"]}},
                {"id": "end", "type": "end"},
            ],
            "transitions": [
                {"id": "a", "source": "start", "target": "cs"},
                {"id": "b", "source": "cs", "target": "after"},
                {"id": "c", "source": "after", "target": "end"},
            ],
        }
    )
    need = needed(defn, "cs", voters)
    inst = start(defn, {}, {}, "ini", now=NOW).instance
    approvals = rejections = 0
    for i in range(voters):
        open_votes = [t for t in inst.open_tasks if t.node_id == "cs"]
        if order == "sequential":
            assert [t.assignee for t in open_votes] == [users[i]]  # one at a time, in order
            t = open_votes[0]
        else:
            t = data.draw(st.sampled_from(open_votes))
        yes = votes[i]
        action = Approve(t.assignee or "", t.id) if yes else Reject(t.assignee or "", t.id)
        step = act(defn, inst, action, now=NOW)
        check_step(defn, inst, step)
        inst = step.instance
        approvals += yes
        rejections += not yes
        remaining = voters - approvals - rejections
        # the oracle: Fraction arithmetic, independent of the engine's threshold helper
        if mode == "share":
            passed = Fraction(approvals, voters) >= Fraction(str(share))
            reachable = Fraction(approvals + remaining, voters) >= Fraction(str(share))
        elif mode == "all":
            passed, reachable = approvals == voters, rejections == 0
        else:
            passed, reachable = approvals >= 1, approvals + remaining >= 1
        assert passed == (approvals >= need)
        if passed:
            assert [t.node_id for t in inst.open_tasks] == ["after"]
            return
        if not reachable:
            assert inst.status is InstanceStatus.REJECTED
            return
        assert inst.status is InstanceStatus.RUNNING
        assert {t.node_id for t in inst.open_tasks} == {"cs"}
    raise AssertionError("every vote was cast but the countersign is undecided")
