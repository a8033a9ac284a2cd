"""A request that needs a service which is down (the database, the blob store, Redis) answers
503 with `Retry-After` and a JSON GraphQL error `SERVICE_UNAVAILABLE`, on every route: the
client can tell a retryable outage from a bug (500 `INTERNAL_SERVER_ERROR`). GraphQL results
whose errors say so get the same status in `server/view.py`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from aiohttp import web

from i18n import _
from i18n.catalogues import negotiate, translate
from server.logs import REQUEST_ID
from services.errors import RETRY_AFTER_SECONDS, is_outage

log = logging.getLogger("officecloud.outages")
CODE = "SERVICE_UNAVAILABLE"
MESSAGE = _("A service the server depends on is unavailable; retry shortly")


def unavailable(request_id: str, message: str = MESSAGE) -> web.Response:
    error = {
        "message": message,
        "extensions": {"code": CODE, "retryAfter": RETRY_AFTER_SECONDS, "requestId": request_id},
    }
    return web.Response(
        status=503,
        body=orjson.dumps({"errors": [error]}),
        content_type="application/json",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def says_unavailable(data: Mapping[str, Any]) -> bool:
    """A GraphQL result with a `SERVICE_UNAVAILABLE` error."""
    return any(
        (error.get("extensions") or {}).get("code") == CODE for error in data.get("errors") or ()
    )


@web.middleware
async def outage_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("service unavailable for %s %s: %r", request.method, request.path, exc)
        language = negotiate(request.headers.get("Accept-Language"))
        return unavailable(request.get(REQUEST_ID, ""), translate(MESSAGE, language))
