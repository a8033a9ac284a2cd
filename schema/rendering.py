"""Each live event is rendered once per visibility class, not once per subscriber.

graphql-core runs a subscription's selection for every event it delivers, so 500 subscribers
of one tenant cost 500 renders of the same event. Subscribers whose render of an event must be
the same bytes share one render, serialised once with the end of its `next` message; each
subscription's `Outlet` writes its operation id and those bytes straight to its websocket, so
a delivery skips graphql-core's and strawberry's per-result steps (extension hooks, error
masking, the message's JSON) as well as the render. The bytes are the ones strawberry sends:
`{"id":…,"type":"next","payload":{"data":…}}` (no extension adds results to a subscription's
messages; one that did would need the general path).

Two subscribers are in the same **visibility class** for an event when all of these are equal:

- the event (its id; an id names one committed row, hence one tenant and one payload);
- the viewer's tenant (the hub's feeds are per tenant already; kept in the key all the same);
- the shape of what the subscription selects: the root field's response key and directives and
  its whole selection (fragments included), printed; not the root field's arguments (`after`,
  `topics`, `documentId`): they choose *which* events reach the subscriber, not how one renders;
- the values of the variables that selection reads (in directives and nested arguments);
- the viewer, as far as the selected types depend on it: only types listed in `SHARED_TYPES`
  may be shared, and each lists what of the viewer its fields read. `Event` reads nothing of
  the viewer: every field is a value of the committed row, and its payload holds ids and
  states, never form values (hidden fields are left out when the event is written).

Whether a subscriber gets the event at all is decided before rendering, per subscriber, by
the field's own rule (`allow`: the read rule, secrecy level and data scope; `userIds`), after
component access and the permission were checked at subscribe time; nothing is shared there.
A selection that touches a type not in `SHARED_TYPES` (a future typed payload carrying a
document with hidden fields, say) takes the general path: graphql-core renders it for each
subscriber and strawberry sends it; so does an event whose render produced errors (strawberry
masks and codes them), and any subscription run outside the websocket transport.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine, Hashable
from contextvars import ContextVar
from typing import Any, cast

import orjson
from aiohttp import ClientConnectionResetError, WSMsgType, web
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    print_ast,
    visit,
)
from prometheus_client import Counter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled import CompilingExecutor

SHARED_TYPES: dict[str, Callable[[Any], Hashable]] = {"Event": lambda context: ()}
"""Object types whose rendering may be shared, each with the part of the viewer (from the
connection's context) its fields depend on; `()`: none."""

KEEP = 4096
"""Renders kept (the newest), enough for every subscription shape of a burst of events."""

RENDERS = Counter(
    "officecloud_subscription_renders",
    "Subscription events rendered (selection executed and serialised), by whether the render "
    "may be shared by the subscribers of one visibility class.",
    ["shared"],
)
REUSES = Counter(
    "officecloud_subscription_render_reuses",
    "Subscription events delivered with a render made for another subscriber of the same "
    "visibility class.",
)

_renders: OrderedDict[tuple[int, str], bytes] = OrderedDict()
"""Per (event id, class key): the end of the `next` message, from `"type"` on, with the render."""

_NEXT = b',"type":"next","payload":{"data":'


class Outlet:
    """One subscription operation's websocket, for events whose render is shared: their `next`
    messages are written straight to the socket, the same bytes strawberry would send
    (`{"id":…,"type":"next","payload":{"data":…}}`), without graphql-core's and strawberry's
    per-result steps. The transport makes one per operation (`OUTLET`, in the context the
    operation's task starts with); its executor joins it when it is a subscription. The class
    key and the message's start are made on the first event: an idle subscription holds
    neither."""

    __slots__ = ("executor", "key", "operation_id", "prefix", "socket")

    def __init__(self, socket: web.WebSocketResponse, operation_id: str) -> None:
        self.socket = socket
        self.operation_id = operation_id
        self.executor: SharedRenders | None = None
        self.key: str | None = None
        """The subscription's part of the visibility class; None: nothing is shared."""
        self.prefix = b""

    def shared(self, event: Any, typed: Callable[[Any], Any]) -> bytes | None:
        """The end of the `next` message of `event` (anything with an integer `id`) for this
        subscription's class, rendered once per class with `typed(event)` as the root value;
        None when the render may not be shared or has errors: the general path renders it
        for this subscriber alone."""
        executor = self.executor
        if executor is None:
            return None
        if not self.prefix:
            self.key = class_key(executor)
            self.prefix = b'{"id":' + orjson.dumps(self.operation_id)
        key = self.key
        if key is None:
            return None
        index = (event.id, key)
        done = _renders.get(index)
        if done is not None:
            REUSES.inc()
            return done
        once = super(SharedRenders, executor).build_per_event_executor(typed(event))
        result = once.execute_operation(False)
        if executor.is_awaitable(result):
            cast(Coroutine[Any, Any, Any], result).close()  # shareable types resolve at once
            return None
        if not isinstance(result, ExecutionResult) or result.errors:
            return None
        RENDERS.labels("yes").inc()
        done = _renders[index] = _NEXT + orjson.dumps(result.data) + b"}}"
        if len(_renders) > KEEP:
            _renders.popitem(last=False)
        return done

    async def send(self, end: bytes) -> bool:
        """Write one `next` message; False when the socket is closing (the connection's end
        cancels the operation)."""
        try:
            await self.socket.send_frame(self.prefix + end, WSMsgType.TEXT)
        except (RuntimeError, ClientConnectionResetError):
            return False
        return True


OUTLET: ContextVar[Outlet | None] = ContextVar("subscription_outlet", default=None)


class SharedRenders(CompilingExecutor):
    """The schema's execution context: registered queries by their compiled plan
    (`schema/compiled/`); a subscription joins its operation's `Outlet`, so its events are
    rendered once per visibility class and written as shared bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outlet = OUTLET.get()
        if outlet is not None and self.operation.operation == OperationType.SUBSCRIPTION:
            outlet.executor = self

    def build_per_event_executor(self, payload: Any) -> Any:
        """The general path: this subscriber's own render."""
        RENDERS.labels("no").inc()
        return super().build_per_event_executor(payload)


def class_key(executor: StrawberryGraphQLCoreExecutionContext) -> str | None:
    """The subscription's part of the visibility class (see the module's docstring), or None
    when its renders may not be shared."""
    viewer = getattr(executor.context_value, "viewer", None)
    operation = executor.operation
    if viewer is None or operation.operation.value != "subscription":
        return None
    selections = operation.selection_set.selections
    root = selections[0] if len(selections) == 1 else None
    if not isinstance(root, FieldNode):
        return None
    schema: GraphQLSchema = executor.schema
    subscription = schema.subscription_type
    if subscription is None or root.name.value not in subscription.fields:
        return None
    named = get_named_type(subscription.fields[root.name.value].type)
    fragments: dict[str, Any] = {}
    types: set[str] = set()
    if not isinstance(named, GraphQLObjectType) or not _shareable(
        executor, named, root.selection_set, fragments, types
    ):
        return None
    outside_root_arguments = [
        *(root.directives or ()),
        *([root.selection_set] if root.selection_set else []),
        *fragments.values(),
    ]
    read = sorted({v for node in outside_root_arguments for v in _variables(node)})
    values = {name: executor.variable_values.coerced.get(name) for name in read}
    shape = "\n".join(
        [
            (root.alias or root.name).value,
            *(print_ast(d) for d in root.directives or ()),
            print_ast(root.selection_set) if root.selection_set else "",
            *(print_ast(fragments[name]) for name in sorted(fragments)),
        ]
    )
    viewer_part = tuple((t, SHARED_TYPES[t](executor.context_value)) for t in sorted(types))
    variables = orjson.dumps(values, option=orjson.OPT_SORT_KEYS, default=str).decode()
    return f"{viewer.tenant.id}\n{viewer_part!r}\n{variables}\n{shape}"


def _shareable(
    executor: StrawberryGraphQLCoreExecutionContext,
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, Any],
    types: set[str],
) -> bool:
    """Every object type the selection reaches is in `SHARED_TYPES`."""
    if parent.name not in SHARED_TYPES:
        return False
    types.add(parent.name)
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name == "__typename":
                continue
            field = parent.fields.get(name)
            if field is None:
                return False
            named = get_named_type(field.type)
            if isinstance(named, GraphQLObjectType):
                if not _shareable(executor, named, selection.selection_set, fragments, types):
                    return False
            elif selection.selection_set is not None:
                return False  # interfaces and unions: not shared
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is not None and condition.name.value != parent.name:
                return False
            if not _shareable(executor, parent, selection.selection_set, fragments, types):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            fragment = executor.fragment_definitions.get(selection.name.value)
            if fragment is None or fragment.type_condition.name.value != parent.name:
                return False
            if selection.name.value not in fragments:
                fragments[selection.name.value] = fragment
                if not _shareable(executor, parent, fragment.selection_set, fragments, types):
                    return False
    return True


def _variables(node: Any) -> set[str]:
    found: set[str] = set()

    class Names(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            found.add(variable.name.value)

    visit(node, Names())
    return found
