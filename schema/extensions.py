"""Limits and error shaping for every operation."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.relay.types import GlobalIDValueError

from i18n import _
from i18n.catalogues import DEFAULT, translate
from models.text import FORBIDDEN_TEXT_RE, forbidden_character
from resolvers.pagination import PageError
from services.errors import RETRY_AFTER_SECONDS, is_outage

log = logging.getLogger("officecloud.graphql")

EXPECTED = (PageError, GlobalIDValueError)
SUGGESTION_RE = re.compile(r" Did you mean [^?]*\?")
ESCAPES = ("\\u", "\\b", "\\f")
"""The only ways a forbidden character gets into a string literal: the lexer refuses raw control
characters and lone surrogates inside strings, but not these escapes."""
MAX_NESTING = 100
_search = FORBIDDEN_TEXT_RE.search
UNAVAILABLE = _("A service the server depends on is unavailable; retry shortly")
TEXT_RULE = _("text may not contain NUL or other control characters except tab and line breaks")


class ErrorCodes(MaskErrors):
    """Every error gets `extensions.code`; unexpected ones are masked and logged with the
    request id (the client sees the id, never a stack trace)."""

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__(should_mask_error=_unexpected, error_message="Internal server error")
        self.suggestions = suggestions

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        request_id = getattr(self.execution_context.context, "request_id", None)
        language = getattr(self.execution_context.context, "language", DEFAULT)
        shaped = []
        for error in errors:
            if _unexpected(error) and is_outage(error.original_error):
                log.warning(
                    "service unavailable in %s: %r",
                    ".".join(map(str, error.path or [])) or "operation",
                    error.original_error,
                    extra={"request_id": request_id},
                )
                error = self.anonymise_error(error)
                error.message = UNAVAILABLE
                error.extensions = {
                    "code": "SERVICE_UNAVAILABLE",
                    "retryAfter": RETRY_AFTER_SECONDS,
                    "requestId": request_id,
                }
            elif _unexpected(error):
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
            message = translate(error.message, language)
            if not self.suggestions and "Did you mean" in message:
                message = SUGGESTION_RE.sub("", message)
            if message != error.message:
                error = _with_message(error, message)
            shaped.append(error)
        return shaped


def _with_message(error: GraphQLError, message: str) -> GraphQLError:
    """A copy (validation results are cached) with the message translated, and without
    graphql-core's "Did you mean 'documents'?" outside dev mode: after unknown fields,
    arguments, types and enum values it would leak the schema that disabled introspection
    hides."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


class TextInput(SchemaExtension):
    """The text rule of `models.text.FORBIDDEN_TEXT_RE`, in one place for every operation
    and transport (HTTP, multipart, websockets) and both databases: every string literal of
    the document and every variable value (inside JSON scalars such as `formData` too, keys
    included) is checked once, after validation and before anything runs; a refusal is one
    `BAD_USER_INPUT` error naming the argument or variable path. Variables also may not nest
    deeper than `MAX_NESTING`."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors:
            error = _literal_error(context.query, context.graphql_document) or _variable_error(
                context.variables
            )
            if error:
                context.pre_execution_errors = [error]
        yield


def _literal_error(query: str | None, document: DocumentNode | None) -> GraphQLError | None:
    if document is None or (query is not None and not any(e in query for e in ESCAPES)):
        return None
    found: list[GraphQLError] = []

    class Strings(Visitor):
        def enter_string_value(
            self, node: StringValueNode, key: Any, parent: Any, path: Any, ancestors: Any
        ) -> Any:
            bad = forbidden_character(node.value)
            if bad is None:
                return None
            where = _argument_path([*ancestors, parent])
            subject = _("Argument '{name}'", name=".".join(where)) if where else _("A string")
            found.append(
                GraphQLError(
                    _(
                        "{subject} holds the character {bad}: {rule}",
                        subject=subject,
                        bad=bad,
                        rule=TEXT_RULE,
                    ),
                    nodes=[node],
                    extensions={"code": "BAD_USER_INPUT", "argument": where},
                )
            )
            return Visitor.BREAK

    visit(document, Strings())
    return found[0] if found else None


def _argument_path(ancestors: list[Any]) -> list[str]:
    path: list[str] = []
    for node in ancestors:
        if isinstance(node, FieldNode):
            path = []
        elif isinstance(node, ArgumentNode | ObjectFieldNode):
            path.append(node.name.value)
    return path


def _variable_error(variables: dict[str, Any] | None) -> GraphQLError | None:
    if not variables or _clean(variables, 0):
        return None
    return _variable_problem(variables)


def _clean(value: Any, depth: int) -> bool:
    """The fast check of every request: no path kept, no allocation (recursion stops at
    MAX_NESTING, far below Python's limit, though JSON from the client may nest deeper)."""
    kind = type(value)
    if kind is str:
        return _search(value) is None
    if kind is dict:
        return depth < MAX_NESTING and all(
            _search(key) is None and _clean(item, depth + 1) for key, item in value.items()
        )
    if kind is list:
        return depth < MAX_NESTING and all(_clean(item, depth + 1) for item in value)
    return True


def _variable_problem(variables: dict[str, Any]) -> GraphQLError | None:
    """The first refused value, with its path (only for a request `_clean` refused)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(variables, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_NESTING:
            return _variable_refusal(path, _("nests deeper than {count} levels", count=MAX_NESTING))
        if isinstance(value, str):
            if bad := forbidden_character(value):
                return _variable_refusal(
                    path, _("holds the character {bad}: {rule}", bad=bad, rule=TEXT_RULE)
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if bad := forbidden_character(str(key)):
                    return _variable_refusal(
                        path,
                        _("has a key with the character {bad}: {rule}", bad=bad, rule=TEXT_RULE),
                    )
                stack.append((item, (*path, str(key))))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(value))
    return None


def _variable_refusal(path: tuple[str, ...], what: str) -> GraphQLError:
    return GraphQLError(
        _("Variable '${path}' {what}", path=".".join(path), what=what),
        extensions={"code": "BAD_USER_INPUT", "variable": list(path)},
    )


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


class Limits(SchemaExtension):
    """strawberry's `MaxTokensLimiter` and `AddValidationRules` in one hook: a subscription
    keeps its extensions' operation hooks (a generator, a context manager and a wrapper each)
    for as long as it lives, so every hook saved is memory per open subscription."""

    def __init__(self, max_tokens: int, rules: tuple[Any, ...]) -> None:
        self.max_tokens = max_tokens
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = context.validation_rules + self.rules
        yield


def extensions(
    *, max_depth: int, max_aliases: int, max_tokens: int, introspection: bool
) -> list[Any]:
    """Classes or factories, not instances: strawberry builds them per operation.

    The depth and alias limiters are validation rules that `QueryDepthLimiter` and
    `MaxAliasesLimiter` create as new classes per instance; built per operation, they made
    every request's rule set new, so `ValidationCache` (keyed by the rules) never hit and each
    request was validated again (about 10 ms for the inbox query). Their rules are built once
    here and added by one `Limits` per operation."""
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    chosen: list[type[SchemaExtension] | Any] = [
        lambda: Limits(max_tokens, tuple(rules)),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
        TextInput,
        lambda: ErrorCodes(suggestions=introspection),
    ]
    return chosen
