"""Limits against exhaustion that are not GraphQL's: a deadline for request bodies (a client
trickling bytes would hold a connection and a handler forever), and the websocket cap per user
(`server/view.py`, counted by `subscriptions/sessions.py`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware

from i18n import _
from i18n.catalogues import negotiate, translate

log = logging.getLogger("officecloud.limits")
BODY_DEADLINE = web.RequestKey("body_deadline", float)
"""Loop time by which a multipart body must have been read (`server/files.py` streams it)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def body_timeout(seconds: float) -> Middleware:
    """A body must arrive within `seconds`, else 408 and the connection is closed. Plain bodies
    (at most `client_max_size`) are read here; multipart ones are streamed to disk by the view
    under the same deadline."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.body_exists:
            return await handler(request)
        if request.content_type.startswith("multipart/"):
            request[BODY_DEADLINE] = asyncio.get_running_loop().time() + seconds
            return await handler(request)
        try:
            async with asyncio.timeout(seconds):
                await request.read()
        except TimeoutError:
            return body_too_slow(request, seconds)
        return await handler(request)

    return middleware


def body_too_slow(request: web.Request, seconds: float) -> web.Response:
    log.warning("request body from %s not received within %.0fs", request.remote, seconds)
    message = translate(
        _("The request body did not arrive within {seconds:g} seconds", seconds=seconds),
        negotiate(request.headers.get("Accept-Language")),
    )
    response = web.Response(
        status=408,
        body=orjson.dumps({"errors": [{"message": message, "extensions": {"code": "TIMEOUT"}}]}),
        content_type="application/json",
    )
    response.force_close()
    return response
