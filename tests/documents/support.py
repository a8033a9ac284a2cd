"""A department staffed for the flow tests: people holding the template roles, and helpers to
run GraphQL as each of them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from models.access import DataScope
from models.directory import OrgUnit, Role, User
from services import directory
from tests.conftest import Department, GraphQL, gid

STAFF = {
    "writer": None,
    "director": "office_director",
    "leader": "leader",
    "clerk": "office_clerk",
    "clerk2": "office_clerk",
    "finance_head": None,
    "legal_head": None,
    "hr_head": None,
    "outsider": None,
}
TASK = "task { id nodeId status outcome } document { id status number version } "
DOC = "document { id title status number version formData } "


@dataclass
class Office:
    department: Department
    gql: GraphQL
    users: dict[str, User] = field(default_factory=dict)
    type_id: str = ""
    """The document type installed from a template, when there is one."""

    def token(self, who: str) -> str:
        user = self.department.admin if who == "admin" else self.users[who]
        return self.gql.token(user, self.department.tenant)

    def id(self, who: str) -> str:
        return gid("User", self.users[who].id)

    async def run(self, who: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        return await self.gql(query, variables, token=self.token(who))

    async def mutate(self, who: str, name: str, input: dict[str, Any], selection: str) -> Any:
        return await self.gql.mutate(name, input, selection, token=self.token(who))

    async def ok(self, who: str, name: str, input: dict[str, Any], selection: str) -> Any:
        result = await self.mutate(who, name, input, selection)
        assert result["errors"] == [], (name, result["errors"])
        return result

    async def open_task(self, who: str, document_id: str) -> dict[str, Any]:
        """The one open task `who` holds (or may claim) on the document."""
        result = await self.run(
            who,
            "{ myTasks(kind: OPEN, first: 100) { edges { node { id nodeId pool "
            "allowedActions document { id } } } } }",
        )
        mine = [
            e["node"]
            for e in result.data["myTasks"]["edges"]
            if e["node"]["document"]["id"] == document_id
        ]
        assert len(mine) == 1, (who, mine)
        task: dict[str, Any] = mine[0]
        return task

    async def approve(self, who: str, document_id: str, **extra: Any) -> dict[str, Any]:
        task = await self.open_task(who, document_id)
        if task["pool"]:
            await self.ok(who, "claimTask", {"id": task["id"]}, TASK)
        result: dict[str, Any] = await self.ok(
            who, "approveTask", {"id": task["id"], **extra}, TASK
        )
        return result


async def staff(department: Department, gql: GraphQL) -> Office:
    office = Office(department, gql)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    roles = {r.code: r for r in await department.scope.query(Role)}
    for username, role_code in STAFF.items():
        user = await directory.create_user(
            department.actor, username=username, display_name=username, org_unit_ids=[root.id]
        )
        office.users[username] = user
        if role_code:
            if role_code not in roles:
                roles[role_code] = await directory.create_role(
                    department.actor,
                    code=role_code,
                    name=role_code,
                    permissions=[],
                    data_scope=DataScope.SELF,
                )
            await directory.assign_role(
                department.actor, user_id=user.id, role_id=roles[role_code].id
            )
    return office


@pytest.fixture
async def dispatch_office(gql: GraphQL, make_department: Any) -> Office:
    return await dispatching_office(gql, await make_department())


async def dispatching_office(gql: GraphQL, department: Department) -> Office:
    """A staffed department with the platform's 发文 template installed and published."""
    office = await staff(department, gql)
    installed = await office.ok(
        "admin",
        "installTemplate",
        {"key": "dispatch"},
        "documentType { id } flow { publishedVersion { number } } ",
    )
    assert installed["flow"]["publishedVersion"] == {"number": 1}
    office.type_id = installed["documentType"]["id"]
    return office


async def upload(
    url: str,
    token: str,
    document_id: str,
    name: str,
    body: bytes,
    content_type: str,
    *,
    preflight: bool = True,
    replaces: str | None = None,
) -> tuple[int, Any]:
    form = aiohttp.FormData()
    variables = {"input": {"documentId": document_id, "file": None, "replacesId": replaces}}
    form.add_field("operations", json.dumps({"query": UPLOAD, "variables": variables}))
    form.add_field("map", json.dumps({"0": ["variables.input.file"]}))
    form.add_field("0", body, filename=name, content_type=content_type)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    if preflight:
        headers["GraphQL-Require-Preflight"] = "1"
    async with aiohttp.ClientSession() as http, http.post(url, data=form, headers=headers) as r:
        return r.status, await r.json(content_type=None)


UPLOAD = (
    "mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) "
    "{ attachment { id name size sha256 version contentType } errors { code message field } } }"
)
