"""Graceful shutdown. On SIGTERM aiohttp stops accepting connections and closes idle ones; then
`draining` (an `on_shutdown` handler) marks the process as draining, so every response still
sent says `Connection: close` and `/readyz` answers 503, and closes every GraphQL websocket with
1001 "going away" (clients reconnect elsewhere and resume with `after:`). Requests in flight
get `OFFICECLOUD_SHUTDOWN_DRAIN_SECONDS` (`run_app`'s shutdown timeout) to finish; the
background loops and connections stop after them."""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

from aiohttp import WSCloseCode, web

log = logging.getLogger("officecloud.lifecycle")
GOING_AWAY = "Server shutting down"


@dataclass
class Drain:
    started: bool = False
    sockets: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)


DRAIN = web.AppKey("drain", Drain)


def install(app: web.Application) -> None:
    app[DRAIN] = Drain()
    app.on_response_prepare.append(_connection_close)
    app.on_shutdown.append(_draining)


def track(request: web.Request, socket: web.WebSocketResponse) -> None:
    """A websocket to close with 1001 when the process shuts down."""
    request.config_dict[DRAIN].sockets.add(socket)


async def _connection_close(request: web.Request, response: web.StreamResponse) -> None:
    if request.config_dict[DRAIN].started and not isinstance(response, web.WebSocketResponse):
        response.force_close()
        response.headers["Connection"] = "close"  # headers are prepared before this hook


async def _draining(app: web.Application) -> None:
    drain = app[DRAIN]
    drain.started = True
    sockets = [s for s in drain.sockets if not s.closed]
    log.info("shutting down: draining requests, closing %d websockets", len(sockets))
    await asyncio.gather(
        *(s.close(code=WSCloseCode.GOING_AWAY, message=GOING_AWAY.encode()) for s in sockets),
        return_exceptions=True,
    )
