"""graphql-transport-ws as the view speaks it: the query size cap and the trusted documents of
HTTP requests on `subscribe`, refusals in the connection's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from i18n import _
from i18n.catalogues import translate
from resolvers.context import Context
from schema import rendering
from server import operations
from server.refusals import Refused

if TYPE_CHECKING:
    from server.view import GraphQLView


def query_size_error(query: object, limit: int) -> Refused | None:
    """Documents are capped before parsing: the token limit does not count comments (nor the
    length of strings), so a large comment-only query would otherwise cost CPU to lex."""
    if isinstance(query, str) and len(query) > limit // 4 and len(query.encode()) > limit:
        return Refused(
            413,
            _("The query document is larger than {limit} bytes", limit=limit),
            "QUERY_TOO_LARGE",
        )
    return None


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with the query size cap of HTTP requests, and each operation's
    `Outlet`: a subscription's shared renders are written straight to the socket."""

    view: GraphQLView

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        self.connection_init_timeout_task = None  # done: not kept for the connection's life

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload") or {}
        refused = query_size_error(payload.get("query"), self.view.max_query_bytes)
        if not refused and self.view.trusted is not None:
            try:
                payload["query"] = await self.view.trusted.resolve(
                    payload.get("query"), payload.get("extensions"), payload.get("documentId")
                )
            except operations.Unknown as exc:
                refused = Refused(400, exc.message, exc.code)
        if refused and self.connection_acknowledged:
            reason = translate(refused.reason, self.context.language)
            error: Any = {"message": reason, "extensions": {"code": refused.code}}
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[error]))
            return
        # the operation's task starts with a copy of this context: the outlet is its alone
        outlet = rendering.OUTLET.set(rendering.Outlet(self.context.response, message["id"]))
        try:
            await super().handle_subscribe(message)
        finally:
            rendering.OUTLET.reset(outlet)
