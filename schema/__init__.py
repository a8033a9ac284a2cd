"""The GraphQL surface: types, inputs, enums and the root operation types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from strawberry.types.base import get_object_definition
from strawberry.types.graphql import OperationType

from schema.audit import AuditQuery
from schema.bookings.mutations import BookingMutation
from schema.bookings.queries import BookingQuery
from schema.calendar.mutations import CalendarMutation
from schema.calendar.queries import CalendarQuery
from schema.circulation.mutations import CirculationMutation
from schema.circulation.queries import CirculationQuery
from schema.directory.mutations import DirectoryMutation
from schema.directory.queries import DirectoryQuery
from schema.documents.delegations import DelegationRuleQuery
from schema.documents.mutations import DocumentMutation
from schema.documents.queries import DocumentQuery
from schema.events import EventSubscription
from schema.exchange.mutations import ExchangeMutation
from schema.exchange.queries import ExchangeQuery
from schema.extensions import extensions
from schema.flows import FlowMutation, FlowQuery
from schema.forms import FormMutation, FormQuery
from schema.metrics import OperationMetrics
from schema.nodes import LoadedNode
from schema.notices.mutations import NoticeMutation
from schema.notices.queries import NoticeQuery
from schema.notifications.mutations import NotificationMutation
from schema.notifications.queries import NotificationQuery
from schema.operations import OperationMutation
from schema.portal.mutations import PortalMutation
from schema.portal.queries import PortalQuery
from schema.publications.mutations import PublicationMutation
from schema.publications.queries import PublicationQuery
from schema.rendering import SharedRenders
from schema.search import SearchQuery
from schema.sso.access import ComponentAccess
from schema.sso.mutations import SsoMutation
from schema.sso.queries import SsoQuery
from schema.stats.queries import StatsQuery
from schema.tenants.mutations import TenantMutation
from schema.tenants.queries import TenantQuery
from schema.usage.mutations import UsageMutation
from schema.usage.queries import UsageQuery
from schema.viewer import ViewerQuery
from schema.workdays.mutations import WorkdayMutation
from schema.workdays.queries import WorkdayQuery


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global id; null if the viewer may not see it, or if it "
        "is of a type that is not fetched by id. A malformed id is an error."
    )
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="Global id of any object (as returned in an `id` field)."
            ),
        ],
    ) -> relay.Node | None:
        try:
            node_type = id.resolve_type(info)
        except GlobalIDValueError:
            return None
        if not issubclass(node_type, LoadedNode):
            return None
        return await id.resolve_node(info)


Query = merge_types(
    "Query",
    (
        NodeQuery,
        ViewerQuery,
        TenantQuery,
        DirectoryQuery,
        FormQuery,
        FlowQuery,
        DocumentQuery,
        DelegationRuleQuery,
        PortalQuery,
        SsoQuery,
        ExchangeQuery,
        StatsQuery,
        UsageQuery,
        AuditQuery,
        WorkdayQuery,
        NoticeQuery,
        PublicationQuery,
        SearchQuery,
        CalendarQuery,
        BookingQuery,
        CirculationQuery,
        NotificationQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        TenantMutation,
        DirectoryMutation,
        FormMutation,
        FlowMutation,
        DocumentMutation,
        PortalMutation,
        SsoMutation,
        ExchangeMutation,
        UsageMutation,
        WorkdayMutation,
        NoticeMutation,
        PublicationMutation,
        CalendarMutation,
        BookingMutation,
        CirculationMutation,
        NotificationMutation,
        OperationMutation,
    ),
)
Subscription = merge_types("Subscription", (EventSubscription,))
for _root, _about in (
    (Query, "The entry points for reading; every field answers only what the viewer may see."),
    (
        Mutation,
        "The entry points for changing: each takes one `input` and answers a payload with "
        "the changed objects and `errors: [UserError!]!` (a mutation with errors changed nothing).",
    ),
    (
        Subscription,
        "Live events over websockets (graphql-transport-ws, authenticated in connection_init); "
        "`after:` replays what was missed, then goes live.",
    ),
):
    get_object_definition(_root, strict=True).description = _about  # merge_types takes none


class Schema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Logged (once, with the request id) by `ErrorCodes`."""

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Plain HTTP never runs a subscription (400): they run over websockets, where
        expiry and revocation close them."""
        allowed = set(allowed_operation_types or OperationType) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )


def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    max_page_size: int = 100,
    introspection: bool = True,
) -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            OperationMetrics,
            *extensions(
                max_depth=max_depth,
                max_aliases=max_aliases,
                max_tokens=max_tokens,
                introspection=introspection,
            ),
            ComponentAccess,
        ],
        config=StrawberryConfig(relay_max_results=max_page_size),
        execution_context_class=SharedRenders,
    )
