"""Attachments in an S3-compatible store shared by two hosts (two apps with their own data
dirs), against a real S3 server process (moto in server mode): an upload on one host is
downloaded from the other through a link the first signed; content is stored once under its
hash; a lost blob is a logged 500; a store outage is a 503 that leaves no attachment row."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiobotocore.session import get_session
from aiohttp.test_utils import TestServer
from yarl import URL

from auth.dev_issuer import DevIssuer
from models.documents import Attachment
from server.app import create_app
from server.settings import Settings
from tests.conftest import GraphQL
from tests.documents.support import DOC, Office, upload
from tests.documents.test_documents import DOCUMENT
from tests.processes import budget, free_port

pytestmark = pytest.mark.slow
MOTO = shutil.which("moto_server") or str(Path(__file__).parents[2] / ".venv/bin/moto_server")
BUCKET = "officecloud-test"
SECRET = "shared by every host"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


@contextlib.asynccontextmanager
async def s3_server() -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        MOTO, "-H", "127.0.0.1", "-p", str(port),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(int(budget(200))):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.wait()


@contextlib.asynccontextmanager
async def s3(endpoint: str) -> AsyncIterator[object]:
    async with get_session().create_client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS
    ) as client:
        yield client


@contextlib.asynccontextmanager
async def host(settings: Settings, endpoint: str, data_dir: Path) -> AsyncIterator[TestServer]:
    app = create_app(
        settings.model_copy(
            update={
                "data_dir": data_dir,
                "secret_key": SECRET,
                "blob_store": "s3",
                "s3_bucket": BUCKET,
                "s3_endpoint_url": endpoint,
                "s3_access_key_id": "test",
                "s3_secret_access_key": "test",
            }
        )
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


async def test_hosts_share_attachments_in_s3(
    database: Settings,
    dispatch_office: Office,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = "正文 shared across hosts".encode() * 100
    sha = hashlib.sha256(body).hexdigest()
    async with (
        s3_server() as (endpoint, moto),
        s3(endpoint) as client,
    ):
        await client.create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        async with (
            host(database, endpoint, tmp_path / "a") as a,
            host(database, endpoint, tmp_path / "b") as b,
        ):
            document = await dispatch_office.ok(
                "writer",
                "createDocument",
                {"documentTypeId": dispatch_office.type_id, "title": "两台主机", "formData": {}},
                DOC,
            )
            doc_id = document["document"]["id"]
            code = dispatch_office.department.tenant.code
            shared = DevIssuer.load(tmp_path, database.dev_issuer, "officecloud", SECRET)
            token = shared.issue(subject=str(dispatch_office.users["writer"].id), tenant=code)
            for _ in range(2):
                status, answer = await upload(
                    str(a.make_url("/graphql")), token, doc_id, "通知.pdf", body, "application/pdf"
                )
                assert status == 200
                assert answer["data"]["uploadAttachment"]["errors"] == []
            listed = await client.list_objects_v2(Bucket=BUCKET)  # type: ignore[attr-defined]
            assert [o["Key"] for o in listed["Contents"]] == [f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"]
            assert not list((tmp_path / "a").rglob(sha)), "nothing on the host's disk"

            async with aiohttp.ClientSession() as http:
                on_a = GraphQL(http, str(a.make_url("/graphql")), shared)
                answer = await on_a(DOCUMENT, {"id": doc_id}, token=token)
                link = URL(answer.data["node"]["attachments"][0]["downloadUrl"])
                on_b = b.make_url(link.path).with_query(link.query)
                async with http.get(on_b) as response:
                    assert response.status == 200
                    assert await response.read() == body
                    assert response.headers["X-Content-Type-Options"] == "nosniff"

                await client.delete_object(  # type: ignore[attr-defined]
                    Bucket=BUCKET, Key=f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"
                )
                with caplog.at_level(logging.ERROR, logger="officecloud.files"):
                    async with http.get(on_b) as response:
                        assert response.status == 500
                        error = (await response.json())["errors"][0]
                assert error["extensions"]["code"] == "BLOB_MISSING"
                assert sha in caplog.text

                before = await dispatch_office.department.scope.query(Attachment).count()
                moto.send_signal(signal.SIGTERM)
                await moto.wait()
                status, answer = await upload(
                    str(b.make_url("/graphql")),
                    token,
                    doc_id,
                    "新.pdf",
                    b"other",
                    "application/pdf",
                )
                assert status == 503
                assert answer["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert await dispatch_office.department.scope.query(Attachment).count() == before
