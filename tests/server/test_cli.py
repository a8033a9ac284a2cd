"""The command line from a fresh data dir: demo tokens work against `serve` over real HTTP, on
the embedded default and on PostgreSQL + Redis chosen by environment variables alone."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.conftest import PG_ADMIN_URL
from tests.processes import CLI, env_for, run, serving

pytestmark = pytest.mark.slow  # every test runs the `officecloud` command

QUERY = {"query": "{ viewer { user { username } tenant { code } } }"}


async def ask(base: str, token: str) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{base}/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        return response.status, await response.json()


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"
    shutil.rmtree(tmp_path, ignore_errors=True)


async def test_demo_tokens_work_on_the_embedded_default(data_dir: Path) -> None:
    env = env_for(data_dir)
    printed = run(env, "demo")
    assert "jxw/admin" in printed
    assert "curl" in printed
    assert run(env, "demo").count("jxw/") == printed.count("jxw/"), "demo runs twice"
    token = run(env, "dev-token", "--user", "li.na", "--tenant", "jxw").strip()
    assert (data_dir / "officecloud.sqlite3").exists()
    async with serving(env) as base:
        status, body = await ask(base, token)
        assert status == 200
        assert body["data"] == {
            "viewer": {"user": {"username": "li.na"}, "tenant": {"code": "jxw"}}
        }
        async with aiohttp.ClientSession() as http, http.get(f"{base}/readyz") as ready:
            answer = await ready.json()
        assert {k: answer[k] for k in ("ready", "database", "bus", "loops", "serving")} == {
            "ready": True,
            "database": True,
            "bus": True,
            "loops": True,
            "serving": True,
        }


async def test_the_same_server_runs_on_postgresql_and_redis_by_env_vars(
    data_dir: Path, redis_url: str
) -> None:
    name = f"oc_cli_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        env = env_for(data_dir, DATABASE_URL=url, REDIS_URL=redis_url)
        run(env, "migrate")
        run(env, "migrate")
        run(env, "create-tenant", "--code", "tjj", "--name", "统计局", "--admin", "boss")
        token = run(env, "dev-token", "--user", "boss", "--tenant", "tjj").strip()
        assert not (data_dir / "officecloud.sqlite3").exists()
        async with serving(env) as base:
            status, body = await ask(base, token)
            assert status == 200
            assert body["data"] == {
                "viewer": {"user": {"username": "boss"}, "tenant": {"code": "tjj"}}
            }
        tenants = await (await asyncpg.connect(url)).fetchval("SELECT count(*) FROM tenant")
        assert tenants == 2, "the platform tenant and tjj, in PostgreSQL"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_demo_twice_leaves_exactly_the_same_rows(data_dir: Path) -> None:
    name = f"oc_demo_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        env = env_for(data_dir, DATABASE_URL=url)
        run(env, "migrate")
        run(env, "demo")
        first = await table_contents(url)
        run(env, "demo")
        assert await table_contents(url) == first
        rows = {table: count for table, (count, _) in first.items()}
        assert (rows["tenant"], rows["document"], rows["document_type"]) == (3, 1, 4)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def table_contents(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows."""
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        contents = {}
        every_row = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
        for (table,) in tables:
            count, digest = await connection.fetchrow(
                f'SELECT count(*), {every_row} FROM "{table}" t'  # noqa: S608 - from pg_tables
            )
            contents[table] = (count, digest)
        return contents
    finally:
        await connection.close()


def test_workers_need_redis(data_dir: Path) -> None:
    done = subprocess.run(
        [CLI, "serve", "--workers", "2"], env=env_for(data_dir), capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "REDIS_URL" in done.stderr


def test_bench_registers_its_commands_through_an_entry_point(data_dir: Path) -> None:
    """`officecloud bench …` (bench/README.md) comes from bench's entry point, not from an import
    in the server."""
    commands = run(env_for(data_dir), "bench", "--help")
    for command in ("seed", "floor", "load", "profile"):
        assert command in commands
