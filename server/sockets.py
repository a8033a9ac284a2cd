"""The websockets open in THIS process, per user and per browser session, so a sign-out can
close them.

`close_user_sockets` is the one entry point the rest of the code uses; it is meant to be pointed
at the process-wide registry (`subscriptions.sessions.revoke_user`, which reaches every server
process through the bus) once that exists. Until then it closes only this process's sockets.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections import defaultdict

from aiohttp import web

SIGNED_OUT = 4401
"""Close code for a socket whose user signed out or whose session was revoked."""

_by_user: defaultdict[tuple[uuid.UUID, uuid.UUID], weakref.WeakSet[web.WebSocketResponse]] = (
    defaultdict(weakref.WeakSet)
)
_by_session: defaultdict[uuid.UUID, weakref.WeakSet[web.WebSocketResponse]] = defaultdict(
    weakref.WeakSet
)


def track(
    socket: web.WebSocketResponse,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    session_id: uuid.UUID | None,
) -> None:
    _by_user[(tenant_id, user_id)].add(socket)
    if session_id is not None:
        _by_session[session_id].add(socket)


async def close_user_sockets(
    tenant_id: uuid.UUID, user_id: uuid.UUID, reason: str = "Signed out"
) -> int:
    """Close every websocket of this user (in this process); returns how many were open."""
    return await _close(_by_user.pop((tenant_id, user_id), None), reason)


async def close_session_sockets(session_id: uuid.UUID, reason: str = "Session ended") -> int:
    return await _close(_by_session.pop(session_id, None), reason)


_closing: set[asyncio.Task[bool]] = set()


async def _close(sockets: weakref.WeakSet[web.WebSocketResponse] | None, reason: str) -> int:
    """Start closing (the close handshake waits for each client, so the caller does not)."""
    live = [s for s in (sockets or ()) if not s.closed]
    for socket in live:
        task = asyncio.create_task(socket.close(code=SIGNED_OUT, message=reason.encode()[:120]))
        _closing.add(task)
        task.add_done_callback(_closing.discard)
    return len(live)
