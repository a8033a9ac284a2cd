"""Each live event is rendered once per visibility class, not once per subscriber.

graphql-core runs a subscription's selection for every event it delivers, so 500 subscribers
of one tenant cost 500 renders of the same event. Subscribers whose render of an event must be
the same bytes share one render, serialised once (an `orjson.Fragment` the transport embeds).

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
document with hidden fields, say) is rendered per subscriber, as before; so is a render that
produced errors.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import orjson
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
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
from schema.events import Event

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

_renders: OrderedDict[tuple[int, str], ExecutionResult] = OrderedDict()


class _Rendered:
    """What graphql-core's per-event step calls, for an event already rendered."""

    __slots__ = ("result",)

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self.result


class SharedRenders(CompilingExecutor):
    """The schema's execution context: registered queries by their compiled plan
    (`schema/compiled/`), subscription events rendered once per visibility class."""

    _class_key: str | None = None
    _keyed = False

    def build_per_event_executor(self, payload: Any) -> Any:
        if not self._keyed:
            self._class_key = class_key(self)
            self._keyed = True
        key = self._class_key
        if key is None or not isinstance(payload, Event):
            RENDERS.labels("no").inc()
            return super().build_per_event_executor(payload)
        index = (int(payload.id), key)
        done = _renders.get(index)
        if done is not None:
            REUSES.inc()
            return _Rendered(done)
        executor = super().build_per_event_executor(payload)
        result = executor.execute_operation(False)
        if self.is_awaitable(result) or not isinstance(result, ExecutionResult):
            RENDERS.labels("no").inc()
            return _Rendered(result)  # type: ignore[arg-type]
        RENDERS.labels("yes").inc()
        if result.errors:
            return _Rendered(result)
        shared = ExecutionResult(data=orjson.Fragment(orjson.dumps(result.data)))  # type: ignore[arg-type]
        _renders[index] = shared
        if len(_renders) > KEEP:
            _renders.popitem(last=False)
        return _Rendered(shared)


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
