"""Prometheus figures per GraphQL operation: requests, latency and errors.

Operation names come from clients, so only well-formed names become label values, and at most
`MAX_OPERATIONS` of them per process; the rest are counted as `other`."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension

REQUESTS = Counter(
    "officecloud_graphql_requests",
    "GraphQL operations run, by operation name, type and outcome (ok or error).",
    ["operation", "type", "outcome"],
)
LATENCY = Histogram(
    "officecloud_graphql_request_seconds",
    "Time to parse, validate and execute a GraphQL operation.",
    ["operation", "type"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ERRORS = Counter(
    "officecloud_graphql_errors",
    "GraphQL errors, by operation and code; kind is 'resolver' for errors with a path "
    "(a field failed) and 'request' for parse and validation failures.",
    ["operation", "kind", "code"],
)
MAX_OPERATIONS = 200
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_seen: set[str] = set()


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _seen:
        return name
    if not _NAME.match(name) or len(_seen) >= MAX_OPERATIONS:
        return "other"
    _seen.add(name)
    return name


class OperationMetrics(SchemaExtension):
    """First in the extension list, so it sees the errors as the client will (masked, coded)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = operation_label(context.operation_name)
        try:
            kind = context.operation_type.value
        except Exception:
            kind = "unknown"
        result = context.result
        errors = list(getattr(result, "errors", None) or context.pre_execution_errors or [])
        LATENCY.labels(name, kind).observe(time.perf_counter() - started)
        REQUESTS.labels(name, kind, "error" if errors else "ok").inc()
        for error in errors:
            code = (error.extensions or {}).get("code", "UNKNOWN")
            ERRORS.labels(name, "resolver" if error.path else "request", str(code)).inc()
