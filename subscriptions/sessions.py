"""Open websocket connections per (tenant, user) in this process: closed when the token expires,
on `revoke_user` from any process, and when the user is disabled or deleted or the tenant
suspended. For those every process watches the events on the bus (`handle_event`: a user's
`directory.user.*` event makes it read the user's status; `tenant.status_changed` away from
`active` closes the tenant's connections), and `check_open` re-reads every open connection's
user and tenant periodically, which covers events the bus lost. A user holds at most
`limit` connections per process (`admit`).

Close codes (the client should not simply reconnect with the same token):

- 4401 "Token expired": the access token's `exp` has passed. Get a new token, reconnect, and
  resubscribe with `after:` the last event id received; nothing is lost.
- 4403 "Session revoked" / "Signed out" / "Access ended": the user was signed out (back-channel
  logout, or a sign-out of the browser session the connection came from), disabled or deleted,
  or the tenant suspended. Sign in again.
- 4430 "Too many connections": the user already holds the most websockets one process accepts
  (`OFFICECLOUD_MAX_WEBSOCKETS_PER_USER`). Close one.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from models.directory import User, UserStatus
from models.scope import across_tenants
from models.tenants import Tenant, TenantStatus
from subscriptions import bus
from subscriptions.events import Event
from subscriptions.topics import Topic

log = logging.getLogger(__name__)

CLOSE_EXPIRED = 4401
CLOSE_REVOKED = 4403
CLOSE_TOO_MANY = 4430
USER_TOPICS = frozenset({Topic.USER_UPDATED, Topic.USER_DELETED, Topic.USER_DEPROVISIONED})

Closer = Callable[[int, str], Coroutine[Any, Any, Any]]
Key = tuple[uuid.UUID, uuid.UUID]


@dataclass(eq=False)
class Session:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    close: Closer
    browser: uuid.UUID | None = None
    """The browser session (cookie sign-in) the connection belongs to, if any."""
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


_open: dict[Key, set[Session]] = {}
_closing: set[asyncio.Task[Any]] = set()
_revoked: list[Callable[[uuid.UUID, uuid.UUID], None]] = []


def on_revoke(handler: Callable[[uuid.UUID, uuid.UUID], None]) -> Callable[[], None]:
    """`handler(tenant_id, user_id)` runs on every revocation of a user, sent by this process
    (at once) or another; returns the function that removes it."""
    _revoked.append(handler)
    return lambda: _revoked.remove(handler)


def _tell_revoked(tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    for handler in _revoked:
        handler(tenant_id, user_id)


def open_session(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    close: Closer,
    expires_at: float | None,
    browser: uuid.UUID | None = None,
) -> Session:
    """Register a signed-in connection; `close(code, reason)` ends it, at `expires_at` (epoch
    seconds) at the latest."""
    session = Session(tenant_id, user_id, close, browser)
    _open.setdefault((tenant_id, user_id), set()).add(session)
    if expires_at is not None:
        session.timer = asyncio.get_running_loop().call_later(
            max(expires_at - time.time(), 0.0), _end, session, CLOSE_EXPIRED, "Token expired"
        )
    return session


def forget(session: Session) -> None:
    """The connection ended on its own."""
    if session.timer is not None:
        session.timer.cancel()
    key = (session.tenant_id, session.user_id)
    sessions = _open.get(key)
    if sessions is not None:
        sessions.discard(session)
        if not sessions:
            del _open[key]


def count(tenant_id: uuid.UUID, user_id: uuid.UUID) -> int:
    return len(_open.get((tenant_id, user_id), ()))


def admit(tenant_id: uuid.UUID, user_id: uuid.UUID, limit: int) -> bool:
    """Whether the user may open one more connection in this process."""
    return count(tenant_id, user_id) < limit


def close_user(
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    code: int = CLOSE_REVOKED,
    reason: str = "Session revoked",
) -> int:
    """Close this process's connections of the user; how many there were."""
    sessions = list(_open.get((tenant_id, user_id), ()))
    for session in sessions:
        _end(session, code, reason)
    return len(sessions)


async def revoke_user(tenant_id: uuid.UUID, user_id: uuid.UUID) -> int:
    """Close every websocket connection of the user, in every server process: this one at once,
    the others as soon as the bus delivers the message (milliseconds). Returns how many were
    open in this process; raises if the message could not be sent to the others."""
    closed = close_user(tenant_id, user_id)
    _tell_revoked(tenant_id, user_id)
    current = bus.current()
    if current is not None:
        await current.send_control(
            {"type": "revoke", "tenant": str(tenant_id), "user": str(user_id)}
        )
    return closed


def close_browser(browser: uuid.UUID, reason: str = "Signed out") -> int:
    """Close this process's connections opened with one browser session; how many there were."""
    sessions = [s for group in _open.values() for s in group if s.browser == browser]
    for session in sessions:
        _end(session, CLOSE_REVOKED, reason)
    return len(sessions)


async def revoke_browser(browser: uuid.UUID) -> int:
    """Close the connections of one browser session (a sign-out) in every server process."""
    closed = close_browser(browser)
    current = bus.current()
    if current is not None:
        await current.send_control({"type": "revoke_browser", "browser": str(browser)})
    return closed


def handle_control(message: dict[str, Any]) -> None:
    """The bus's control handler: a revocation sent by any process."""
    if message.get("type") == "revoke":
        tenant_id, user_id = uuid.UUID(message["tenant"]), uuid.UUID(message["user"])
        _tell_revoked(tenant_id, user_id)
        closed = close_user(tenant_id, user_id)
        if closed:
            log.info("revoked %d connections of user %s", closed, message["user"])
    elif message.get("type") == "revoke_browser":
        close_browser(uuid.UUID(message["browser"]))


def handle_event(event: Event) -> None:
    """The bus's event handler: a change of a user or tenant this process has connections of
    may end them."""
    if event.topic == Topic.TENANT_STATUS_CHANGED:
        if event.payload.get("to") != TenantStatus.ACTIVE.value:
            close_tenant(event.tenant_id)
    elif event.topic in USER_TOPICS and any(key[0] == event.tenant_id for key in _open):
        _spawn(_check_quietly(event.tenant_id))


def close_tenant(tenant_id: uuid.UUID, reason: str = "Access ended") -> int:
    keys = [key for key in _open if key[0] == tenant_id]
    return sum(close_user(*key, reason=reason) for key in keys)


async def check_open(tenant_id: uuid.UUID | None = None) -> int:
    """Close connections whose user is no longer active or whose tenant is; how many. One
    query per table over this process's connections (of one tenant, or all)."""
    keys = [key for key in _open if tenant_id is None or key[0] == tenant_id]
    if not keys:
        return 0
    tenants = {key[0] for key in keys}
    active_tenants = set(
        await Tenant.filter(id__in=tenants, status=TenantStatus.ACTIVE).values_list("id", flat=True)
    )
    active_users = set(
        await across_tenants(User)
        .filter(id__in={key[1] for key in keys}, status=UserStatus.ACTIVE)
        .values_list("tenant_id", "id")
    )
    closed = 0
    for key in keys:
        if key[0] not in active_tenants or key not in active_users:
            closed += close_user(*key, reason="Access ended")
    if closed:
        log.info("closed %d websockets of disabled users or suspended tenants", closed)
    return closed


async def _check_quietly(tenant_id: uuid.UUID) -> None:
    try:
        await check_open(tenant_id)
    except Exception as exc:
        log.warning("could not check websocket users of tenant %s: %s", tenant_id, exc)


def _spawn(work: Coroutine[Any, Any, Any]) -> None:
    task = asyncio.get_running_loop().create_task(work)
    _closing.add(task)
    task.add_done_callback(_closing.discard)


def _end(session: Session, code: int, reason: str) -> None:
    forget(session)
    _spawn(session.close(code, reason))
