"""A department whose 密件 flow hides the field `secret` at 核稿, with a documents.read
holder who never stands at a node, for the search tests."""

from __future__ import annotations

from typing import Any

from models.access import DataScope, Permission
from models.directory import OrgUnit
from services import directory
from tests.conftest import Department, GraphQL
from tests.documents.support import DOC, Office, staff

FORM = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "secret": {"type": "string"}},
}
FLOW: dict[str, Any] = {
    "id": "secret-search",
    "name": "密件",
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
            "fieldAccess": {"secret": "hidden"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "review"},
        {"id": "c", "source": "review", "target": "end"},
    ],
}
SEARCH = """query($q: String!, $kinds: [SearchKind!], $first: Int, $after: String) {
  search(query: $q, kinds: $kinds, first: $first, after: $after) {
    hasNextPage endCursor
    edges { node { kind id title snippet rank subject { __typename } } }
  }
}"""


async def secret_office(gql: GraphQL, department: Department) -> Office:
    office = await staff(department, gql)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    reader = await directory.create_user(
        department.actor, username="reader", display_name="reader", org_unit_ids=[root.id]
    )
    role = await directory.create_role(
        department.actor,
        code="doc_reader",
        name="doc_reader",
        permissions=[Permission.DOCUMENTS_READ.value],
        data_scope=DataScope.TENANT,
    )
    await directory.assign_role(department.actor, user_id=reader.id, role_id=role.id)
    office.users["reader"] = reader
    form = await office.ok(
        "admin", "createForm", {"key": "mj", "name": "密件单", "jsonSchema": FORM}, "form { id } "
    )
    await office.ok("admin", "publishForm", {"id": form["form"]["id"]}, "version { status } ")
    flow = await office.ok(
        "admin",
        "createFlow",
        {"key": "mj", "name": "密件", "formId": form["form"]["id"], "definition": FLOW},
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


async def drafted(office: Office, title: str, form_data: dict[str, Any], **extra: Any) -> str:
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": title, "formData": form_data, **extra},
        DOC,
    )
    doc_id: str = made["document"]["id"]
    return doc_id


async def submitted(office: Office, title: str, form_data: dict[str, Any], **extra: Any) -> str:
    doc_id = await drafted(office, title, form_data, **extra)
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
    return doc_id


async def hits(office: Office, who: str, query: str, **variables: Any) -> list[dict[str, Any]]:
    result = await office.run(who, SEARCH, {"q": query, **variables})
    return [e["node"] for e in result.data["search"]["edges"]]
