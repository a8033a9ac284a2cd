"""Compiled plans for query operations: graphql-core's per-field walk replaced by a plan
built once per operation (the parser cache hands every request of a text, registered or ad
hoc, the same operation node), over the very same resolvers and loaders; and, for queries of
only columns, joins and paging, a row plan (`rows.py`) that reads one statement per list.

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

import logging
from typing import Any

from prometheus_client import Counter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from models.scope import TenantSql
from resolvers.context import Context
from schema.compiled.compiler import Compiler
from schema.compiled.plan import ObjectPlan
from schema.compiled.row_compiler import compile_rows
from schema.compiled.rows import RowPlan

log = logging.getLogger("officecloud.compiled")


class Plans:
    """Plans by operation node (the parser cache hands the same node to every request of a
    text), one table per schema."""

    MAX = 1024

    def __init__(self) -> None:
        self._plans: dict[int, tuple[Any, Any, ObjectPlan | None, RowPlan | None]] = {}

    def get(self, executor: Any) -> tuple[ObjectPlan | None, RowPlan | None]:
        operation = executor.operation
        found = self._plans.get(id(operation))
        if found is not None and found[0] is operation and found[1] is executor.schema:
            return found[2], found[3]
        if len(self._plans) >= self.MAX:
            self._plans.clear()
        plan = rows = None
        if not getattr(executor.middleware_manager, "middlewares", None):
            compiler = Compiler(executor.schema, executor.fragment_definitions, operation)
            try:
                plan = compiler.root()
                if plan is not None and TenantSql.postgres():  # row plans speak PostgreSQL
                    rows = compile_rows(compiler)
            except Exception:  # a compiler's bug must not fail the request: it runs as usual
                log.exception("compiling an operation failed; it runs without a plan")
                plan = rows = None
        self._plans[id(operation)] = (operation, executor.schema, plan, rows)
        return plan, rows


PLANS = Plans()
ANSWERED = Counter(
    "officecloud_graphql_compiled",
    "Query operations with a compiled plan, by who answered: the row plan (rows), the "
    "resolver plan (plan), or normal execution after the plan gave way (an error, a null "
    "where none may be); rows_gave_way counts row plans that handed over to the resolver plan.",
    ["outcome"],
)


class CompilingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Runs a query operation by its compiled plans, anything else as usual."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        if not isinstance(self.context_value, Context):
            return super().execute_operation(serially)
        plan, rows = PLANS.get(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._run(plan, rows, serially)

    async def _run(self, plan: ObjectPlan, rows: RowPlan | None, serially: bool | None) -> Any:
        if rows is not None:
            try:
                data = await rows.execute(self)
            except Exception:  # the resolver plan answers
                ANSWERED.labels("rows_gave_way").inc()
            else:
                ANSWERED.labels("rows").inc()
                return self.finish(self.build_response(data))
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
