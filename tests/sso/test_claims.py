"""What sign-in claims do to the directory, with real tokens from the OpenID Provider: mapped
roles are re-applied at every sign-in and first use of a token (a demotion included, audited),
name and e-mail follow the portal (from userinfo in the browser flow), and a first-seen subject
links to the local user of the same username instead of becoming a second one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from models.audit import AuditEntry
from models.directory import OrgUnit, RoleAssignment
from models.directory import User as DirectoryUser
from server.settings import Settings
from services import directory
from tests.sso.apps import PortalApp, portal_app
from tests.sso.support import Browser

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def app(database: Settings) -> AsyncIterator[PortalApp]:
    async with portal_app(database, oidc_role_map={"oa-admin": "tenant_admin"}) as running:
        yield running


@pytest.fixture
async def browser(app: PortalApp) -> AsyncIterator[Browser]:
    b = Browser(app.portal)
    yield b
    await b.close()


async def _viewer(app: PortalApp, browser: Browser, subject: str) -> dict[str, Any]:
    token = (await app.portal.access_token(browser, subject))["access_token"]
    status, body = await app.ask(token=token)
    assert status == 200, body
    viewer: dict[str, Any] = body["data"]["viewer"]
    return viewer


async def test_roles_follow_the_portal_down_as_well_as_up(
    app: PortalApp, browser: Browser, make_department
) -> None:
    department = await make_department()
    code, subject = department.tenant.code, f"p{uuid.uuid4().hex[:8]}"
    await app.portal.add_account(subject, code, roles=["oa-admin"], name="王芳")
    first = await app.portal.access_token(browser, subject)
    status, body = await app.ask(token=first["access_token"])
    assert "TENANT_ADMIN" in body["data"]["viewer"]["permissions"]
    user = await department.scope.query(DirectoryUser).get(external_subject=subject)
    admin = department.scope.query(RoleAssignment).filter(
        user_id=user.id, role__code="tenant_admin"
    )
    assert await admin.count() == 1

    await app.portal.add_account(subject, code, roles=[], name="王芳")
    demoted = await _viewer(app, browser, subject)
    assert "TENANT_ADMIN" not in demoted["permissions"], "the next token demotes"
    assert await admin.count() == 0
    status, body = await app.ask(token=first["access_token"])
    assert status == 200
    assert "TENANT_ADMIN" not in body["data"]["viewer"]["permissions"], "older tokens too"
    entry = await department.scope.query(AuditEntry).get(
        action="role.unassigned", target_type="RoleAssignment"
    )
    assert entry.actor_name == "portal sign-in"
    assert entry.data == {"userId": str(user.id), "role": "tenant_admin", "source": "portal"}

    await app.portal.add_account(subject, code, roles=["oa-admin"], name="王芳")
    assert "TENANT_ADMIN" in (await _viewer(app, browser, subject))["permissions"]


async def test_name_and_email_follow_the_portal_at_every_sign_in(
    app: PortalApp, browser: Browser, make_department
) -> None:
    department = await make_department()
    code, subject = department.tenant.code, f"p{uuid.uuid4().hex[:8]}"
    await app.portal.add_account(subject, code, name="李雷")
    assert (await _viewer(app, browser, subject))["user"]["displayName"] == "李雷"

    await app.portal.add_account(subject, code, name="李雷雷")
    viewer = await _viewer(app, browser, subject)
    assert viewer["user"]["displayName"] == "李雷雷"
    assert viewer["user"]["email"] == f"{subject}@portal.example"

    await app.portal.add_account(subject, code, name="李雷 (借调)")
    await browser.sign_in(subject)
    user = await department.scope.query(DirectoryUser).get(external_subject=subject)
    assert user.display_name == "李雷 (借调)", "the browser flow refreshes too"
    changes = await department.scope.query(AuditEntry).filter(
        action="user.updated", target_id=str(user.id)
    )
    assert [c.data.get("display_name") for c in changes] == ["李雷雷", "李雷 (借调)"]


async def test_a_first_sign_in_links_to_the_local_user_of_that_username(
    app: PortalApp, browser: Browser, make_department
) -> None:
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    boss = await directory.create_user(
        department.actor, username="boss", display_name="局长", org_unit_ids=[root.id]
    )
    subject = f"p{uuid.uuid4().hex[:8]}"
    await app.portal.add_account(subject, department.tenant.code, username="Boss", name="局长")
    viewer = await _viewer(app, browser, subject)
    assert viewer["user"]["username"] == "boss"
    assert viewer["user"]["externalSubject"] == subject
    linked = await department.scope.query(DirectoryUser).get(id=boss.id)
    assert linked.external_subject == subject
    assert (
        not await department.scope.query(DirectoryUser)
        .filter(username__startswith="boss-")
        .exists()
    )
