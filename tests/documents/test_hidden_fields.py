"""Hidden stays hidden: a canary in a field some nodes hide, eight action scenarios, a dozen
users, every path that could show it. A field hidden at some node shows only to the initiator,
documents.manage holders and those who stood at a node where it is not hidden; the tests check
both directions on every path (reads, payloads, the trail) and that the paths which never
carry form values (events, audit, search, statistics, exchange) still do not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from auth.viewer import actor_for
from models.access import DataScope, Permission
from models.directory import OrgUnit
from models.documents import DocumentEvent, DocumentType
from models.outbox import OutboxEvent
from models.scope import TenantScope
from server.settings import Settings
from services import directory
from services.documents import lifecycle
from subscriptions.outbox import reader
from tests.conftest import Department, GraphQL, gid, key_of, new_department, ws_url
from tests.documents.support import Office, staff
from tests.exchange.support import DISPATCH, INBOX, receiving_office
from tests.ws_client import Socket

CANARY = "canary-7f3a9c"
FORM = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "x-public": True},
        "secret": {"type": "string"},
        "opinion": {"type": "string"},
    },
    "required": ["subject"],
}
HIDDEN = {"secret": "hidden"}
FLOW: dict[str, Any] = {
    "id": "hidden-canary",
    "name": "密件流转",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "draft",
            "name": "拟稿",
            "type": "task",
            "assignee": {"kind": "previous_handler"},
            "fieldAccess": {"subject": "editable", "secret": "editable"},
        },
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "fieldAccess": {**HIDDEN, "opinion": "editable"},
            "rejectTo": "draft",
        },
        {
            "id": "cs",
            "name": "会签",
            "type": "countersign",
            "assignee": {"kind": "users", "ids": ["finance_head", "legal_head"]},
            "countersign": {"mode": "all", "order": "parallel"},
            "fieldAccess": HIDDEN,
        },
        {
            "id": "pool",
            "name": "办理",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_clerk"},
            "pool": True,
            "fieldAccess": {"secret": "readonly"},
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
            "fieldAccess": HIDDEN,
            "allocateNumber": True,
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "t1", "source": "start", "target": "draft"},
        {"id": "t2", "source": "draft", "target": "review"},
        {"id": "t3", "source": "review", "target": "cs"},
        {"id": "t4", "source": "cs", "target": "pool"},
        {"id": "t5", "source": "pool", "target": "sign"},
        {"id": "t6", "source": "sign", "target": "end"},
    ],
}
EXTRA = {
    "reader": ("doc_reader", [Permission.DOCUMENTS_READ]),
    "subadmin": ("sub_admin", [Permission.TENANT_ADMIN]),
    "manager": ("doc_manager", [Permission.DOCUMENTS_MANAGE, Permission.DOCUMENTS_READ]),
}
DOC_OUT = "id formData tasks { document { formData } }"
TASK_OUT = f"task {{ id document {{ {DOC_OUT} }} }} document {{ {DOC_OUT} }} "
READS = """query($id: ID!, $event: ID!) {
  node(id: $id) { ... on Document { formData tasks { document { formData } }
    timeline(first: 100) { edges { node { action changes } } } } }
  documents(first: 100) { edges { node { id formData } } }
  open: myTasks(kind: OPEN, first: 100) { edges { node { document { id formData } } } }
  done: myTasks(kind: DONE, first: 100) { edges { node { document { id formData } } } }
  event: node(id: $event) { ... on DocumentEvent { action changes } }
}"""
USERS = (
    "writer",
    "director",
    "finance_head",
    "legal_head",
    "hr_head",
    "clerk",
    "clerk2",
    "leader",
    "outsider",
    "reader",
    "subadmin",
    "manager",
)
INITIATOR_AND_MANAGER = {"writer", "manager"}
"""See everything, always."""
DATA_READERS = {"reader", "subadmin"}
"""documents.read / tenant.admin without documents.manage: read the document, never stood."""
PATHS = ("node", "documents", "myTasks OPEN", "myTasks DONE", "tasks.document")
TASK_LISTS = {"myTasks OPEN", "myTasks DONE"}
"""A document is in these lists only for some readers: absent there is not a failure."""


def kind_of(form_data: Any) -> str:
    """shown: the canary is there; hidden: gone, while the field hidden nowhere stays."""
    if not isinstance(form_data, dict):
        return f"not an object: {form_data!r}"
    if CANARY in orjson.dumps(form_data).decode():
        return "shown" if CANARY in str(form_data.get("secret")) else f"leaked: {form_data}"
    if "secret" not in form_data and "subject" in form_data:
        return "hidden"
    return f"broken: {form_data}"


def kinds(values: list[Any]) -> str:
    found = {kind_of(v) for v in values}
    if not found:
        return "absent"
    return found.pop() if len(found) == 1 else f"mixed: {sorted(found)}"


def form_datas(value: Any) -> list[Any]:
    """Every `formData` anywhere in a response."""
    if isinstance(value, dict):
        own = [value["formData"]] if "formData" in value else []
        return own + [f for k, v in value.items() if k != "formData" for f in form_datas(v)]
    if isinstance(value, list):
        return [f for v in value for f in form_datas(v)]
    return []


def trail_kind(entries: list[dict[str, Any]] | None) -> str:
    """The edit that changed both fields shows both [old, new] pairs, or only `subject`."""
    if entries is None:
        return "absent"
    text = orjson.dumps([e["changes"] for e in entries]).decode()
    edits = [e["changes"] for e in entries if e["action"] == "edited"]
    assert edits, entries
    if CANARY in text:
        return "shown" if all("secret" in e for e in edits) else f"leaked: {text}"
    return "hidden" if all(set(e) == {"subject"} for e in edits) else f"broken: {text}"


@dataclass
class Checkpoint:
    scenario: str
    shown: set[str]
    hidden: set[str]
    reads: dict[str, dict[str, Any]]
    document_id: str

    def expected(self, who: str) -> str:
        if who in self.shown:
            return "shown"
        return "hidden" if who in self.hidden else "absent"

    def found(self, who: str, path: str) -> str:
        data, doc = self.reads[who], self.document_id
        if path == "node":
            return kinds([data["node"]["formData"]] if data["node"] else [])
        if path == "documents":
            edges = data["documents"]["edges"]
            return kinds([e["node"]["formData"] for e in edges if e["node"]["id"] == doc])
        if path in TASK_LISTS:
            edges = data["open" if path.endswith("OPEN") else "done"]["edges"]
            documents = [e["node"]["document"] for e in edges]
            return kinds([d["formData"] for d in documents if d and d["id"] == doc])
        if path == "tasks.document":
            tasks = data["node"]["tasks"] if data["node"] else []
            return kinds([t["document"]["formData"] for t in tasks if t["document"]])
        if path == "timeline":
            node = data["node"]
            return trail_kind([e["node"] for e in node["timeline"]["edges"]] if node else None)
        if path == "DocumentEvent":
            return trail_kind([data["event"]] if data["event"] else None)
        raise AssertionError(path)


@dataclass
class Payload:
    scenario: str
    who: str
    mutation: str
    expected: str
    found: str


@dataclass
class Canary:
    """Every scenario's checkpoints and mutation payloads, recorded once for the module."""

    office: Office
    first_event: int
    checkpoints: list[Checkpoint] = field(default_factory=list)
    payloads: list[Payload] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)


class Scenario:
    """One document through the flow; `act` records the payload against what the actor may
    see, `check` reads every path as every user."""

    def __init__(self, canary: Canary, name: str) -> None:
        self.canary, self.name, self.office = canary, name, canary.office
        self.doc = ""
        self.event = ""

    async def act(
        self, who: str, mutation: str, input: dict[str, Any], sees: bool, out: str = TASK_OUT
    ) -> dict[str, Any]:
        result = await self.office.ok(who, mutation, input, out)
        found = kinds(form_datas(result))
        expected = "shown" if sees else "hidden"
        self.canary.payloads.append(Payload(self.name, who, mutation, expected, found))
        return result

    async def task(self, who: str) -> str:
        task_id: str = (await self.office.open_task(who, self.doc))["id"]
        return task_id

    async def approve(self, who: str, sees: bool, **extra: Any) -> None:
        await self.act(who, "approveTask", {"id": await self.task(who), **extra}, sees)

    async def claim(self, who: str) -> str:
        task_id = await self.task(who)
        await self.act(who, "claimTask", {"id": task_id}, sees=True)
        return task_id

    async def start(self) -> None:
        """The initiator drafts, edits both fields (the trail keeps the change) and submits."""
        out = f"document {{ {DOC_OUT} }} "
        made = await self.act(
            "writer",
            "createDocument",
            {
                "documentTypeId": self.office.type_id,
                "title": f"密件 {self.name}",
                "formData": {"subject": "公开主题", "secret": f"{CANARY}-v1"},
            },
            sees=True,
            out=out,
        )
        self.doc = made["document"]["id"]
        self.canary.documents[self.name] = self.doc
        edit = {"subject": "公开主题（修订）", "secret": f"{CANARY}-v2"}
        await self.act("writer", "updateDocument", {"id": self.doc, "formData": edit}, True, out)
        await self.act("writer", "submitDocument", {"id": self.doc}, sees=True, out=out)
        edited = (
            await TenantScope(self.office.department.tenant.id)
            .query(DocumentEvent)
            .get(document_id=key_of(self.doc), action="edited")
        )
        self.event = gid("DocumentEvent", edited.id)

    async def through_countersign(self) -> None:
        await self.approve("director", sees=False)
        await self.approve("finance_head", sees=False)
        await self.approve("legal_head", sees=False)

    async def check(self, shown: set[str], hidden: set[str]) -> None:
        reads = {}
        for who in USERS:
            result = await self.office.run(who, READS, {"id": self.doc, "event": self.event})
            reads[who] = result.data
        point = Checkpoint(
            self.name, shown | INITIATOR_AND_MANAGER, hidden | DATA_READERS, reads, self.doc
        )
        self.canary.checkpoints.append(point)


async def approve_all(s: Scenario) -> None:
    await s.check(shown=set(), hidden={"director"})
    await s.through_countersign()
    await s.check(shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head"})
    task = await s.claim("clerk")
    await s.act("clerk", "approveTask", {"id": task}, sees=True)
    await s.approve("leader", sees=False)
    await s.check(
        shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head", "leader"}
    )


async def reject(s: Scenario) -> None:
    task = await s.task("director")
    await s.act("director", "rejectTask", {"id": task, "comment": "重写"}, sees=False)
    await s.check(shown=set(), hidden={"director"})
    await s.approve("writer", sees=True, formData={"secret": f"{CANARY}-v3"})
    await s.check(shown=set(), hidden={"director"})


async def return_(s: Scenario) -> None:
    await s.through_countersign()
    task = await s.claim("clerk")
    await s.act("clerk", "approveTask", {"id": task}, sees=True)
    task = await s.task("leader")
    await s.act("leader", "returnTask", {"id": task, "targetNodeId": "pool"}, sees=False)
    await s.check(
        shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head", "leader"}
    )


async def delegate(s: Scenario) -> None:
    task = await s.task("director")
    to = s.office.id("hr_head")
    await s.act("director", "delegateTask", {"id": task, "toUserId": to}, sees=False)
    await s.check(shown=set(), hidden={"director", "hr_head"})
    await s.approve("hr_head", sees=False)  # hands it back
    await s.approve("director", sees=False)
    await s.approve("finance_head", sees=False)
    await s.approve("legal_head", sees=False)
    task = await s.claim("clerk")
    handed = {"id": task, "toUserId": s.office.id("outsider"), "returnAfter": False}
    await s.act("clerk", "delegateTask", handed, sees=True)
    await s.check(
        shown={"clerk", "clerk2", "outsider"},
        hidden={"director", "hr_head", "finance_head", "legal_head"},
    )
    await s.approve("outsider", sees=True)
    task = await s.task("leader")
    back = {"id": task, "toUserId": s.office.id("clerk")}
    await s.act("leader", "delegateTask", back, sees=False)
    await s.check(
        shown={"clerk", "clerk2", "outsider"},
        hidden={"director", "hr_head", "finance_head", "legal_head", "leader"},
    )


async def transfer(s: Scenario) -> None:
    task = await s.task("director")
    to = s.office.id("outsider")
    await s.act("director", "transferTask", {"id": task, "toUserId": to}, sees=False)
    await s.check(shown=set(), hidden={"director", "outsider"})
    await s.approve("outsider", sees=False)
    await s.approve("finance_head", sees=False)
    await s.approve("legal_head", sees=False)
    task = await s.claim("clerk")
    to = s.office.id("hr_head")
    await s.act("clerk", "transferTask", {"id": task, "toUserId": to}, sees=True)
    await s.check(
        shown={"clerk", "clerk2", "hr_head"},
        hidden={"director", "outsider", "finance_head", "legal_head"},
    )


async def pool_claim(s: Scenario) -> None:
    await s.through_countersign()
    task = await s.claim("clerk2")
    await s.act("clerk2", "unclaimTask", {"id": task}, sees=True)
    await s.check(shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head"})
    task = await s.claim("clerk")
    await s.act("clerk", "approveTask", {"id": task}, sees=True)
    await s.check(
        shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head", "leader"}
    )


async def countersign(s: Scenario) -> None:
    await s.approve("director", sees=False)
    await s.approve("finance_head", sees=False)
    await s.check(shown=set(), hidden={"director", "finance_head", "legal_head"})
    await s.approve("legal_head", sees=False)
    await s.check(shown={"clerk", "clerk2"}, hidden={"director", "finance_head", "legal_head"})


async def add_signers(s: Scenario) -> None:
    await s.approve("director", sees=False)
    task = await s.task("finance_head")
    voter = {"id": task, "userIds": [s.office.id("hr_head")]}
    await s.act("finance_head", "addSigners", voter, sees=False)
    await s.check(shown=set(), hidden={"director", "finance_head", "legal_head", "hr_head"})
    for who in ("finance_head", "legal_head", "hr_head"):
        await s.approve(who, sees=False)
    task = await s.claim("clerk")
    after = {"id": task, "userIds": [s.office.id("outsider")], "position": "after"}
    await s.act("clerk", "addSigners", after, sees=True)
    await s.act("clerk", "approveTask", {"id": task}, sees=True)
    await s.check(
        shown={"clerk", "clerk2", "outsider"},
        hidden={"director", "finance_head", "legal_head", "hr_head"},
    )
    await s.approve("outsider", sees=True)


SCENARIOS: dict[str, Callable[[Scenario], Awaitable[None]]] = {
    "approve": approve_all,
    "reject": reject,
    "return": return_,
    "delegate": delegate,
    "transfer": transfer,
    "pool claim": pool_claim,
    "countersign": countersign,
    "add signers": add_signers,
}


async def hidden_field_office(gql: GraphQL, department: Department) -> Office:
    """A staffed department with the canary flow published as a 发文 type, plus a
    documents.read holder, a tenant admin without documents.manage and a manager."""
    office = await staff(department, gql)
    actor = department.actor
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    for username, (code, permissions) in EXTRA.items():
        user = await directory.create_user(
            actor, username=username, display_name=username, org_unit_ids=[root.id]
        )
        role = await directory.create_role(
            actor,
            code=code,
            name=code,
            permissions=[p.value for p in permissions],
            data_scope=DataScope.TENANT,
        )
        await directory.assign_role(actor, user_id=user.id, role_id=role.id)
        office.users[username] = user
    form = await office.ok(
        "admin",
        "createForm",
        {"key": "secret-form", "name": "密件单", "jsonSchema": FORM},
        "form { id } ",
    )
    await office.ok("admin", "publishForm", {"id": form["form"]["id"]}, "version { status } ")
    flow = await office.ok(
        "admin",
        "createFlow",
        {"key": "secret", "name": "密件", "formId": form["form"]["id"], "definition": FLOW},
        "flow { id } ",
    )
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, "flow { id } ")
    made = await office.ok(
        "admin",
        "createDocumentType",
        {"code": "mj", "name": "密件", "kind": "DISPATCH", "flowId": flow["flow"]["id"]},
        "documentType { id } ",
    )
    office.type_id = made["documentType"]["id"]
    return office


@pytest.fixture(scope="module")
async def canary(database: Settings, gql: GraphQL) -> Canary:
    department = await new_department(name="密件测试部门")
    office = await hidden_field_office(gql, department)
    recorded = Canary(office, await reader.latest_id(department.tenant.id) or 0)
    for name, run in SCENARIOS.items():
        scenario = Scenario(recorded, name)
        await scenario.start()
        await run(scenario)
    return recorded


@pytest.mark.slow
@pytest.mark.parametrize("path", [*PATHS, "timeline", "DocumentEvent"])
async def test_every_read_path_applies_the_rule(canary: Canary, path: str) -> None:
    """node, documents, myTasks OPEN/DONE, Document.tasks { document }, the timeline's
    changes and a trail entry through node(id:): after every kind of action, as every user."""
    seen: dict[str, int] = defaultdict(int)
    wrong = []
    for point in canary.checkpoints:
        for who in USERS:
            expected, found = point.expected(who), point.found(who, path)
            seen[found] += 1
            if path in TASK_LISTS and found == "absent":
                continue
            if found != expected:
                wrong.append((point.scenario, who, expected, found))
    assert wrong == [], wrong
    assert seen["shown"], f"{path} never showed the field: {seen}"
    assert seen["hidden"], f"{path} never hid the field: {seen}"


@pytest.mark.slow
async def test_every_mutation_payload_applies_the_rule(canary: Canary) -> None:
    """document.formData, task.document.formData and document.tasks[].document.formData of
    create/update/submit, approve, reject, return, delegate, transfer, claim, unclaim and
    add signers, for the actor right after it acted."""
    wrong = [p for p in canary.payloads if p.found != p.expected]
    assert wrong == [], wrong
    mutations = {p.mutation for p in canary.payloads}
    for name in ("approveTask", "rejectTask", "returnTask", "delegateTask", "transferTask"):
        assert name in mutations
    kinds_by_mutation = {(p.mutation, p.expected) for p in canary.payloads}
    for name in ("approveTask", "delegateTask", "transferTask", "addSigners"):
        assert {(name, "shown"), (name, "hidden")} <= kinds_by_mutation, name


@pytest.mark.slow
async def test_the_standings_of_a_delegate_and_a_pool_candidate_count(canary: Canary) -> None:
    """The rule's corners, stated directly: a delegate at a visible node sees, a delegate at a
    hidden node does not; who stood where it is visible keeps seeing it while holding a task
    where it is hidden; a pool candidate who never claimed sees."""
    delegated = next(
        p for p in canary.checkpoints if p.scenario == "delegate" and "outsider" in p.shown
    )
    assert delegated.found("outsider", "myTasks OPEN") == "shown"
    assert delegated.found("hr_head", "node") == "hidden"
    last = [p for p in canary.checkpoints if p.scenario == "delegate"][-1]
    assert last.found("clerk", "myTasks OPEN") == "shown", "stood at pool, now holds sign"
    assert last.found("leader", "myTasks DONE") == "hidden"
    waiting = next(p for p in canary.checkpoints if p.scenario == "pool claim")
    assert waiting.found("clerk2", "myTasks OPEN") == "shown"
    assert waiting.found("director", "myTasks DONE") == "hidden"


@pytest.mark.slow
async def test_subscriptions_carry_no_form_values(
    canary: Canary, server: TestServer, http: aiohttp.ClientSession
) -> None:
    """tenantDocumentFeed, myTasksChanged and documentStatusChanged replay every event of the
    scenarios; none carries a form value."""
    office, tenant = canary.office, canary.office.department.tenant.id
    after = str(canary.first_event)
    rows = await OutboxEvent.filter(tenant_id=tenant, id__gt=canary.first_event).order_by("id")
    document = canary.documents["approve"]
    director = gid("User", office.users["director"].id)
    expected = {
        "feed": sum(r.topic.startswith("document.") for r in rows),
        "mine": sum(r.topic == "task.changed" and director in r.payload["userIds"] for r in rows),
        "status": sum(
            r.topic == "document.status_changed" and r.payload["documentId"] == document
            for r in rows
        ),
    }
    assert all(expected.values()), expected
    url = ws_url(server)
    async with (
        Socket.connect(http, url, office.token("subadmin")) as admin,
        Socket.connect(http, url, office.token("director")) as director_socket,
        Socket.connect(http, url, office.token("reader")) as reader,
    ):
        feed = await admin.subscribe(
            "subscription($after: ID) { tenantDocumentFeed(after: $after) { id payload } }",
            {"after": after},
        )
        mine = await director_socket.subscribe(
            "subscription($after: ID) { myTasksChanged(after: $after) { id payload } }",
            {"after": after},
        )
        status = await reader.subscribe(
            "subscription($id: ID!, $after: ID) { documentStatusChanged(documentId: $id, "
            "after: $after) { id payload } }",
            {"id": canary.documents["approve"], "after": after},
        )
        received = {
            "feed": await admin.events(feed, expected["feed"]),
            "mine": await director_socket.events(mine, expected["mine"]),
            "status": await reader.events(status, expected["status"]),
        }
    for name, events in received.items():
        assert len(events) == expected[name]
        assert CANARY not in orjson.dumps(events).decode(), name


@pytest.mark.slow
async def test_the_audit_log_and_its_export_carry_no_form_values(
    canary: Canary, server: TestServer, http: aiohttp.ClientSession
) -> None:
    office = canary.office
    query = """{ auditLog(filter: {targetType: "Document"}, first: 100) {
      totalCount edges { node { action data } } } }"""
    log = (await office.run("subadmin", query)).data["auditLog"]
    assert log["totalCount"] > 40
    edited = [e["node"] for e in log["edges"] if e["node"]["action"] == "document.edited"]
    assert edited
    assert all(e["data"]["changed"] == ["secret", "subject"] for e in edited), "names only"
    assert CANARY not in orjson.dumps(log).decode()
    headers = {"Authorization": f"Bearer {office.token('subadmin')}"}
    url = str(server.make_url("/audit/export"))
    async with http.get(url, params={"targetType": "Document"}, headers=headers) as response:
        assert response.status == 200
        exported = await response.text()
    assert exported.count("\n") >= log["totalCount"]
    assert CANARY not in exported


@pytest.mark.slow
async def test_search_never_matches_form_values(canary: Canary) -> None:
    """Search and filters match title and number only, so a hidden value cannot be probed:
    nobody finds the canary, while the same search by title finds the documents."""
    query = """query($q: String!) {
      documents(filter: {search: $q}, first: 100) { edges { node { id } } }
      open: myTasks(kind: OPEN, filter: {search: $q}, first: 100) { edges { node { id } } }
      done: myTasks(kind: DONE, filter: {search: $q}, first: 100) { edges { node { id } } }
    }"""
    for who in ("writer", "manager", "director", "reader", "clerk"):
        probe = (await canary.office.run(who, query, {"q": CANARY})).data
        assert all(part["edges"] == [] for part in probe.values()), (who, probe)
    titled = (await canary.office.run("reader", query, {"q": "密件"})).data
    assert len(titled["documents"]["edges"]) == len(SCENARIOS)


@pytest.mark.slow
async def test_statistics_carry_no_form_values(canary: Canary) -> None:
    query = """{ statistics { documents(bucket: DAY) { documentTypeCode status count }
      nodeDurations { nodeId durations { count } } workload { user { username } openTasks } } }"""
    stats = (await canary.office.run("subadmin", query)).data["statistics"]
    assert sum(d["count"] for d in stats["documents"] if d["documentTypeCode"] == "mj") == len(
        SCENARIOS
    )
    assert CANARY not in orjson.dumps(stats).decode()


@pytest.mark.slow
async def test_exchange_sends_the_public_fields_only(
    canary: Canary, gql: GraphQL, make_department: Any
) -> None:
    """publicFields of the dispatch (sender) and of the incoming item (receiver): `x-public`
    fields, never the hidden one."""
    office = canary.office
    receiver = await receiving_office(gql, make_department, parent=office.department.tenant)
    completed = canary.documents["approve"]
    to = {"tenantId": gid("Tenant", receiver.department.tenant.id), "role": "MAIN"}
    sent = await office.ok(
        "admin", "dispatchDocument", {"id": completed, "recipients": [to]}, DISPATCH
    )
    assert sent["dispatch"]["publicFields"] == {"subject": "公开主题（修订）"}
    inbox = (await receiver.run("admin", INBOX)).data["incomingItems"]["edges"]
    assert [e["node"]["publicFields"] for e in inbox] == [{"subject": "公开主题（修订）"}]
    assert CANARY not in orjson.dumps(inbox).decode()


async def test_a_guessed_hidden_value_is_refused_whatever_the_guess(
    gql: GraphQL, make_department: Any
) -> None:
    """Sending a hidden field one may not edit is refused even when the guess is right, so an
    error never confirms a value; an unchanged field hidden nowhere is still accepted."""
    office = await hidden_field_office(gql, await make_department())
    scenario = Scenario(Canary(office, 0), "guess")
    await scenario.start()
    task = await scenario.task("director")
    for guess in (f"{CANARY}-v2", "wrong"):
        for mutation, input in (
            ("updateDocument", {"id": scenario.doc, "formData": {"secret": guess}}),
            ("approveTask", {"id": task, "formData": {"secret": guess}}),
        ):
            refused = await office.mutate("director", mutation, input, "document { id } ")
            assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"], (mutation, guess)
            assert refused["errors"][0]["field"][-2:] == ["formData", "secret"]
    same = {"subject": "公开主题（修订）", "opinion": "可"}
    await office.ok(
        "director", "updateDocument", {"id": scenario.doc, "formData": same}, "document { id } "
    )


async def test_lists_with_form_data_run_the_same_statements_for_any_page_size(
    gql: GraphQL, make_department: Any, count_queries: Any
) -> None:
    """The standings are loaded once per batch of documents, not per document."""
    office = await hidden_field_office(gql, await make_department())
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="mj")
    writer = await actor_for(scope, office.users["writer"], tenant)
    for i in range(25):
        document = await lifecycle.create_document(
            writer,
            document_type_id=doc_type.id,
            title=f"密件{i}",
            form_data={"subject": "s", "secret": CANARY},
        )
        await lifecycle.submit_document(writer, id=document.id)
    lists = {
        "director": """query($n: Int!) { myTasks(kind: OPEN, first: $n) { edges { node {
          document { formData } } } } }""",
        "reader": """query($n: Int!) { documents(first: $n) { edges { node { formData } } } }""",
    }
    for who, query in lists.items():
        await office.run(who, "{ viewer { user { id } } }")  # the first use records a sign-in
        counts = {}
        for size in (5, 25):
            with count_queries() as counted:
                result = await office.run(who, query, {"n": size})
            assert CANARY not in orjson.dumps(result.data).decode()
            assert len(form_datas(result.data)) == size
            counts[size] = counted()
        assert counts[5] == counts[25], (who, counts)
