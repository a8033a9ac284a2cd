"""Rows read once: an approval's task, participants and timers (`services/documents/runtime.py`);
the inbox page's documents with their initiator, type and unit in one joined statement
(`resolvers.documents.prime_documents`), the read rule included."""

from __future__ import annotations

from auth.viewer import actor_for
from models.documents import DocumentParticipant, DocumentType, Task, Timer
from services.documents import lifecycle
from tests.conftest import gid
from tests.documents.support import TASK, Office

APPROVE = (
    "mutation($input: ApproveTaskInput!) "
    f"{{ approveTask(input: $input) {{ {TASK} errors {{ code }} }} }}"
)


async def test_an_approval_reads_the_task_participants_and_timers_once(
    dispatch_office: Office, count_queries
) -> None:
    office = dispatch_office
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    counts = []
    for title in ("请示一", "请示二"):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=title, form_data={"body": "x"}
        )
        await lifecycle.submit_document(writer, id=document.id)
        task = await office.open_task("director", gid("Document", document.id))
        with count_queries() as counted:
            result = await office.run("director", APPROVE, {"input": {"id": task["id"]}})
        answer = result.data["approveTask"]
        assert answer["errors"] == []
        assert answer["task"]["status"] == "COMPLETED"
        assert counted.reads("task") == 1, counted.statements
        assert counted.reads("timer") == 1, "the closed task's timers, to cancel them"
        assert counted.reads("document_participant") == 1
        counts.append(counted())
        # what the step wrote is all there: the next task, its timers, the participants
        rows = await scope.query(Task).filter(document_id=document.id, status="open")
        assert [t.node_id for t in rows] != [task["nodeId"]]
        assert await scope.query(Timer).filter(task_key=rows[0].key, document_id=document.id)
        people = await scope.query(DocumentParticipant).filter(document_id=document.id)
        assert {p.user_id for p in people} >= {office.users["director"].id, rows[0].assignee_id}
    assert counts[0] == counts[1], counts
    # 32 for the step itself, 3 for the next handler's notification (who may get it, the
    # notification, its deliveries)
    assert counts[0] <= 35, counts


INBOX = """{ myTasks(kind: OPEN, first: 20) { edges { node { nodeName document {
  title initiator { displayName } documentType { name } orgUnit { name } } } } } }"""


async def test_the_inbox_reads_its_documents_and_their_rows_in_one_statement(
    dispatch_office: Office, count_queries
) -> None:
    office = dispatch_office
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    for i in range(3):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"请示{i}", form_data={"body": "x"}
        )
        await lifecycle.submit_document(writer, id=document.id)
    await office.run("director", "{ viewer { user { id } } }")
    with count_queries() as counted:  # columns and joins only: its row plan, one statement
        result = await office.run("director", INBOX)
    nodes = [e["node"]["document"] for e in result.data["myTasks"]["edges"]]
    assert len(nodes) == 3
    assert {n["initiator"]["displayName"] for n in nodes} == {"writer"}
    assert all(n["documentType"]["name"] and n["orgUnit"]["name"] for n in nodes)
    (statement,) = [s for s in counted.statements if 'FROM "task"' in s]
    for table in ("document", "app_user", "document_type", "org_unit"):
        assert f'FROM "{table}"' in statement, table
    assert counted.reads("document") == counted.reads("org_unit") == 1  # that statement
    with count_queries() as counted:  # `overdue` is a resolver's: the loaders, primed
        result = await office.run("director", INBOX.replace("nodeName", "nodeName overdue"))
    assert len(result.data["myTasks"]["edges"]) == 3
    assert counted.reads("document") == 1, counted.statements
    assert counted.reads("document_type") == 0
    assert counted.reads("org_unit") == 0


DETAIL = """query($id: ID!) { node(id: $id) { ... on Document {
  title status number secrecy formData allowedActions
  documentType { name } initiator { displayName } orgUnit { name } currentNodes { name }
  tasks { nodeName status outcome assignee { displayName } actedBy { displayName }
    candidates { username } allowedActions }
  attachments { name }
  timeline(first: 50) { edges { node { seq action nodeName comment changes
    actor { displayName } } } }
} } }"""


async def test_a_documents_page_runs_the_same_statements_however_long_its_history(
    dispatch_office: Office, count_queries
) -> None:
    """The detail page: one statement per level, not per task or trail entry."""
    office = dispatch_office
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    documents = []
    for title, steps in (("短", ("director", "leader")), ("长", ("director", "leader", "clerk"))):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=title, form_data={"body": "x"}
        )
        await lifecycle.submit_document(writer, id=document.id)
        for who in steps:  # the same kinds of rows (a pool task's candidates too), more of them
            await office.approve(who, gid("Document", document.id))
        documents.append(document)
    await office.run("writer", "{ viewer { user { id } } }")  # first use records a sign-in
    counts, shapes = [], []
    for document in documents:
        with count_queries() as counted:
            result = await office.run("writer", DETAIL, {"id": gid("Document", document.id)})
        node = result.data["node"]
        shapes.append((len(node["tasks"]), len(node["timeline"]["edges"])))
        counts.append(counted())
    assert shapes[1][0] > shapes[0][0], shapes
    assert shapes[1][1] > shapes[0][1], shapes
    assert counts[0] == counts[1], (counts, shapes)
