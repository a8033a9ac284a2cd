"""Buttons match the server: over random flows and states, for random viewers (the initiator,
assignees, pool candidates, a manager, an outsider), an action listed in `allowedActions` (of a
task or of the document) succeeds when tried, and one not listed is refused with an error and
changes nothing; the same for the signers `removableSigners` offers (减签). Through GraphQL on
PostgreSQL; the flows are those of the engine's property tests, run by real users and roles,
with every action, 撤回, 减签 and 跳转 included."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.access import DataScope
from models.directory import OrgUnit
from models.documents import Document, DocumentEvent, Task
from models.flows import FlowVersion
from services import directory
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import Office
from tests.workflow.strategies import FIELDS, ROLE_USERS, USERS, flows, forms
from workflow import DocumentAction, FlowDefinition, Instance, TaskAction, TaskStatus

INITIATOR = "u1"
EXTRAS = ["x1", "x2", "x3", "x4", "x5"]
"""Nobody's assignee: people to delegate or transfer to and to add as signers."""
VIEWERS = [*USERS, *EXTRAS, "outsider", "admin"]
FORM = {"type": "object", "properties": {f: {"type": "integer"} for f in FIELDS}}
TASK_MUTATIONS = {
    TaskAction.APPROVE: "approveTask",
    TaskAction.REJECT: "rejectTask",
    TaskAction.RETURN: "returnTask",
    TaskAction.DELEGATE: "delegateTask",
    TaskAction.TRANSFER: "transferTask",
    TaskAction.CLAIM: "claimTask",
    TaskAction.UNCLAIM: "unclaimTask",
    TaskAction.ADD_SIGNERS: "addSigners",
    TaskAction.OPEN: "openTask",
    TaskAction.TAKE_BACK: "takeBackTask",
}
DOCUMENT_MUTATIONS = {
    DocumentAction.SUBMIT: "submitDocument",
    DocumentAction.WITHDRAW: "withdrawDocument",
    DocumentAction.URGE: "urgeDocument",
    DocumentAction.TERMINATE: "terminateDocument",
    DocumentAction.ARCHIVE: "archiveDocument",
    DocumentAction.REMOVE_SIGNERS: "removeSigners",
    DocumentAction.JUMP: "jumpDocument",
}
VIEW = (
    "query($id: ID!) { node(id: $id) { ... on Document { allowedActions "
    "tasks { id allowedActions } removableSigners { node { id } users { id } } } } }"
)


Target = tuple[str | None, str]
"""A task's id (None: the document) and an action's name."""


@dataclass
class Buttons:
    office: Office
    form_id: str
    flows: itertools.count[int]


@pytest.fixture
async def buttons(gql: GraphQL, make_department: Any) -> Buttons:
    """A department whose usernames are those of the generated flows, and one form."""
    department = await make_department()
    office = Office(department, gql)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    for name in [*USERS, *EXTRAS, "outsider"]:
        office.users[name] = await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
    for code, holders in ROLE_USERS.items():
        role = await directory.create_role(
            department.actor,
            code=code,
            name=code,
            permissions=[],
            data_scope=DataScope.SELF,
        )
        for name in holders:
            await directory.assign_role(
                department.actor, user_id=office.users[name].id, role_id=role.id
            )
    form = await office.ok(
        "admin", "createForm", {"key": "f", "name": "表", "jsonSchema": FORM}, "form { id } "
    )
    await office.ok("admin", "publishForm", {"id": form["form"]["id"]}, "version { status } ")
    return Buttons(office, form["form"]["id"], itertools.count())


async def draft(b: Buttons, defn: FlowDefinition, form: dict[str, int]) -> str:
    n = next(b.flows)
    flow = await b.office.ok(
        "admin",
        "createFlow",
        {"key": f"p{n}", "name": f"p{n}", "formId": b.form_id, "definition": defn.to_json()},
        "flow { id } ",
    )
    await b.office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, "flow { id } ")
    made = await b.office.ok(
        "admin",
        "createDocumentType",
        {"code": f"p{n}", "name": f"p{n}", "kind": "OTHER", "flowId": flow["flow"]["id"]},
        "documentType { id } ",
    )
    document = await b.office.ok(
        INITIATOR,
        "createDocument",
        {"documentTypeId": made["documentType"]["id"], "title": "请示", "formData": form},
        "document { id } ",
    )
    doc_id: str = document["document"]["id"]
    return doc_id


async def listed(
    office: Office, who: str, doc_id: str
) -> tuple[dict[str | None, list[str]], set[tuple[str, str]]]:
    """What `who` is offered: the document's buttons under None, each task's under its id;
    and the (node, user id) signers she may remove."""
    node = (await office.run(who, VIEW, {"id": doc_id})).data["node"]
    if node is None:
        return {None: []}, set()
    signers = {(g["node"]["id"], u["id"]) for g in node["removableSigners"] for u in g["users"]}
    buttons = {None: node["allowedActions"]} | {t["id"]: t["allowedActions"] for t in node["tasks"]}
    return buttons, signers


async def snapshot(office: Office, doc_id: str) -> tuple[Any, ...]:
    scope, key = office.department.scope, key_of(doc_id)
    document = await scope.query(Document).get(id=key)
    tasks = await scope.query(Task).filter(document_id=key).order_by("id")
    trail = await scope.query(DocumentEvent).filter(document_id=key).count()
    rows = [(t.key, t.status, t.assignee_id, t.acted_by_id) for t in tasks]
    return document.version, document.status, document.instance, rows, trail


async def newcomer(office: Office, doc_id: str, who: str) -> str | None:
    """Someone other than `who` who holds nothing and votes nowhere on the document."""
    row = await office.department.scope.query(Document).get(id=key_of(doc_id))
    busy = {who}
    if row.instance:
        instance = Instance.from_json(row.instance)
        busy |= {u for k in instance.tokens for u in k.voters}
        busy |= {u for t in instance.open_tasks for u in (t.assignee, *t.candidates) if u}
    return next((x for x in EXTRAS if str(office.users[x].id) not in busy), None)


async def document_input(
    office: Office, doc_id: str, action: DocumentAction, signers: set[tuple[str, str]], data: Any
) -> dict[str, Any]:
    """The input of a document action: a jump target, a signer to remove (mostly one offered,
    sometimes anyone who votes)."""
    if action is DocumentAction.JUMP:
        row = await office.department.scope.query(Document).get(id=key_of(doc_id))
        flow = await office.department.scope.query(FlowVersion).get(id=row.flow_version_id)
        nodes = [n["id"] for n in flow.definition["nodes"] if n["type"] in ("task", "countersign")]
        target = data.draw(st.sampled_from([*nodes, *nodes, "end"]))
        return {"id": doc_id, "nodeId": target, "reason": "改派"}
    if action is DocumentAction.REMOVE_SIGNERS:
        row = await office.department.scope.query(Document).get(id=key_of(doc_id))
        voting = sorted(
            (k.node_id, gid("User", v))
            for k in (Instance.from_json(row.instance).tokens if row.instance else ())
            for v in k.active_voters
        )
        choices = sorted(signers) if signers and data.draw(st.integers(0, 3)) else voting
        node, user = data.draw(st.sampled_from(choices or [("cs", office.id("x1"))]))
        return {"id": doc_id, "nodeId": node, "userIds": [user], "reason": "不再需要"}
    return {"id": doc_id}


async def attempt(
    office: Office,
    who: str,
    doc_id: str,
    target: str | None,
    action: str,
    data: st.DataObject,
    signers: set[tuple[str, str]],
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The errors of trying it, and its input; None when there is nobody left to hand the
    task to."""
    if target is None:
        kind = DocumentAction[action]
        input = await document_input(office, doc_id, kind, signers, data)
        result = await office.mutate(who, DOCUMENT_MUTATIONS[kind], input, "document { id } ")
        errors: list[dict[str, Any]] = result["errors"]
        return errors, input
    task_action = TaskAction[action]
    extra: dict[str, Any] = {}
    if task_action in (TaskAction.DELEGATE, TaskAction.TRANSFER, TaskAction.ADD_SIGNERS):
        me = office.department.admin if who == "admin" else office.users[who]
        name = await newcomer(office, doc_id, str(me.id))
        if name is None:
            return None
        other = office.id(name)
        if task_action is TaskAction.ADD_SIGNERS:
            extra = {
                "userIds": [other],
                "position": data.draw(st.sampled_from(["before", "after"])),
            }
        else:
            extra = {"toUserId": other}
        if task_action is TaskAction.DELEGATE:
            extra["returnAfter"] = data.draw(st.booleans())
    input = {"id": target, **extra}
    result = await office.mutate(who, TASK_MUTATIONS[task_action], input, "task { id } ")
    errors = result["errors"]
    return errors, input


async def holders(office: Office, doc_id: str) -> list[str]:
    """Who holds or may claim an open task of the document now, and who completed one (they
    may take it back), by username."""
    row = await office.department.scope.query(Document).get(id=key_of(doc_id))
    if not row.instance:
        return []
    names = {str(u.id): name for name, u in office.users.items()}
    tasks = Instance.from_json(row.instance).tasks
    now = {u for t in tasks if t.status is TaskStatus.OPEN for u in (t.assignee, *t.candidates)}
    done = {t.acted_by for t in tasks if t.status is TaskStatus.COMPLETED}
    return sorted({names[u] for u in now | done if u in names})


def pick(data: st.DataObject, shown: list[Target], every: list[Target]) -> Target:
    """Mostly a button (one that moves the document on, more often than not; now and then one
    of the rarer ones), else anything."""
    if not shown or not data.draw(st.integers(0, 2)):
        return data.draw(st.sampled_from(every))
    rare = [b for b in shown if b[1] in ("TAKE_BACK", "REMOVE_SIGNERS", "JUMP")]
    if rare and not data.draw(st.integers(0, 3)):
        return data.draw(st.sampled_from(rare))
    stops = ("REJECT", "TERMINATE", "WITHDRAW", "URGE", "JUMP")
    onwards = [b for b in shown if b[1] not in stops]
    return data.draw(
        st.sampled_from(onwards if onwards and data.draw(st.integers(0, 3)) else shown)
    )


@settings(
    max_examples=int(os.environ.get("BUTTON_PROPERTY_EXAMPLES", "15")),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(defn=flows(), form=forms, data=st.data())
@pytest.mark.slow
async def test_listed_actions_succeed_and_the_others_are_refused(
    buttons: Buttons, defn: FlowDefinition, form: dict[str, int], data: st.DataObject
) -> None:
    office = buttons.office
    doc_id = await draft(buttons, defn, form)
    if data.draw(st.integers(0, 3)):
        await office.ok(INITIATOR, "submitDocument", {"id": doc_id}, "document { id } ")
    for _ in range(data.draw(st.integers(3, 16))):
        involved = [*await holders(office, doc_id), INITIATOR, "admin"]
        who = data.draw(st.sampled_from(involved if data.draw(st.integers(0, 2)) else VIEWERS))
        offered, signers = await listed(office, who, doc_id)
        assert bool(signers) == ("REMOVE_SIGNERS" in offered[None]), (who, offered, signers)
        tasks = (
            await office.department.scope.query(Task)
            .filter(document_id=key_of(doc_id))
            .order_by("id")
        )
        every = [(None, a.name) for a in DocumentAction] + [
            (gid("Task", t.id), a.name) for t in tasks for a in TaskAction
        ]
        shown = [(target, a) for target, actions in offered.items() for a in actions]
        target, action = pick(data, shown, every)
        before = await snapshot(office, doc_id)
        tried = await attempt(office, who, doc_id, target, action, data, signers)
        if tried is None:
            continue
        errors, input = tried
        offers = (target, action) in shown
        if action == "REMOVE_SIGNERS":
            offers = offers and (input["nodeId"], input["userIds"][0]) in signers
        if offers:
            assert errors == [], (who, target, action, input, errors)
        else:
            assert errors, f"{action} was not offered to {who} but succeeded ({input})"
            assert await snapshot(office, doc_id) == before, (who, action, "changed something")
