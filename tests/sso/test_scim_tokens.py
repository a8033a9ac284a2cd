"""SCIM bearer tokens in process: created, rotated and revoked by tenant admins only, each
audited; a token names its tenant until it is revoked, and its use is stamped at most once a
minute."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from models.sso import ScimToken
from services.sso import scim_tokens
from services.tenants import secret_hash
from tests.sso.records import audited, clerk_actor, entry, refused

NOT_FOUND = [("NOT_FOUND", "SCIM token not found", ("id",))]


async def test_tokens_are_created_rotated_and_revoked_by_admins_only(make_department) -> None:
    department = await make_department()
    actor, tenant_id = department.actor, department.tenant.id
    token, secret = await scim_tokens.create_scim_token(actor, name="  city portal  ")
    assert secret.startswith("ocscim_")
    assert len(secret) == 7 + 43
    stored = await ScimToken.get(id=token.id)
    assert (stored.name, stored.prefix, stored.token_hash) == (
        "city portal",
        secret[:14],
        secret_hash(secret),
    )
    assert (stored.created_by_id, stored.revoked_at, stored.tenant_id) == (
        department.admin.id,
        None,
        tenant_id,
    )
    assert await entry(tenant_id, "scim_token.created") == (
        "ScimToken",
        str(token.id),
        {"name": "city portal"},
    )
    (created,) = await audited(tenant_id, "scim_token.created")
    assert created.actor_id == department.admin.id

    assert await refused(scim_tokens.create_scim_token(actor, name="  ")) == [
        ("REQUIRED", "name must not be empty", ("name",))
    ]
    assert await refused(scim_tokens.create_scim_token(actor, name="x" * 101)) == [
        ("TOO_LONG", "name is longer than 100 characters", ("name",))
    ]
    assert (await scim_tokens.create_scim_token(actor, name="y" * 100))[0].name == "y" * 100
    plain = await clerk_actor(department)
    forbidden = [("FORBIDDEN", "You lack the permission tenant.admin", None)]
    assert await refused(scim_tokens.create_scim_token(plain, name="mine")) == forbidden
    assert await refused(scim_tokens.rotate_scim_token(plain, id=token.id)) == forbidden
    assert await refused(scim_tokens.revoke_scim_token(plain, id=token.id)) == forbidden

    assert await refused(scim_tokens.rotate_scim_token(actor, id=uuid.uuid4())) == NOT_FOUND
    assert await refused(scim_tokens.rotate_scim_token(actor, id="not an id")) == NOT_FOUND
    other = await make_department()
    assert await refused(scim_tokens.rotate_scim_token(other.actor, id=token.id)) == NOT_FOUND
    successor, new_secret = await scim_tokens.rotate_scim_token(actor, id=str(token.id))
    assert new_secret != secret
    assert new_secret.startswith("ocscim_")
    assert (successor.name, successor.prefix) == ("city portal", new_secret[:14])
    old = await ScimToken.get(id=token.id)
    assert old.revoked_at is not None
    assert (await ScimToken.get(id=successor.id)).revoked_at is None
    assert await entry(tenant_id, "scim_token.rotated") == (
        "ScimToken",
        str(successor.id),
        {"name": "city portal", "replaces": str(token.id)},
    )
    assert await scim_tokens.scim_tenant(secret) is None, "the rotated token is refused"
    found = await scim_tokens.scim_tenant(new_secret)
    assert found is not None
    assert found.id == tenant_id
    assert await refused(scim_tokens.rotate_scim_token(actor, id=token.id)) == [
        ("INVALID_STATE", "The token is already revoked", ("id",))
    ]

    assert await refused(scim_tokens.revoke_scim_token(actor, id=uuid.uuid4())) == NOT_FOUND
    revoked = await scim_tokens.revoke_scim_token(actor, id=successor.id)
    assert revoked.revoked_at is not None
    assert (await ScimToken.get(id=successor.id)).revoked_at == revoked.revoked_at
    assert await entry(tenant_id, "scim_token.revoked") == (
        "ScimToken",
        str(successor.id),
        {"name": "city portal"},
    )
    again = await scim_tokens.revoke_scim_token(actor, id=successor.id)
    assert again.revoked_at == revoked.revoked_at, "revoking twice changes nothing"
    assert len(await audited(tenant_id, "scim_token.revoked")) == 1
    assert await scim_tokens.scim_tenant(new_secret) is None


async def test_a_tokens_use_is_stamped_at_most_once_a_minute(make_department) -> None:
    department = await make_department()
    token, secret = await scim_tokens.create_scim_token(department.actor, name="portal")
    assert await scim_tokens.scim_tenant("ocscim_unknown") is None
    before = datetime.now(UTC)
    found = await scim_tokens.scim_tenant(secret)
    assert found is not None
    assert (found.id, found.code) == (department.tenant.id, department.tenant.code)
    first = (await ScimToken.get(id=token.id)).last_used_at
    assert first is not None
    assert first >= before

    recent = datetime.now(UTC) - timedelta(seconds=50)
    await ScimToken.filter(id=token.id).update(last_used_at=recent)
    await scim_tokens.scim_tenant(secret)
    assert (await ScimToken.get(id=token.id)).last_used_at == recent, "used within a minute"

    stale = datetime.now(UTC) - timedelta(seconds=65)
    await ScimToken.filter(id=token.id).update(last_used_at=stale)
    await scim_tokens.scim_tenant(secret)
    stamped = (await ScimToken.get(id=token.id)).last_used_at
    assert stamped is not None
    assert stamped > stale + timedelta(seconds=60)
