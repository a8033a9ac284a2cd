"""Registering trusted documents (`services/operations.py`) and writing the search index
(`services/indexing.py`) called as services: each limit at its edge, each refusal's words and
field, the rows and audit entries left. Here, in tests/documents, because the mutation runs test
the modules no domain owns with tests/documents and tests/flows (`SHARED` in tests/mutation.py);
the HTTP side of both is tested in tests/server/test_trusted_documents.py and tests/search."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from models.audit import AuditEntry
from models.operations import TrustedDocument
from models.scope import TenantScope
from models.search import SearchEntry
from services import indexing, operations, tenants
from services.errors import ServiceError
from services.operations import Operation, from_manifest, register_operations

NOT_A_MANIFEST = [("INVALID", "Not a persisted query manifest (Apollo, Relay, a list)", None)]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def refusal(error: pytest.ExceptionInfo[ServiceError]) -> list[tuple[str, str, Any]]:
    return [(p.code.value, p.message, p.field) for p in error.value.problems]


def unique(text: str) -> str:
    """A document no other test registers (trusted documents are the platform's)."""
    return f"{text} # {uuid.uuid4()}"


def test_each_manifest_format_is_read() -> None:
    body, other = "query A { a }", "query B { b }"
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "operations": [{"id": sha(body), "body": body}, {"id": sha(other), "body": other}],
    }
    assert from_manifest(apollo) == [Operation(body), Operation(other)]
    assert from_manifest({"format": "apollo-persisted-query-manifest"}) == []
    assert from_manifest({"x1": body, sha(other): other}) == [
        Operation(body, "x1"),
        Operation(other, None),
    ]
    assert from_manifest({}) == []
    assert from_manifest([]) == []
    assert from_manifest([body, other]) == [Operation(body), Operation(other)]
    assert operations.sha256("é") == hashlib.sha256("é".encode()).hexdigest()


def test_a_manifest_that_is_none_of_them_is_refused() -> None:
    for bad in ({"a": "query A { a }", "b": 1}, ["query A { a }", 1], "query A { a }", None, 5):
        with pytest.raises(ServiceError) as refused:
            from_manifest(bad)
        assert refusal(refused) == NOT_A_MANIFEST, bad
    body = "query A { a }"
    long_body = "query Long { " + "field " * 30 + "}"
    for op in (
        {"id": sha("query B { b }"), "body": body},
        {"id": sha(body)},
        {"id": sha(body), "body": 5},
        "not an operation",
    ):
        manifest = {"format": "apollo-persisted-query-manifest", "operations": [op]}
        with pytest.raises(ServiceError) as forged:
            from_manifest(manifest)
        assert refusal(forged) == [
            ("INVALID", f"Not an operation with its hash: {repr(op)[:80]}", None)
        ], op
    with pytest.raises(ServiceError) as cut:
        from_manifest(
            {
                "format": "apollo-persisted-query-manifest",
                "operations": [{"id": "x", "body": long_body}],
            }
        )
    (message,) = [m for _, m, _ in refusal(cut)]
    assert message == "Not an operation with its hash: " + repr({"id": "x", "body": long_body})[:80]
    assert len(message) == len("Not an operation with its hash: ") + 80


@pytest.fixture
async def system(database) -> Any:
    return await tenants.system_actor()


async def test_documents_are_stored_once_with_their_names_and_audited(system, make_department):
    named, anonymous = unique("query Named { a } fragment F on Q { b }"), unique("{ a }")
    relay = f"relay-{uuid.uuid4().hex[:8]}"
    rows = await register_operations(system, [Operation(named, relay), Operation(anonymous)])
    stored = [await TrustedDocument.get(id=r.id) for r in rows]
    assert [(r.hash, r.body, r.name, r.document_id) for r in stored] == [
        (sha(named), named, "Named", relay),
        (sha(anonymous), anonymous, None, None),
    ]
    scope = TenantScope(system.tenant_id)
    for row, name, document_id in ((rows[0], "Named", relay), (rows[1], None, None)):
        (entry,) = await scope.query(AuditEntry).filter(target_id=str(row.id))
        assert (entry.action, entry.target_type, entry.actor_name) == (
            "operation.registered",
            "TrustedDocument",
            "system",
        )
        assert entry.data == {"hash": row.hash, "name": name, "documentId": document_id}

    again = await register_operations(system, [Operation(anonymous), Operation(named, relay)])
    assert [r.id for r in again] == [rows[1].id, rows[0].id], "in the order given"
    assert await scope.query(AuditEntry).filter(target_id=str(rows[0].id)).count() == 1
    with pytest.raises(ServiceError) as taken:
        await register_operations(system, [Operation(unique("{ b }"), relay)])
    assert refusal(taken) == [("DUPLICATE", f"'{relay}' names another document", ("documents",))]
    department = await make_department()
    with pytest.raises(ServiceError) as tenant_admin:
        await register_operations(department.actor, [Operation(unique("{ c }"))])
    assert refusal(tenant_admin) == [
        ("FORBIDDEN", "Only platform administrators register operations", None)
    ]
    with pytest.raises(ServiceError) as anonymous_caller:
        await register_operations(None, [Operation(unique("{ c }"))])
    assert refusal(anonymous_caller)[0][0] == "UNAUTHENTICATED"


async def test_each_document_is_checked_and_every_problem_named(system) -> None:
    biggest = "{ a } #" + "x" * (operations.MAX_BYTES - 7)
    assert len(biggest.encode()) == operations.MAX_BYTES
    wide = "{ a } #" + "字" * 33_332
    assert len(wide) < operations.MAX_BYTES < len(wide.encode())
    with pytest.raises(ServiceError) as bad:
        await register_operations(
            system,
            [
                Operation(biggest),
                Operation("query {"),
                Operation(wide),
                Operation("{ " + "a " * 19_999 + "}"),
                Operation("{ " + "a " * 19_998 + "}"),
            ],
        )
    assert refusal(bad) == [
        (
            "INVALID",
            "Not a GraphQL document: Syntax Error: Expected Name, found <EOF>.",
            ("documents", "1"),
        ),
        ("INVALID", "Larger than 100000 bytes", ("documents", "2")),
        (
            "INVALID",
            "Not a GraphQL document: Syntax Error: Document contains more than 20000 tokens. "
            "Parsing aborted.",
            ("documents", "3"),
        ),
    ]
    assert not await TrustedDocument.filter(hash=sha(biggest)).exists()


async def test_one_to_500_documents_at_a_time(system) -> None:
    for documents in ([], [Operation("{ a }")] * 500 + [Operation("query {")]):
        with pytest.raises(ServiceError) as refused:
            await register_operations(system, documents)
        assert refusal(refused) == [("INVALID", "Send 1 to 500 documents", ("documents",))], (
            "only the count: documents past the 500th are not read"
        )
    body = unique("{ many }")
    rows = await register_operations(system, [Operation(body)] * 500)
    assert len(rows) == 500
    assert len({r.id for r in rows}) == 1


def test_text_is_indexed_as_lower_case_words_and_their_parts() -> None:
    assert indexing.segment("市政府发布《安全检查》通知, Hello World!") == (
        "市政 政府 市政府 发布 安全 检查 安全检查 通知 hello world"
    )
    assert indexing.segment("") == ""
    edge = "a" * (indexing.MAX_CONTENT - 2)
    assert indexing.segment(edge + " b c").split()[1:] == ["b"], "cut after 20000 characters"


def test_a_query_keeps_its_longer_words_each_with_its_parts() -> None:
    assert indexing.query_words("安全检查的报告") == [("安全检查", ["安全", "检查"]), ("报告", [])]
    assert indexing.query_words("市政府 市政府 OA系统！") == [
        ("市政府", ["市政", "政府"]),
        ("oa", []),
        ("系统", []),
    ]
    assert indexing.query_words("的 号") == [("的", []), ("号", [])], "all short: all kept"
    assert indexing.query_words("，。") == []


def test_every_text_and_number_of_a_json_value() -> None:
    value = {"a": ["x", 1, {"b": 2.5, "c": None}], "d": True, "e": {"f": "y"}, "g": False}
    assert list(indexing.flatten(value)) == ["x", "1", "2.5", "y"]
    assert list(indexing.flatten("z")) == ["z"]
    assert list(indexing.flatten(None)) == []


async def test_an_entry_replaces_what_the_index_held_for_its_subject(make_department) -> None:
    department = await make_department()
    scope, subject, other = department.scope, uuid.uuid4(), uuid.uuid4()
    await indexing.put(scope, "notice", other, [indexing.Entry("别的", "内容")])
    await indexing.put(scope, "doc", subject, [indexing.Entry("旧标题", "旧内容")])
    await indexing.put(
        scope,
        "doc",
        subject,
        [
            indexing.Entry("标" * 301, "政府" + "x" * indexing.MAX_CONTENT),
            indexing.Entry("隐藏", "秘密 Text", field="secret"),
        ],
    )
    rows = await scope.query(SearchEntry).filter(subject_id=subject).order_by("field")
    assert [(r.kind, r.field) for r in rows] == [("doc", ""), ("doc", "secret")]
    main, hidden = rows
    assert (main.title, len(main.content)) == ("标" * 300, indexing.MAX_CONTENT)
    assert main.content.startswith("政府x")
    assert main.terms == indexing.segment("标" * 301 + "\n政府" + "x" * indexing.MAX_CONTENT)
    assert (hidden.title, hidden.content, hidden.terms) == ("隐藏", "秘密 Text", "隐藏 秘密 text")
    await indexing.put(scope, "doc", other, [])
    assert await scope.query(SearchEntry).filter(subject_id=other).count() == 1, "kind too"
    await indexing.drop(scope, "doc", subject)
    assert await scope.query(SearchEntry).filter(subject_id=subject).count() == 0
    await indexing.put(scope, "notice", other, [])
    assert await scope.query(SearchEntry).filter(subject_id=other).count() == 0
