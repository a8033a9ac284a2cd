"""Shared fixtures: a fresh PostgreSQL database per run, Redis, and the server on a real port.

Without CI=true a missing PostgreSQL or Redis skips the tests that need it; with CI=true
they fail instead.
"""

from __future__ import annotations

import base64
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import structlog
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from auth.dev_issuer import DevIssuer
from auth.viewer import actor_for
from models.access import Actor
from models.directory import User
from models.scope import TenantScope
from models.tenants import Tenant
from server import db
from server.app import create_app
from server.settings import Settings
from services import tenants

pytest_plugins = ["tests.documents.support"]

PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_TEMPLATE = os.environ.get("TEST_PG_TEMPLATE")
"""A migrated database each run's database copies, skipping the migrations (tests/mutation.py
sets it: the migrations cost more than most mutants' tests)."""
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEPLOYMENT = f"oc-test-{uuid.uuid4().hex[:12]}"
"""The servers of this test process (in process or spawned) on a Redis namespace of their own,
apart from other pytest-xdist workers and other test runs on the same Redis."""
IN_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parent / "fixtures"
"""Files the tests read: BPMN from bpmn-js, stored workflow instances of every version."""


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable: {exc}"
    if IN_CI:
        pytest.fail(message + " (CI=true: these tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    """A database created for this test run and dropped afterwards."""
    name = f"oc_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _unavailable("PostgreSQL", exc)
    try:
        template = f' TEMPLATE "{PG_TEMPLATE}"' if PG_TEMPLATE else ""
        await admin.execute(f'CREATE DATABASE "{name}"{template}')
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await db.disconnect()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def redis_url() -> str:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        _unavailable("Redis", exc)
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(pg_url: str, redis_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=pg_url,
        redis_url=redis_url,
        dev_mode=True,
        data_dir=data_dir,
        public_url="http://officecloud.test",
        log_json=False,
        apply_rate_limit=10_000,
        deployment=DEPLOYMENT,
    )


@pytest.fixture(scope="session")
async def database(settings: Settings) -> Settings:
    await db.migrate(settings)
    await db.connect(settings)
    return settings


@pytest.fixture(scope="session")
async def server(database: Settings) -> AsyncIterator[TestServer]:
    """The whole application on a real TCP port."""
    test_server = TestServer(create_app(database), host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    """A plain HTTP client session for the test."""
    async with ClientSession() as session:
        yield session


def ws_url(server: TestServer) -> str:
    """The server's GraphQL websocket URL."""
    return str(server.make_url("/graphql")).replace("http://", "ws://")


@pytest.fixture(scope="session")
def dev_issuer(database: Settings) -> DevIssuer:
    return DevIssuer.load(database.data_dir, database.dev_issuer, database.oidc_audience)


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def data(self) -> dict[str, Any]:
        assert "errors" not in self.body, self.body.get("errors")
        data: dict[str, Any] = self.body["data"]
        return data

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])


class GraphQL:
    """A plain GraphQL-over-HTTP client (POST, JSON) against the running server."""

    def __init__(self, session: ClientSession, url: str, issuer: DevIssuer) -> None:
        self.session = session
        self.url = url
        self.issuer = issuer

    def token(self, user: User, tenant: Tenant | str, **claims: Any) -> str:
        """A dev token for `user`; `claims` override the standard ones."""
        code = tenant if isinstance(tenant, str) else tenant.code
        return self.issuer.issue(subject=str(user.id), tenant=code, **claims)

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        # Messages in the language the tests are written in (the server's default is zh-CN).
        sent = {"Content-Type": "application/json", "Accept-Language": "en", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        async with self.session.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=sent
        ) as response:
            return Response(
                response.status, await response.json(content_type=None), response.headers
            )

    async def mutate(
        self, name: str, input: dict[str, Any], selection: str, *, token: str | None
    ) -> dict[str, Any]:
        """Run `name(input: $input) { selection errors { code message field } }`."""
        query = (
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) "
            f"{{ {name}(input: $input) {{ {selection} errors {{ code message field }} }} }}"
        )
        result = await self(query, {"input": input}, token=token)
        payload: dict[str, Any] = result.data[name]
        return payload


@pytest.fixture(scope="session")
async def gql(server: TestServer, dev_issuer: DevIssuer) -> AsyncIterator[GraphQL]:
    async with ClientSession() as session:
        yield GraphQL(session, str(server.make_url("/graphql")), dev_issuer)


@dataclass
class Department:
    tenant: Tenant
    admin: User
    actor: Actor

    @property
    def scope(self) -> TenantScope:
        return TenantScope(self.tenant.id)


async def new_department(
    parent: Tenant | None = None, code: str | None = None, name: str = "测试部门 Test department"
) -> Department:
    """An active tenant with its administrator, named uniquely (needs the `database` fixture)."""
    system = await tenants.system_actor()
    tenant, admin = await tenants.create_tenant(
        system,
        code=code or f"t{uuid.uuid4().hex[:10]}",
        name=name,
        parent_id=parent.id if parent else None,
    )
    actor = await actor_for(TenantScope(tenant.id), admin, tenant)
    return Department(tenant, admin, actor)


@pytest.fixture
async def make_department(database: Settings) -> Any:
    """`new_department` for a test: `await make_department(parent=…, code=…)`."""
    return new_department


@pytest.fixture(scope="session")
async def platform_admin(database: Settings) -> User:
    from server.demo import _operator

    await tenants.ensure_platform()
    _, _, _, user_id = await _operator()
    return await User.get(id=user_id)


@pytest.fixture
def count_queries() -> Any:
    """`with count_queries() as counted:` … `counted()` is the number of SQL statements sent,
    `counted.statements` their text. Make one request with the token first: its first use
    records a sign-in."""

    @contextmanager
    def counting() -> Iterator[Any]:
        statements: list[str] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if _in_request():
                    statements.append(record.getMessage())

        logger = logging.getLogger("tortoise.db_client")
        handler, level = Collect(level=logging.DEBUG), logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            yield Counted(statements)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

    return counting


@dataclass
class Counted:
    statements: list[str]

    def __call__(self) -> int:
        return len(self.statements)

    def reads(self, table: str) -> int:
        """SELECTs whose FROM names `table`."""
        return sum(1 for s in self.statements if s.startswith("SELECT") and f'FROM "{table}"' in s)


def _in_request() -> bool:
    """Statements sent while serving an HTTP request (its id is bound by the middleware); the
    server's background loops (timers, relays, exchange) are not the request's."""
    return "request_id" in structlog.contextvars.get_contextvars()


def gid(type_name: str, key: uuid.UUID | str) -> str:
    """The Relay global id of a row."""
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def key_of(global_id: str) -> uuid.UUID:
    return uuid.UUID(base64.b64decode(global_id).decode().split(":", 1)[1])


_failed_step: dict[tuple[str, str], str] = {}


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """In a class marked `steps`, remember the first step that failed."""
    failed = call.excinfo is not None and not call.excinfo.errisinstance(pytest.skip.Exception)
    if failed and item.get_closest_marker("steps") and item.cls is not None:
        _failed_step.setdefault((str(item.path), item.cls.__name__), item.name)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The steps of a scenario build on each other: after one fails, the rest are skipped."""
    if item.get_closest_marker("steps") and item.cls is not None:
        failed = _failed_step.get((str(item.path), item.cls.__name__))
        if failed:
            pytest.skip(f"an earlier step failed: {failed}")
