"""Who may read a document: the initiator, participants, data-scope holders and tenant admins,
narrowed by secrecy; the same rule serves lists, node(id:) and attachments. The inbox query's
statements do not grow with the page."""

from __future__ import annotations

from auth.viewer import actor_for
from models.access import DataScope, Permission
from models.directory import OrgUnit
from models.documents import DocumentType, Secrecy
from services import directory
from services.documents import lifecycle
from tests.documents.support import Office

READABLE = "{ documents(kind: READABLE, first: 100) { edges { node { title } } } }"


async def titles(office: Office, who: str) -> set[str]:
    result = await office.run(who, READABLE)
    return {e["node"]["title"] for e in result.data["documents"]["edges"]}


async def test_the_read_rule_follows_participation_data_scope_and_secrecy(
    dispatch_office: Office,
) -> None:
    office = dispatch_office
    actor, scope = office.department.actor, office.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    unit_a = await directory.create_org_unit(actor, name="甲处", parent_id=root.id)
    unit_a1 = await directory.create_org_unit(actor, name="甲一科", parent_id=unit_a.id)
    unit_b = await directory.create_org_unit(actor, name="乙处", parent_id=root.id)
    people = {}
    for name, unit in (("a_writer", unit_a1), ("b_writer", unit_b), ("a_reader", unit_a)):
        people[name] = await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[unit.id]
        )
        office.users[name] = people[name]
    reader_role = await directory.create_role(
        actor,
        code="doc_reader",
        name="查阅",
        permissions=[Permission.DOCUMENTS_READ.value],
        data_scope=DataScope.ORG_UNIT_AND_BELOW,
    )
    await directory.assign_role(actor, user_id=people["a_reader"].id, role_id=reader_role.id)

    doc_type = await scope.query(DocumentType).get(code="dispatch")
    tenant = office.department.tenant

    async def draft(who: str, title: str, secrecy: str = "internal") -> None:
        author = await actor_for(scope, people[who], tenant)
        await lifecycle.create_document(
            author,
            document_type_id=doc_type.id,
            title=title,
            form_data={"body": "x"},
            secrecy=Secrecy(secrecy),
        )

    await draft("a_writer", "甲一科的通知")
    await draft("a_writer", "甲一科的机密件", "secret")
    await draft("b_writer", "乙处的通知")

    assert await titles(office, "a_writer") == {"甲一科的通知", "甲一科的机密件"}
    assert await titles(office, "b_writer") == {"乙处的通知"}
    assert await titles(office, "a_reader") == {"甲一科的通知"}, "scope reaches A and below"
    assert await titles(office, "admin") >= {"甲一科的通知", "乙处的通知"}
    assert "甲一科的机密件" not in await titles(office, "admin"), "secrecy narrows admins too"
    assert await titles(office, "outsider") == set()


async def test_the_inbox_runs_the_same_statements_for_any_page_size(
    dispatch_office: Office, count_queries
) -> None:
    office = dispatch_office
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    for i in range(25):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"请示{i}", form_data={"body": "x"}
        )
        await lifecycle.submit_document(writer, id=document.id)
    query = """query($n: Int!) { myTasks(kind: OPEN, first: $n) { totalCount edges { node {
      nodeName dueAt allowedActions returnTargets { id } assignee { displayName }
      candidates { username }
      document { title number status initiator { displayName orgUnits { name } }
        documentType { name flow { name } } orgUnit { name } currentNodes { name }
        formData attachments { name } }
    } } } }"""
    await office.run("director", "{ viewer { user { id } } }")  # first use records a sign-in
    counts = {}
    for size in (5, 25):
        with count_queries() as counted:
            result = await office.run("director", query, {"n": size})
        assert len(result.data["myTasks"]["edges"]) == size
        assert result.data["myTasks"]["totalCount"] == 25
        counts[size] = counted()
    assert counts[5] == counts[25], counts
    first = result.data["myTasks"]["edges"][0]["node"]
    assert first["document"]["initiator"]["displayName"] == "writer"
    assert "APPROVE" in first["allowedActions"]
