"""The console's files at `/` (with the SPA fallback) beside the API, and what the console asks
of the server: how to sign in, and in dev mode a token for a demo account."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from server import console
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def site(tmp_path: Path, database: Settings) -> Any:
    """An app with only the console's routes and an API stand-in, over a small build."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>console</title>")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside")
    app = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    console.add_routes(app, dev_issuer=None, sign_in=True, dist=dist)
    async with TestClient(TestServer(app)) as client:
        yield client, dist


async def test_the_build_is_served_with_the_spa_fallback(site: Any) -> None:
    client, _ = site
    page = await client.get("/documents/RG9jdW1lbnQ6MQ==")
    assert page.status == 200
    assert "<title>console</title>" in await page.text()
    assert page.headers["Cache-Control"] == "no-cache"
    asset = await client.get("/assets/index-abc.js")
    assert await asset.text() == "console.log(1)"
    assert "immutable" in asset.headers["Cache-Control"]
    assert (await client.get("/assets/missing.js")).status == 404
    assert (await client.get("/server/settings.py")).status == 404


async def test_api_paths_are_not_taken_by_the_console(site: Any) -> None:
    client, _ = site
    assert (await client.get("/healthz")).status == 200
    for path in ("/graphql", "/auth/unknown", "/files/x/y", "/scim/v2/Users", "/metrics"):
        assert (await client.get(path)).status == 404, path


async def test_no_file_outside_the_build_is_served(site: Any) -> None:
    client, _ = site
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await client.get(path)
        assert "outside" not in await response.text(), path


async def test_without_a_build_the_page_says_what_the_console_needs(
    tmp_path: Path, database: Settings
) -> None:
    app = web.Application()
    console.add_routes(app, dev_issuer=None, sign_in=False, dist=tmp_path / "none")
    async with TestClient(TestServer(app)) as client:
        page = await client.get("/")
        text = await page.text()
    assert page.status == 200
    assert "Node.js 20.19" in text
    assert "/graphql" in text


async def test_production_names_the_portal_sign_in_and_offers_no_dev_tokens(site: Any) -> None:
    client, _ = site
    config = await (await client.get("/auth/console")).json()
    assert config == {"devMode": False, "signInUrl": "/auth/login", "logoutUrl": "/auth/logout"}
    token = await client.post("/auth/dev/token", json={"tenant": "x", "username": "y"})
    assert token.status == 405
    assert (await client.get("/auth/dev/accounts")).status == 404


async def test_dev_mode_gives_a_demo_account_a_token_that_the_api_accepts(
    server: TestServer, make_department: Any, http: ClientSession
) -> None:
    department = await make_department()
    base = str(server.make_url(""))
    config = await (await http.get(f"{base}/auth/console")).json()
    assert config["devMode"] is True
    accounts = await (await http.get(f"{base}/auth/dev/accounts")).json()
    assert 0 < len(accounts) <= console.DEV_ACCOUNT_LIMIT
    assert set(accounts[0]) == {"tenant", "tenantName", "username", "displayName"}
    asked = {"tenant": department.tenant.code, "username": department.admin.username}
    answer = await http.post(f"{base}/auth/dev/token", json=asked)
    token = (await answer.json())["token"]
    viewer = await http.post(
        f"{base}/graphql",
        json={"query": "{ viewer { user { username } tenant { code } } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (await viewer.json())["data"]["viewer"] == {
        "user": {"username": department.admin.username},
        "tenant": {"code": department.tenant.code},
    }


async def test_dev_tokens_are_refused_for_unknown_accounts_and_bad_bodies(
    server: TestServer, make_department: Any, http: ClientSession
) -> None:
    department = await make_department()
    url = str(server.make_url("/auth/dev/token"))
    unknown = {"tenant": department.tenant.code, "username": "nobody"}
    assert (await http.post(url, json=unknown)).status == 404
    assert (await http.post(url, json={"tenant": "no-such-tenant", "username": "x"})).status == 404
    assert (await http.post(url, data=b"not json")).status == 400
    assert (await http.post(url, json=["tenant"])).status == 400


def test_make_without_node_says_in_one_line_what_the_console_needs(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("find", "test"):
        if found := shutil.which(tool):
            (folder / tool).symlink_to(found)
    done = subprocess.run(
        [make, "--no-print-directory", "console"],
        cwd=ROOT,
        env={"PATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == [
        "The web console needs Node.js 20.19 or newer with npm; serving the API without it."
    ]
