"""strawberry's aiohttp view, extended for our context, auth and GraphQL-over-HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

import orjson
from aiohttp import web
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from strawberry.aiohttp.views import GraphQLView as BaseView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from auth.authenticator import Authenticator
from auth.clients import Network, RateLimiter, client_address
from auth.errors import AuthError
from i18n import _
from i18n.catalogues import negotiate, translate
from resolvers.context import Context
from server import graphiql, idempotency, lifecycle, operations
from server.files import preflighted, read_multipart
from server.limits import BODY_DEADLINE
from server.logs import REQUEST_ID
from server.metrics import WEBSOCKETS
from server.outages import says_unavailable
from server.refusals import Refused
from server.tenant_rate import TenantRate
from server.transport_ws import TransportWS, query_size_error
from services import usage
from services.documents.attachments import AttachmentPolicy
from services.documents.storage import Incoming
from services.errors import RETRY_AFTER_SECONDS
from subscriptions import sessions

log = logging.getLogger("officecloud.view")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
ACCEPT = web.ResponseKey("accept", str)
UPLOADS: web.RequestKey[list[Incoming]] = web.RequestKey("uploads", list)
SESSION = web.RequestKey("session", sessions.Session)


class GraphQLView(BaseView[Context, None]):
    graphql_transport_ws_handler_class = TransportWS

    def __init__(
        self,
        schema: BaseSchema,
        *,
        authenticator: Authenticator,
        attachments: AttachmentPolicy,
        csrf_header: str = "X-CSRF-Token",
        dev_mode: bool,
        max_page: int,
        max_subscriptions: int,
        max_query_bytes: int,
        max_websockets_per_user: int = 20,
        idempotency_keep: timedelta = timedelta(hours=24),
        limiter: RateLimiter | None = None,
        trusted_proxies: list[Network] | None = None,
        tenant_rate_window: int = 60,
        trusted: operations.TrustedDocuments | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if dev_mode else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=max_subscriptions,
            multipart_uploads_enabled=True,
        )
        self.authenticator = authenticator
        self.attachments = attachments
        self.csrf_header = csrf_header
        self.max_page = max_page
        self.dev_mode = dev_mode
        self.max_query_bytes = max_query_bytes
        self.max_websockets_per_user = max_websockets_per_user
        self.idempotency_keep = idempotency_keep
        self.limiter = limiter
        self.trusted_proxies = trusted_proxies or []
        self.tenant_rate = TenantRate(limiter, tenant_rate_window)
        self.trusted = trusted

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            with WEBSOCKETS.track_inprogress():
                return await self._call(request)
        return await self._call(request)

    async def _call(self, request: web.Request) -> web.StreamResponse:
        """Refusals before the operation runs, as JSON errors in the request's language."""
        language = negotiate(request.headers.get("Accept-Language"))
        try:
            return await self.run(request=request)
        except AuthError as exc:
            headers = {}
            if exc.status == 401:
                reason = exc.message.replace('"', "'")
                headers["WWW-Authenticate"] = (
                    f'Bearer error="invalid_token", error_description="{reason}"'
                )
            message = translate(exc.message, language)
            return _error_response(exc.status, message, exc.code, headers)
        except HTTPException as exc:
            if request.method == "GET" and "not allowed when using GET" in exc.reason:
                return _error_response(405, exc.reason, "METHOD_NOT_ALLOWED", {"Allow": "POST"})
            code = getattr(exc, "code", "BAD_REQUEST")
            message = translate(exc.reason, language)
            return _error_response(exc.status_code, message, code, getattr(exc, "headers", {}))
        finally:
            for upload in request.get(UPLOADS, ()):
                upload.discard()
            if SESSION in request:
                sessions.forget(request[SESSION])

    async def execute_operation(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: web.Response,
    ) -> Any:
        """A mutation sent with `Idempotency-Key` runs once (`server/idempotency.py`)."""

        def execute() -> Any:
            return super(GraphQLView, self).execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

        key = idempotency.key_of(request, request_data, context)
        if key is None:
            return await execute()
        assert isinstance(request_data, GraphQLRequestData)
        return await idempotency.run(
            key,
            context,
            request_data,
            sub_response,
            self.idempotency_keep,
            execute,
            lambda result: self.process_result(request, result),
        )

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        """Files are spooled to disk with limits (stock strawberry keeps them in memory), and
        only requests that passed a CORS preflight may post them."""
        raw: web.Request = cast(Any, request).request
        if not preflighted(raw):
            raise HTTPException(
                400,
                _("Multipart requests need a GraphQL-Require-Preflight header (CSRF protection)"),
            )
        try:
            async with asyncio.timeout_at(raw.get(BODY_DEADLINE)):
                form, files = await read_multipart(raw, self.attachments)
        except TimeoutError as exc:
            raise Refused(408, _("The request body did not arrive in time"), "TIMEOUT") from exc
        raw[UPLOADS] = list(files.values())
        operations = self.parse_json(form.get("operations", "{}"))
        files_map = self.parse_json(form.get("map", "{}"))
        try:
            return replace_placeholders_with_files(operations, files_map, files)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError) as exc:
            raise HTTPException(400, _("The multipart request does not follow the spec")) from exc

    def decode_json(self, data: str | bytes) -> object:
        """orjson: it refuses invalid UTF-8 and lone surrogates, and nesting deeper than 1024
        levels, with a `JSONDecodeError` (a 400), where `json` raised RecursionError (a 500)."""
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """Bodies, `operations` and `map` of multipart requests, and GET `variables` and
        `extensions` are JSON objects (a list is a batch, refused later)."""
        value = super().parse_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(400, _("Expected a JSON object"))
        return value

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        data = await super().parse_http_body(request)
        assert isinstance(data, GraphQLRequestData)  # batching is off
        if refused := query_size_error(data.query, self.max_query_bytes):
            raise refused
        if self.trusted is None:
            return data
        document_id = None
        multipart = (request.content_type or "").startswith("multipart/")
        if not data.query and not multipart:  # `documentId` sits beside `query` (GET: a parameter)
            fields = (
                request.query_params
                if request.method == "GET"
                else self.parse_json(await request.get_body())
            )
            document_id = fields.get("documentId") if isinstance(fields, Mapping) else None
        try:
            data.query = await self.trusted.resolve(data.query, data.extensions, document_id)
        except operations.Unknown as exc:
            raise Refused(
                404 if exc.code == operations.NOT_FOUND else 400, exc.message, exc.code
            ) from exc
        return data

    async def get_context(self, request: web.Request, response: Any) -> Context:
        is_socket = isinstance(response, web.WebSocketResponse)
        viewer = (
            None
            if is_socket
            else await self.authenticator.request_viewer(
                request.method, request.headers, request.cookies, self.csrf_header
            )
        )
        if viewer is not None:
            await self.tenant_rate.meter(viewer.tenant.id)
        return Context(
            viewer=viewer,
            request_id=request.get(REQUEST_ID, ""),
            request=request,
            response=response,
            max_page=self.max_page,
            attachments=self.attachments,
            dev_mode=self.dev_mode,
            client_address=client_address(
                request.remote, request.headers.get("X-Forwarded-For"), self.trusted_proxies
            ),
            limiter=self.limiter,
            language=negotiate(request.headers.get("Accept-Language")),
        )

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate in `connection_init`: `{"authorization": "Bearer …"}`, or, with the
        session cookie, `{"csrfToken": "…"}`."""
        params = context.connection_params or {}
        if isinstance(params.get("language"), str):
            context.language = negotiate(params["language"])
        try:
            viewer = await self.authenticator.socket_viewer(params, context.request.cookies)
        except AuthError as exc:
            message = translate(exc.message, context.language)
            raise ConnectionRejectionError({"message": message}) from exc
        context.connection_params = None  # the token, no longer needed, kept per connection
        if viewer is None:
            raise ConnectionRejectionError(
                {"message": translate(_("Send authorization in connection_init"), context.language)}
            )
        socket = context.response
        if not sessions.admit(viewer.tenant.id, viewer.user.id, self.max_websockets_per_user):
            await socket.close(code=sessions.CLOSE_TOO_MANY, message=b"Too many connections")
            raise ConnectionRejectionError(
                {"message": translate(_("Too many connections"), context.language)}
            )
        usage.requests.add(viewer.tenant.id, usage.Meter.WEBSOCKET_CONNECTIONS)
        context.viewer = viewer
        context.__post_init__()
        context.request[SESSION] = sessions.open_session(
            viewer.tenant.id,
            viewer.user.id,
            lambda code, reason: socket.close(code=code, message=reason.encode()),
            viewer.expires_at,
            viewer.session_id,
        )
        return {"viewer": str(viewer.user.id)}

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        """No permessage-deflate: events are small, and with it each connection of a client
        that offers it (browsers do) held ~100 KiB more and every frame cost more CPU
        (bench/README.md)."""
        ws = web.WebSocketResponse(
            protocols=[subprotocol] if subprotocol else [], heartbeat=30, compress=False
        )
        await ws.prepare(request)
        lifecycle.track(request, ws)
        return ws

    def encode_json(self, data: object) -> str:
        """Text, because websocket frames must be text frames."""
        return orjson.dumps(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        """GraphQL over HTTP: `application/graphql-response+json` when the client accepts it,
        with 400 for requests that could not be executed at all (parse or validation)."""
        media = GRAPHQL_RESPONSE if _accepts_graphql_response(sub_response) else JSON
        if idempotency.REPLAY in sub_response:
            sub_response.body = sub_response[idempotency.REPLAY]
            sub_response.content_type = media
            sub_response.charset = "utf-8"
            return sub_response
        if (
            media == GRAPHQL_RESPONSE
            and isinstance(response_data, Mapping)
            and response_data.get("data") is None
            and _request_errors(response_data)
        ):
            sub_response.set_status(400)
            response_data = cast(
                GraphQLHTTPResponse, {k: v for k, v in response_data.items() if k != "data"}
            )
        if isinstance(response_data, Mapping) and says_unavailable(response_data):
            sub_response.set_status(503)
            sub_response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        sub_response.body = orjson.dumps(response_data)
        sub_response.content_type = media
        sub_response.charset = "utf-8"
        return sub_response

    async def render_graphql_ide(self, request: web.Request) -> web.Response:
        return web.Response(text=graphiql.page(), content_type="text/html")

    async def get_sub_response(self, request: web.Request) -> web.Response:
        response = web.Response()
        response[ACCEPT] = request.headers.get("Accept", "")
        return response


def _accepts_graphql_response(response: web.Response) -> bool:
    """True when the Accept header ranks graphql-response+json at least as high as json."""
    ranks: dict[str, float] = {}
    for item in response.get(ACCEPT, "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            ranks[media.lower()] = float(q)
        except ValueError:
            ranks[media.lower()] = 0.0
    wanted = ranks.get(GRAPHQL_RESPONSE, 0.0)
    return wanted > 0 and wanted >= ranks.get(JSON, 0.0)


def _request_errors(data: Mapping[str, Any]) -> bool:
    errors = data.get("errors") or []
    return bool(errors) and all("path" not in e for e in errors)


def _error_response(
    status: int, message: str, code: str, headers: Mapping[str, str] | None = None
) -> web.Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return web.Response(
        status=status, body=orjson.dumps(body), content_type=JSON, headers=headers or {}
    )
