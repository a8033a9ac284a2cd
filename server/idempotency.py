"""Idempotent mutations over HTTP. A client that may retry a mutation (its connection dropped,
it got a 503) sends a key of its choosing in `Idempotency-Key` (1–255 visible ASCII
characters, e.g. a UUID). The first request with a key runs the whole operation in ONE
transaction with the key and its response (`services/idempotency.py`): effects, key and
response commit together or not at all. A request with the same key from the same user within
`OFFICECLOUD_IDEMPOTENCY_HOURS` (24) then gets that response again, byte for byte, with
`Idempotent-Replayed: true`, and nothing runs; the same key with a different operation or
variables is refused (422 `IDEMPOTENCY_KEY_REUSED`). A request that ended in an unexpected
error (500, 503) is rolled back and not remembered, so its retry runs again. Concurrent
duplicates: one runs, the others wait for it and get its response.

Queries ignore the header; a key needs a signed-in user; only `POST` carries mutations."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from aiohttp import web
from graphql import OperationType, get_operation_ast, parse
from graphql.error import GraphQLError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from i18n import _
from resolvers.context import Context
from server.refusals import Refused
from services import idempotency
from services.documents.storage import Incoming
from services.uow import transaction

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAY = web.ResponseKey("idempotent_replay", bytes)
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
UNEXPECTED = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})


class _Abandon(Exception):
    """The operation failed unexpectedly: roll back, the key included."""

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result


def key_of(request: web.Request, data: object, context: Context) -> str | None:
    """The request's key, when it is a signed-in mutation that sent one."""
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST" or context.viewer is None:
        return None
    if not isinstance(data, GraphQLRequestData) or not _is_mutation(data):
        return None
    if not _KEY.match(key):
        raise Refused(
            400,
            _("{HEADER} must be 1 to 255 visible ASCII characters", HEADER=HEADER),
            "BAD_REQUEST",
        )
    return key


async def run(
    key: str,
    context: Context,
    data: GraphQLRequestData,
    response: web.Response,
    keep: timedelta,
    execute: Callable[[], Awaitable[Any]],
    encode: Callable[[ExecutionResult], Awaitable[GraphQLHTTPResponse]],
) -> ExecutionResult:
    actor, viewer = context.actor, context.viewer
    assert actor is not None
    assert viewer is not None
    try:
        async with transaction(actor):
            row, first = await idempotency.claim(
                actor.tenant_id,
                viewer.user.id,
                key,
                _fingerprint(data),
                now=datetime.now(UTC),
                keep=keep,
            )
            if first is not None:
                response[REPLAY] = first.encode()
                response.headers[REPLAYED_HEADER] = "true"
                return ExecutionResult(data=None, errors=None)
            result = await execute()
            encoded = await encode(result)
            if any(_code(e) in UNEXPECTED for e in encoded.get("errors") or ()):
                raise _Abandon(result)
            await idempotency.remember(row, orjson.dumps(encoded).decode())
            return result
    except idempotency.KeyReused as exc:
        raise Refused(422, exc.problems[0].message, "IDEMPOTENCY_KEY_REUSED") from exc
    except _Abandon as abandoned:
        return abandoned.result


def _is_mutation(data: GraphQLRequestData) -> bool:
    if not isinstance(data.query, str):
        return False
    try:
        operation = get_operation_ast(parse(data.query), data.operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation == OperationType.MUTATION


def _fingerprint(data: GraphQLRequestData) -> str:
    """The operation as sent; an uploaded file counts by its name, type and content hash."""
    body = orjson.dumps(
        [data.query, data.operation_name, data.variables],
        default=_upload,
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(body).hexdigest()


def _upload(value: object) -> object:
    if isinstance(value, Incoming):
        return [value.name, value.content_type, value.sha256]
    raise TypeError(type(value).__name__)


def _code(error: Any) -> str | None:
    return ((error.get("extensions") or {}) if isinstance(error, dict) else {}).get("code")
