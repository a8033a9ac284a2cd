"""Limits and error shaping for every operation."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.relay.types import GlobalIDValueError

from resolvers.pagination import PageError

log = logging.getLogger("officecloud.graphql")

EXPECTED = (PageError, GlobalIDValueError)


class ErrorCodes(MaskErrors):
    """Every error gets `extensions.code`; unexpected ones are masked and logged with the
    request id (the client sees the id, never a stack trace)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected, error_message="Internal server error")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        request_id = getattr(self.execution_context.context, "request_id", None)
        shaped = []
        for error in errors:
            if _unexpected(error):
                log.error(
                    "unexpected error in %s",
                    ".".join(map(str, error.path or [])) or "operation",
                    exc_info=error.original_error,
                    extra={"request_id": request_id},
                )
                error = self.anonymise_error(error)
                error.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
            elif not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": _code(error)}
            shaped.append(error)
        return shaped


def _unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, *EXPECTED))


def _code(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError) or "Syntax Error" in error.message:
        return "GRAPHQL_PARSE_FAILED"
    if error.original_error is not None:
        return "BAD_USER_INPUT"
    if error.path:
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def extensions(
    *, max_depth: int, max_aliases: int, max_tokens: int, introspection: bool
) -> list[Any]:
    """Classes or factories, not instances: strawberry builds them per operation.

    The depth and alias limiters are validation rules that `QueryDepthLimiter` and
    `MaxAliasesLimiter` create as new classes per instance; built per operation, they made
    every request's rule set new, so `ValidationCache` (keyed by the rules) never hit and each
    request was validated again (about 10 ms for the inbox query). Their rules are built once
    here and added by one `AddValidationRules` per operation."""
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    chosen: list[type[SchemaExtension] | Any] = [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        ErrorCodes,
    ]
    return chosen
