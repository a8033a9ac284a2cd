"""Buttons match the server: over random flows and states, for random viewers (the initiator,
assignees, pool candidates, a manager, an outsider), an action listed in `allowedActions` (of a
task or of the document) succeeds when tried, and one not listed is refused with an error and
changes nothing. Through GraphQL on PostgreSQL; the flows are those of the engine's property
tests, run by real users and roles."""

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
from services import directory
from tests.conftest import GraphQL, gid, key_of
from tests.documents.support import Office
from tests.workflow.strategies import FIELDS, ROLE_USERS, USERS, flows, forms
from workflow import DocumentAction, FlowDefinition, Instance, TaskAction

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
}
DOCUMENT_MUTATIONS = {
    DocumentAction.SUBMIT: ("submitDocument", "id"),
    DocumentAction.WITHDRAW: ("withdrawDocument", "id"),
    DocumentAction.URGE: ("urgeDocument", "id"),
    DocumentAction.TERMINATE: ("terminateDocument", "id"),
    DocumentAction.ARCHIVE: ("archiveDocument", "id"),
}
VIEW = (
    "query($id: ID!) { node(id: $id) { ... on Document { allowedActions "
    "tasks { id allowedActions } } } }"
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


async def listed(office: Office, who: str, doc_id: str) -> dict[str | None, list[str]]:
    """What `who` is offered: the document's buttons under None, each task's under its id."""
    node = (await office.run(who, VIEW, {"id": doc_id})).data["node"]
    if node is None:
        return {None: []}
    return {None: node["allowedActions"]} | {t["id"]: t["allowedActions"] for t in node["tasks"]}


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


async def attempt(
    office: Office, who: str, doc_id: str, target: str | None, action: str, data: st.DataObject
) -> list[dict[str, Any]] | None:
    """The errors of trying it; None when there is nobody left to hand the task to."""
    if target is None:
        name, field = DOCUMENT_MUTATIONS[DocumentAction[action]]
        result = await office.mutate(who, name, {field: doc_id}, "document { id } ")
        errors: list[dict[str, Any]] = result["errors"]
        return errors
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
    result = await office.mutate(
        who, TASK_MUTATIONS[task_action], {"id": target, **extra}, "task { id } "
    )
    errors = result["errors"]
    return errors


async def holders(office: Office, doc_id: str) -> list[str]:
    """Who holds or may claim an open task of the document now, by username."""
    row = await office.department.scope.query(Document).get(id=key_of(doc_id))
    if not row.instance:
        return []
    names = {str(u.id): name for name, u in office.users.items()}
    tasks = Instance.from_json(row.instance).open_tasks
    return sorted({names[u] for t in tasks for u in (t.assignee, *t.candidates) if u in names})


def pick(data: st.DataObject, shown: list[Target], every: list[Target]) -> Target:
    """Mostly a button (one that moves the document on, more often than not), else anything."""
    if not shown or not data.draw(st.integers(0, 2)):
        return data.draw(st.sampled_from(every))
    onwards = [b for b in shown if b[1] not in ("REJECT", "TERMINATE", "WITHDRAW", "URGE")]
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
        offered = await listed(office, who, doc_id)
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
        errors = await attempt(office, who, doc_id, target, action, data)
        if errors is None:
            continue
        if (target, action) in shown:
            assert errors == [], (who, target, action, errors)
        else:
            assert errors, f"{action} was not offered to {who} but succeeded"
            assert await snapshot(office, doc_id) == before, (who, action, "changed something")
