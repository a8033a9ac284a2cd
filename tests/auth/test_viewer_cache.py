"""Cached viewers (`auth/cache.py`) across two real server processes: a viewer is reused while
nothing changes, and dropped in both processes at once when the user is disabled or changed,
loses a role, falls under an access rule, is revoked, or the tenant is suspended."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from auth.dev_issuer import DevIssuer
from models.directory import OrgUnit, Role, RoleAssignment, User
from models.sso import UserRevocation
from server.settings import Settings
from services import directory
from subscriptions import sessions
from tests.conftest import GraphQL, Response, gid
from tests.processes import Served, budget, client, server_env, start_server

pytestmark = pytest.mark.slow  # real `officecloud serve` processes

VIEWER = "{ viewer { user { id } permissions } }"


@pytest.fixture(scope="module")
async def pair(
    database: Settings,
    redis_url: str,
    dev_issuer: DevIssuer,
    server: TestServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Served, Served]]:
    """Two servers whose cached viewers would live for five minutes if nothing dropped them."""
    logs = tmp_path_factory.mktemp("viewer-cache")
    env = server_env(database, redis_url, OFFICECLOUD_VIEWER_CACHE_SECONDS="300")
    async with (
        start_server(env, logs / "one.log") as one,
        start_server(env, logs / "two.log") as two,
    ):
        yield one, two


async def eventually(
    ask: Callable[[], Awaitable[Response]], expect: Callable[[Response], bool]
) -> Response:
    """The other process hears of a change over Redis within milliseconds."""
    deadline = asyncio.get_running_loop().time() + budget(5)
    while True:
        answer = await ask()
        if expect(answer) or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.02)


def refused(answer: Response) -> bool:
    return answer.status in (401, 403)


def answered(answer: Response) -> bool:
    return answer.status == 200


async def test_cached_viewers_are_dropped_in_every_process_on_changes_of_access(
    pair: tuple[Served, Served],
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department,
    platform_admin: User,
) -> None:
    one, two = (client(http, served, gql) for served in pair)
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)

    async def clerk(name: str) -> tuple[User, str]:
        user = await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        return user, gql.token(user, department.tenant)

    manager = await department.scope.query(Role).get(code="tenant_admin")

    def admin_rights(answer: Response) -> bool:
        return "TENANT_ADMIN" in answer.data["viewer"]["permissions"]

    # Reused: a change that bypasses the services (no event) is not seen for the cache's life.
    anna, anna_token = await clerk("anna")
    await directory.assign_role(department.actor, user_id=anna.id, role_id=manager.id)
    for served in (one, two):
        assert admin_rights(await served(VIEWER, token=anna_token))
    await department.scope.query(RoleAssignment).filter(user_id=anna.id).delete()
    for served in (one, two):
        assert admin_rights(await served(VIEWER, token=anna_token)), "served from the cache"

    # A user disabled through one process is refused by both.
    disabled = await one.mutate(
        "updateUser", {"id": gid("User", anna.id), "status": "DISABLED"}, "user { id }", token=admin
    )
    assert disabled["errors"] == []
    assert refused(await one(VIEWER, token=anna_token)), "the committing process drops at once"
    assert refused(await eventually(lambda: two(VIEWER, token=anna_token), refused))

    # A role taken away through the services: the permissions follow in both.
    bob, bob_token = await clerk("bob")
    await directory.assign_role(department.actor, user_id=bob.id, role_id=manager.id)
    for served in (one, two):
        assert admin_rights(await served(VIEWER, token=bob_token))
    assignment = await department.scope.query(RoleAssignment).get(user_id=bob.id)
    await directory.unassign_role(department.actor, id=assignment.id)

    def lost_role(answer: Response) -> bool:
        return not admin_rights(answer)

    for served in (one, two):
        assert lost_role(await eventually(lambda s=served: s(VIEWER, token=bob_token), lost_role))

    # An access rule that leaves the user no service component.
    _, cleo_token = await clerk("cleo")
    for served in (one, two):
        assert (await served(VIEWER, token=cleo_token)).status == 200
    rule = await two.mutate(  # from now on only anna may use anything but the admins
        "createAccessRule",
        {"subjectType": "USER", "subjectId": gid("User", anna.id), "components": ["documents"]},
        "accessRule { id }",
        token=admin,
    )
    assert rule["errors"] == []
    for served in (one, two):
        answer = await eventually(lambda s=served: s(VIEWER, token=cleo_token), refused)
        assert answer.status == 403, answer.body
    removed = await one.mutate(
        "deleteAccessRule", {"id": rule["accessRule"]["id"]}, "deletedId", token=admin
    )
    assert removed["errors"] == []
    for served in (one, two):
        again = await eventually(
            lambda s=served: s(VIEWER, token=cleo_token), lambda a: a.status == 200
        )
        assert again.status == 200, again.body

    # A revocation (back-channel logout) sent from a third process.
    dan, dan_token = await clerk("dan")
    for served in (one, two):
        assert (await served(VIEWER, token=dan_token)).status == 200
    later = datetime.now(UTC) + timedelta(seconds=2)
    await department.scope.create(UserRevocation, user_id=dan.id, not_before=later)
    await sessions.revoke_user(department.tenant.id, dan.id)
    for served in (one, two):
        answer = await eventually(lambda s=served: s(VIEWER, token=dan_token), refused)
        assert answer.status == 401, answer.body

    # The tenant suspended by the platform: every cached viewer of it goes.
    _, eve_token = await clerk("eve")
    for served in (one, two):
        assert (await served(VIEWER, token=eve_token)).status == 200
    suspended = await one.mutate(
        "setTenantStatus",
        {"id": gid("Tenant", department.tenant.id), "status": "SUSPENDED"},
        "tenant { status }",
        token=gql.token(platform_admin, "platform"),
    )
    assert suspended["errors"] == []
    for served in (one, two):
        answer = await eventually(lambda s=served: s(VIEWER, token=eve_token), refused)
        assert answer.status == 403, answer.body
