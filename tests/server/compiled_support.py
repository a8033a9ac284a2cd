"""The world and the two answers of the compiled-plan tests: by the compiled plans, and by
graphql-core for the same operation."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import aiohttp
from hypothesis import strategies as st

from auth.viewer import actor_for
from models.access import DataScope
from models.directory import Role, User
from models.documents import Document, DocumentEvent, DocumentType, Secrecy, Task
from resolvers.pagination import encode_cursor
from schema.compiled import ANSWERED
from services.documents import lifecycle
from tests.conftest import GraphQL, gid, key_of, new_department
from tests.documents.support import Office, dispatching_office
from tests.documents.test_hidden_fields import USERS, hidden_field_office

STEPS = ("director", "finance_head", "legal_head", "clerk", "leader")
"""Who acts at each node of the canary flow after submission."""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class World:
    """A department on the hidden-field flow with documents at every node, a foreign tenant's
    document, and the ids a client could send."""

    def __init__(self, office: Office, foreign: tuple[str, str]) -> None:
        self.office = office
        self.foreign_token, self.foreign_id = foreign
        self.documents: list[str] = []
        self.tasks: list[str] = []
        self.events: list[str] = []

    def token(self, who: str) -> str:
        return self.foreign_token if who == "foreign" else self.office.token(who)

    def ids(self) -> list[str]:
        missing = [gid("Document", uuid.uuid4()), gid("User", uuid.uuid4()), "not-an-id"]
        return [*self.documents, *self.tasks, *self.events, self.foreign_id, *missing]


async def register(gql: GraphQL, platform_admin: User, *bodies: str) -> None:
    mutation = """mutation($input: RegisterOperationsInput!) {
      registerOperations(input: $input) { errors { code } } }"""
    documents = [{"body": body} for body in bodies]
    token = gql.token(platform_admin, "platform")
    result = await gql(mutation, {"input": {"documents": documents}}, token=token)
    assert result.data["registerOperations"]["errors"] == []


async def both(
    http: aiohttp.ClientSession,
    url: str,
    token: str,
    text: str,
    variables: dict[str, Any],
    *,
    by_hash: bool = True,
) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    """The answer of the compiled plans to `compiled(text)` (by its hash, or as text) and of
    graphql-core to `general(text)`."""
    headers = {"Authorization": f"Bearer {token}"}
    planned = compiled(text)
    named = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(planned)}}}
    answers = []
    for body in (
        {**named, "variables": variables}
        if by_hash
        else {"query": planned, "variables": variables},
        {"query": general(text), "variables": variables},
    ):
        async with http.post(url, json=body, headers=headers) as response:
            answers.append((response.status, await response.read()))
    return answers[0], answers[1]


DIRECTIVE = " @include(if: true)"


def general(text: str) -> str:
    """`text` with its root selection inside `... @include(if: true) { }`: the same answer,
    from graphql-core (the compiler never compiles an operation with a directive)."""
    return _wrapped(text, DIRECTIVE)


def compiled(text: str) -> str:
    """`text` wrapped as in `general`, without the directive but as long, so that the error
    locations of the two answers agree."""
    return _wrapped(text, " " * len(DIRECTIVE))


def _wrapped(text: str, directive: str) -> str:
    """(The operation's header may not hold a brace.)"""
    start = text.index("{")
    depth = 0
    for at in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        if depth == 0:
            inner = text[start + 1 : at]
            return f"{text[:start]}{{ ...{directive} {{{inner}}} }}{text[at + 1 :]}"
    raise ValueError(text)


def counted(outcome: str) -> float:
    return ANSWERED.labels(outcome)._value.get()


PAGE_SIZES = st.sampled_from([None, 0, 1, 2, 3, 5, 20, 100, 101, -1])
VIEWERS = st.sampled_from([*USERS, "admin", "foreign"])


async def move_the_data(world: World, data: st.DataObject) -> None:
    """A drawn document's secrecy and the readers' data scope change between examples."""
    scope = world.office.department.scope
    doc = data.draw(st.sampled_from(world.documents))
    secrecy = data.draw(st.sampled_from(list(Secrecy)))
    await scope.query(Document).filter(id=key_of(doc)).update(secrecy=secrecy)
    reach = data.draw(st.sampled_from(list(DataScope)))
    await scope.query(Role).filter(code="doc_reader").update(data_scope=reach)


def page_variables(world: World, data: st.DataObject) -> dict[str, Any]:
    """`$kind`, `$n` and `$after` of a task list: any kind, page sizes in and out of bounds,
    no cursor, a bad one or a real one from every task."""
    cursors = [encode_cursor([str(key_of(t))]) for t in world.tasks]
    return {
        "kind": data.draw(st.sampled_from(["OPEN", "DONE", "DELEGATED"])),
        "n": data.draw(PAGE_SIZES),
        "after": data.draw(st.sampled_from([None, None, "bad-cursor", *cursors])),
    }


async def make_world(gql: GraphQL, platform_admin: User, operations: list[str]) -> World:
    """A department on the hidden-field flow with documents at every node of it, another
    tenant's document, and `operations` registered."""
    office = await hidden_field_office(gql, await new_department(name="编译测试部门"))
    foreign = await dispatching_office(gql, await new_department(name="外部门"))
    scope, tenant = foreign.department.scope, foreign.department.tenant
    author = await actor_for(scope, foreign.users["writer"], tenant)
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    made = await lifecycle.create_document(
        author, document_type_id=doc_type.id, title="外部门的文", form_data={"body": "x"}
    )
    world = World(office, (foreign.token("admin"), gid("Document", made.id)))
    secrecies = ["INTERNAL", "SECRET", "PUBLIC", "CONFIDENTIAL"]
    for depth in range(len(STEPS) + 2):
        made_doc = await office.ok(
            "writer",
            "createDocument",
            {
                "documentTypeId": office.type_id,
                "title": f"文{depth}",
                "secrecy": secrecies[depth % len(secrecies)],
                "formData": {"subject": f"主题{depth}", "secret": f"secret-{depth}"},
            },
            "document { id } ",
        )
        doc = made_doc["document"]["id"]
        world.documents.append(doc)
        if depth:
            await office.ok("writer", "submitDocument", {"id": doc}, "document { id } ")
        for who in STEPS[: max(depth - 1, 0)]:
            await office.approve(who, doc, comment=f"{who} 同意")
    for doc in world.documents:
        key = key_of(doc)
        world.tasks += [gid("Task", t.id) for t in await Task.filter(document_id=key)]
        world.events += [
            gid("DocumentEvent", e.id) for e in await DocumentEvent.filter(document_id=key)
        ]
    if operations:
        await register(gql, platform_admin, *map(compiled, operations))
    return world
