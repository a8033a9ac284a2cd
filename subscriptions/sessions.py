"""Open websocket connections per (tenant, user) in this process: closed when the token expires,
and on `revoke_user` from any process.

Close codes (the client should not simply reconnect with the same token):

- 4401 "Token expired": the access token's `exp` has passed. Get a new token, reconnect, and
  resubscribe with `after:` the last event id received; nothing is lost.
- 4403 "Session revoked" / "Signed out": the user was signed out (back-channel logout, or a
  sign-out of the browser session the connection came from) or disabled. Sign in again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from subscriptions import bus

log = logging.getLogger(__name__)

CLOSE_EXPIRED = 4401
CLOSE_REVOKED = 4403

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
        closed = close_user(uuid.UUID(message["tenant"]), uuid.UUID(message["user"]))
        if closed:
            log.info("revoked %d connections of user %s", closed, message["user"])
    elif message.get("type") == "revoke_browser":
        close_browser(uuid.UUID(message["browser"]))


def _end(session: Session, code: int, reason: str) -> None:
    forget(session)
    task = asyncio.get_running_loop().create_task(session.close(code, reason))
    _closing.add(task)
    task.add_done_callback(_closing.discard)
