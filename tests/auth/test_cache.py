"""The viewer cache's own rules (`auth/cache.py`); across processes: test_viewer_cache.py."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace
from typing import Any

from auth.cache import ViewerCache


def viewer(tenant: uuid.UUID, user: uuid.UUID, **claims: Any) -> Any:
    return SimpleNamespace(
        tenant=SimpleNamespace(id=tenant),
        user=SimpleNamespace(id=user),
        session_id=None,
        expires_at=claims.get("exp"),
    )


def test_a_viewer_is_kept_per_token_until_dropped() -> None:
    cache = ViewerCache(60)
    tenant, other = uuid.uuid4(), uuid.uuid4()
    anna, bob, carl = (viewer(tenant, uuid.uuid4()) for _ in range(3))
    elsewhere = viewer(other, uuid.uuid4())
    for token, value in (("a", anna), ("b", bob), ("c", carl), ("e", elsewhere)):
        cache.put(token, value, cache.begin())
    assert cache.get("a") is anna
    assert cache.get("unknown") is None

    cache.forget_user(tenant, anna.user.id)
    assert cache.get("a") is None
    assert cache.get("b") is bob, "the user's own entries only"
    cache.forget_tenant(tenant)
    assert (cache.get("b"), cache.get("c")) == (None, None)
    assert cache.get("e") is elsewhere, "another tenant's stay"


def test_a_viewer_loaded_while_access_changed_is_not_kept() -> None:
    cache = ViewerCache(60)
    tenant = uuid.uuid4()
    begun = cache.begin()
    cache.forget_tenant(uuid.uuid4())  # any change, of any tenant, while the viewer loads
    cache.put("a", viewer(tenant, uuid.uuid4()), begun)
    assert cache.get("a") is None
    cache.put("a", viewer(tenant, uuid.uuid4()), cache.begin())
    assert cache.get("a") is not None


def test_entries_end_with_their_time_or_their_token() -> None:
    tenant = uuid.uuid4()
    off = ViewerCache(0)
    off.put("a", viewer(tenant, uuid.uuid4()), off.begin())
    assert off.get("a") is None, "0 seconds turns the cache off"

    cache = ViewerCache(60)
    cache.put("old", viewer(tenant, uuid.uuid4(), exp=time.time() - 1), cache.begin())
    assert cache.get("old") is None, "an expired token is never served"
    brief = ViewerCache(0.01)
    brief.put("a", viewer(tenant, uuid.uuid4()), brief.begin())
    time.sleep(0.02)
    assert brief.get("a") is None

    small = ViewerCache(60, size=2)
    for token in ("a", "b", "c"):
        small.put(token, viewer(tenant, uuid.uuid4()), small.begin())
    assert (small.get("a") is None, len(small)) == (True, 2), "the oldest goes first"
