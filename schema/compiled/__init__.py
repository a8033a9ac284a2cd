"""Compiled plans for registered operations (trusted documents): graphql-core's per-field walk
replaced by a plan built once per operation, over the very same resolvers and loaders.

A plan is a tree of (response key, how to get the value, how to complete it) per selected
object type. Plain attribute fields are read with `attrgetter`, leaves are serialised by the
GraphQL type's own `serialize`, a Node's `id` is encoded as strawberry's resolver would, and
every other field calls the resolve function graphql-core would call (strawberry's wrapper:
argument conversion, field extensions, the resolver itself) with the same `info`. Sibling
resolver fields and list items are awaited together, as graphql-core does, so DataLoaders
batch the same way and the statements are the same.

Whatever a plan does not handle makes it give way to normal execution of the same operation:
at compile time (not a query, a directive, an introspection field, a field middleware) the
operation is never compiled; at run time (any exception, a null in a non-null position, an
unexpected runtime type) the partial result is dropped and graphql-core runs the operation
(reads only, so running again is safe; the request's loaders keep what they read). Errors
therefore always come from the general path, and so do their bytes.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from prometheus_client import Counter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled.compiler import Compiler
from schema.compiled.plan import ObjectPlan


class Plans:
    """Plans by operation node (the parser cache hands the same node to every request of a
    text), one table per schema."""

    MAX = 1024

    def __init__(self) -> None:
        self._plans: dict[int, tuple[Any, Any, ObjectPlan | None]] = {}

    def get(self, executor: Any) -> ObjectPlan | None:
        operation = executor.operation
        found = self._plans.get(id(operation))
        if found is not None and found[0] is operation and found[1] is executor.schema:
            return found[2]
        if len(self._plans) >= self.MAX:
            self._plans.clear()
        plan = None
        if not getattr(executor.middleware_manager, "middlewares", None):
            plan = Compiler(executor.schema, executor.fragment_definitions, operation).root()
        self._plans[id(operation)] = (operation, executor.schema, plan)
        return plan


PLANS = Plans()
ANSWERED = Counter(
    "officecloud_graphql_compiled",
    "Registered operations with a compiled plan, by who answered: the plan, or normal "
    "execution after the plan gave way (an error, a null where none may be).",
    ["outcome"],
)
REGISTERED = web.RequestKey("registered", bool)
"""Set on an aiohttp request whose operation text is a registered document (server/view.py)."""


class CompilingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Runs a registered query operation by its compiled plan, anything else as usual."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        request = getattr(self.context_value, "request", None)
        if request is None or not _registered(request):
            return super().execute_operation(serially)
        plan = PLANS.get(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._run(plan, serially)

    async def _run(self, plan: ObjectPlan, serially: bool | None) -> Any:
        try:
            data = plan.execute(self, self.root_value, None)
            if self.is_awaitable(data):
                data = await data
        except Exception:  # the general path answers, errors and all
            ANSWERED.labels("gave_way").inc()
            result = super().execute_operation(serially)
            return await result if self.is_awaitable(result) else result
        ANSWERED.labels("plan").inc()
        return self.finish(self.build_response(data))


def _registered(request: Any) -> bool:
    return isinstance(request, web.Request) and request.get(REGISTERED, False)
