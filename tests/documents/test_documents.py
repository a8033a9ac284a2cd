"""Official documents end to end through GraphQL on PostgreSQL: a draft from a template,
approvals, the number, an attachment a participant downloads and an outsider cannot, completion,
archiving, and a timeline with every step. Refused uploads leave nothing behind."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from models.audit import AuditEntry
from models.documents import Attachment, DocumentEvent
from server.app import create_app
from server.settings import Settings
from tests.conftest import GraphQL, key_of, new_department
from tests.documents.support import DOC, Office, dispatching_office, upload

DOCUMENT = """query($id: ID!) { node(id: $id) { ... on Document {
  title number status formData archivedAt
  attachments { id name version downloadUrl }
  timeline(first: 50) { edges { node { action nodeName fromStatus toStatus actor { username } } } }
} } }"""


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


CONTENT = "检查清单\n1. 消防通道\n".encode() * 100


@dataclass
class Dispatch:
    """A 发文 made from a template in a staffed department; the steps fill in the rest."""

    office: Office
    doc: dict[str, Any] = field(default_factory=dict)
    attachment: dict[str, Any] = field(default_factory=dict)
    node: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="class")
async def dispatch(database: Settings, gql: GraphQL) -> Dispatch:
    return Dispatch(await dispatching_office(gql, await new_department()))


@pytest.mark.steps
class TestADispatchFromTemplateToArchive:
    async def test_a_draft_starts_from_a_template(self, dispatch: Dispatch) -> None:
        office = dispatch.office
        template = await office.ok(
            "admin",
            "createDocumentTemplate",
            {
                "documentTypeId": office.type_id,
                "name": "通知",
                "title": "关于开展安全生产检查的通知",
                "defaults": {"subject": "安全生产 检查 通知"},
                "body": "各处室：为切实做好安全生产工作……",
            },
            "documentTemplate { id } ",
        )
        created = await office.ok(
            "writer",
            "createDocument",
            {
                "documentTypeId": office.type_id,
                "templateId": template["documentTemplate"]["id"],
                "urgency": "URGENT",
            },
            DOC,
        )
        doc = dispatch.doc = created["document"]
        assert doc["title"] == "关于开展安全生产检查的通知"
        assert doc["formData"]["body"].startswith("各处室")
        assert doc["formData"]["subject"] == "安全生产 检查 通知"

    async def test_the_writer_attaches_a_file(self, dispatch: Dispatch, gql: GraphQL) -> None:
        token = dispatch.office.token("writer")
        status, body = await upload(
            gql.url, token, dispatch.doc["id"], "检查清单.txt", CONTENT, "text/plain"
        )
        assert status == 200, body
        assert body.get("errors") is None, body
        assert body["data"]["uploadAttachment"]["errors"] == []
        dispatch.attachment = body["data"]["uploadAttachment"]["attachment"]
        assert dispatch.attachment["size"] == len(CONTENT)
        office = dispatch.office
        [entry] = await office.department.scope.query(AuditEntry).filter(
            action="document.attachment_added"
        )
        assert (entry.actor_id, entry.target_type) == (office.users["writer"].id, "Document")
        assert entry.target_id == str(key_of(dispatch.doc["id"]))
        stored = await office.department.scope.get(Attachment, key_of(dispatch.attachment["id"]))
        assert stored is not None
        assert entry.data == {
            "attachment": str(stored.id),
            "name": stored.name,
            "size": len(CONTENT),
        }

    async def test_approvals_number_it_and_the_last_node_archives_it(
        self, dispatch: Dispatch
    ) -> None:
        office, doc_id = dispatch.office, dispatch.doc["id"]
        await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
        await office.approve(
            "director", doc_id, formData={"body": "各处室：为切实做好安全生产工作，现通知如下。"}
        )
        await office.approve("leader", doc_id)
        numbered = await office.approve("clerk", doc_id)
        assert numbered["document"]["number"].endswith("发字第1号")
        await office.approve("clerk", doc_id)
        archived = await office.approve("clerk2", doc_id)
        assert archived["document"]["status"] == "ARCHIVED", "the 归档 node files it"
        again = await office.mutate("writer", "archiveDocument", {"id": doc_id}, DOC)
        assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]

    async def test_a_participant_downloads_the_attachment_by_a_signed_link(
        self, dispatch: Dispatch, server: TestServer
    ) -> None:
        office = dispatch.office
        seen = await office.run("director", DOCUMENT, {"id": dispatch.doc["id"]})
        dispatch.node = seen.data["node"]
        link = dispatch.node["attachments"][0]["downloadUrl"]
        async with aiohttp.ClientSession() as http:
            async with http.get(str(server.make_url(link))) as response:
                assert response.status == 200
                assert await response.read() == CONTENT
                assert "attachment;" in response.headers["Content-Disposition"]
            parts = urlsplit(link)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            forged = {**query, "user": str(office.users["outsider"].id)}
            expired = {**query, "expires": "1000"}
            for tampered in (forged, expired):
                url = server.make_url(f"{parts.path}?{urlencode(tampered)}")
                async with http.get(str(url)) as r:
                    assert r.status == 403

    async def test_an_outsider_sees_neither_the_document_nor_its_attachment(
        self, dispatch: Dispatch
    ) -> None:
        office = dispatch.office
        outsider = await office.run("outsider", DOCUMENT, {"id": dispatch.doc["id"]})
        assert outsider.data["node"] is None
        lost = await office.run(
            "outsider",
            "query($id: ID!) { node(id: $id) { ... on Attachment { downloadUrl } } }",
            {"id": dispatch.attachment["id"]},
        )
        assert lost.data["node"] is None

    async def test_the_timeline_has_every_step(self, dispatch: Dispatch) -> None:
        node = dispatch.node
        steps = [(e["node"]["action"], e["node"]["nodeName"]) for e in node["timeline"]["edges"]]
        assert steps == [
            ("created", None),
            ("attachment_added", None),
            ("submitted", None),
            ("draft_completed", "拟稿"),
            ("approve", "核稿"),
            ("approve", "签发"),
            ("claim", "编号"),
            ("number_allocated", None),
            ("approve", "编号"),
            ("approve", "分发"),
            ("claim", "归档"),
            ("approve", "归档"),
            ("archived", "归档"),
        ]
        last = node["timeline"]["edges"][-2:]
        assert [(e["node"]["fromStatus"].upper(), e["node"]["toStatus"].upper()) for e in last] == [
            ("IN_PROGRESS", "COMPLETED"),
            ("COMPLETED", "ARCHIVED"),
        ]
        assert node["archivedAt"]
        edited = [
            e
            for e in await dispatch.office.department.scope.query(DocumentEvent).filter(
                document_id=key_of(dispatch.doc["id"]), action="approve", node_name="核稿"
            )
        ]
        assert list(edited[0].changes) == ["body"]


@pytest.fixture
async def small_uploads(database: Settings) -> AsyncIterator[tuple[str, Path]]:
    settings = database.model_copy(update={"max_upload_bytes": 1024, "background_jobs": False})
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/graphql")), settings.data_dir / "blobs"
    await server.close()


async def test_refused_uploads_leave_nothing_behind(dispatch_office: Office, small_uploads) -> None:
    url, blobs = small_uploads
    made = await dispatch_office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": dispatch_office.type_id, "title": "草稿", "formData": {"body": "x"}},
        DOC,
    )
    doc_id = made["document"]["id"]
    files_before = stored_files(blobs)
    rows_before = await dispatch_office.department.scope.query(Attachment).count()

    cases = [
        ("writer", "big.pdf", os.urandom(4096), "application/pdf", "larger than 1024 bytes"),
        ("writer", "virus.exe", b"MZ" * 10, "application/x-msdownload", "not accepted"),
        ("writer", "note.pdf", b"plain", "text/plain", "the name says application/pdf"),
        ("outsider", "ok.txt", b"hello", "text/plain", "may not"),
    ]
    for who, name, content, kind, reason in cases:
        status, body = await upload(url, dispatch_office.token(who), doc_id, name, content, kind)
        assert status == 200
        errors = body["data"]["uploadAttachment"]["errors"]
        assert errors, name
        assert any(reason in e["message"].lower() for e in errors), (name, errors)
    status, body = await upload(
        url,
        dispatch_office.token("writer"),
        doc_id,
        "ok.txt",
        b"hello",
        "text/plain",
        preflight=False,
    )
    assert status == 400
    assert "GraphQL-Require-Preflight" in body["errors"][0]["message"]

    assert stored_files(blobs) == files_before
    assert await dispatch_office.department.scope.query(Attachment).count() == rows_before

    first = await upload(
        url, dispatch_office.token("writer"), doc_id, "ok.txt", b"hello", "text/plain"
    )
    first_id = first[1]["data"]["uploadAttachment"]["attachment"]["id"]
    second = await upload(
        url,
        dispatch_office.token("writer"),
        doc_id,
        "ok.txt",
        b"hello v2",
        "text/plain",
        replaces=first_id,
    )
    assert second[1]["data"]["uploadAttachment"]["attachment"]["version"] == 2
    listed = await dispatch_office.run(
        "writer",
        "query($id: ID!) { node(id: $id) { ... on Document { latest: attachments { version } "
        "all: attachments(everyVersion: true) { version } } } }",
        {"id": doc_id},
    )
    assert listed.data["node"]["latest"] == [{"version": 2}]
    assert len(listed.data["node"]["all"]) == 2
    assert stored_files(blobs) - files_before, "the two versions are stored"
    assert not list((blobs / "tmp").iterdir()), "no staging file is left"
