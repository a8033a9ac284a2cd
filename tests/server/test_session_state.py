"""Pooled connections go back to the pool without asyncpg's reset statement
(`models/postgres.py`), so nothing may leave session state on one: no `SET` without `LOCAL`,
no `LISTEN`, no session-level advisory lock, no `set_config(…, false)`, no cursor `WITH HOLD`.
The one session advisory lock, the migrators' (`server/db.py`), is taken on a connection of its
own that is closed afterwards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tortoise import connections

from tests.conftest import GraphQL

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("server", "schema", "resolvers", "services", "workflow", "models", "auth", "sync")
SESSION_STATE = re.compile(  # SQL keywords as the code writes them: upper case
    r"(^|;)\s*(SET\s+(?!LOCAL\b)(SESSION\s+)?\w+|RESET\b|LISTEN\b|UNLISTEN\b)"
    r"|pg_(try_)?advisory_lock(_shared)?\s*\("
    r"|set_config\s*\([^)]*(false|\$)"
    r"|WITH\s+HOLD"
)
OWN_CONNECTION = {("server/db.py", "SELECT pg_advisory_lock($1)")}


def _link_parents(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]


def test_no_statement_leaves_session_state() -> None:
    offenders = []
    for layer in (*LAYERS, "subscriptions"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            _link_parents(tree)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                    continue
                if isinstance(getattr(node, "parent", None), ast.Expr):
                    continue  # a docstring
                where = (str(path.relative_to(ROOT)), node.value)
                if SESSION_STATE.search(node.value) and where not in OWN_CONNECTION:
                    offenders.append(f"{where[0]}:{node.lineno}: {node.value[:80]!r}")
            source = path.read_text()
            if "add_listener(" in source:
                offenders.append(f"{path.relative_to(ROOT)}: LISTEN through asyncpg")
    assert not offenders, offenders


def test_the_pattern_catches_what_it_must() -> None:
    for bad in (
        "SET search_path TO x",
        "SELECT 1; SET statement_timeout = 5",
        "LISTEN events",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_try_advisory_lock($1)",
        "SELECT set_config('a.b', 'c', false)",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
    ):
        assert SESSION_STATE.search(bad), bad
    for fine in (
        "UPDATE task SET status = $1",
        "SET LOCAL statement_timeout = 5",
        "SELECT pg_advisory_xact_lock($1)",
        "INSERT … ON CONFLICT (a) DO UPDATE SET b = 1",
    ):
        assert not SESSION_STATE.search(fine), fine


def test_the_migration_lock_is_on_its_own_connection() -> None:
    source = (ROOT / "server/db.py").read_text()
    lock = source[source.index("async def _migration_lock") :]
    assert "asyncpg.connect(" in lock
    assert "await conn.close()" in lock


async def test_released_connections_are_not_reset_and_hold_nothing(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    for _ in range(3):
        result = await gql("{ viewer { user { username } } }", token=token)
        assert result.data["viewer"]["user"]["username"]
    pool = connections.get("default")._pool
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle' AND application_name = ''"
        )
        assert rows, "the pool's other connections are idle in the server's database"
        assert not [r["query"] for r in rows if "advisory_unlock_all" in r["query"]]
        assert await conn.fetchval("SELECT count(*) FROM pg_listening_channels()") == 0
        held = (  # an idle connection holding an advisory lock holds a session one
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND a.datname = current_database() "
            "AND a.state = 'idle'"
        )
        assert await conn.fetchval(held) == 0
