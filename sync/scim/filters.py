"""SCIM filters (RFC 7644 §3.4.2.2) as Tortoise conditions, parsed by scim2-filter-parser."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from scim2_filter_parser import ast as f
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser
from tortoise.expressions import Q

from models.directory import UserStatus
from sync.scim.protocol import GROUP_SCHEMA, USER_SCHEMA, ScimError

USER_FILTERS: dict[tuple[str, str | None], tuple[str, str]] = {
    ("username", None): ("username", "str"),
    ("name", "givenname"): ("given_name", "str"),
    ("name", "familyname"): ("family_name", "str"),
    ("externalid", None): ("external_subject", "str"),
    ("displayname", None): ("display_name", "str"),
    ("id", None): ("id", "uuid"),
    ("active", None): ("status", "active"),
    ("title", None): ("title", "str"),
    ("emails", "value"): ("email", "str"),
    ("emails", None): ("email", "str"),
    ("phonenumbers", "value"): ("phone", "str"),
    ("phonenumbers", None): ("phone", "str"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
    ("meta", "created"): ("created_at", "datetime"),
}
GROUP_FILTERS: dict[tuple[str, str | None], tuple[str, str]] = {
    ("displayname", None): ("name", "str"),
    ("externalid", None): ("external_id", "str"),
    ("id", None): ("id", "uuid"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
    ("meta", "created"): ("created_at", "datetime"),
}
CORE_URNS = {USER_SCHEMA.lower(), GROUP_SCHEMA.lower()}


def _value_path() -> ScimError:
    return ScimError(
        400,
        "Value filters (attr[...]) are not supported; filter on the attribute itself, "
        'e.g. emails.value eq "a@b.cn"',
        "invalidFilter",
    )


_LOOKUPS = {
    "eq": "",
    "ne": "",
    "co": "__icontains",
    "sw": "__istartswith",
    "ew": "__iendswith",
    "gt": "__gt",
    "ge": "__gte",
    "lt": "__lt",
    "le": "__lte",
}


def filter_q(expression: str, attributes: dict[tuple[str, str | None], tuple[str, str]]) -> Q:
    """A SCIM filter as a Tortoise condition (parsed by scim2-filter-parser)."""
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(expression))
    except Exception as exc:
        raise ScimError(400, f"The filter cannot be parsed: {exc}", "invalidFilter") from exc
    if tree is None:
        raise ScimError(400, "The filter cannot be parsed", "invalidFilter")
    return _node(tree, attributes)


def _node(node: Any, attributes: dict[tuple[str, str | None], tuple[str, str]]) -> Q:
    if isinstance(node, f.Filter):
        if node.namespace is not None:
            raise _value_path()
        inner = _node(node.expr, attributes)
        return ~inner if node.negated else inner
    if isinstance(node, f.LogExpr):
        left, right = _node(node.expr1, attributes), _node(node.expr2, attributes)
        return left & right if node.op.lower() == "and" else left | right
    if isinstance(node, f.AttrExpr):
        path = node.attr_path
        if not isinstance(path.attr_name, str):
            raise _value_path()
        if path.uri is not None and path.uri.lower() not in CORE_URNS:
            raise ScimError(400, f"Filtering on '{path.uri}' is not supported", "invalidFilter")
        sub = path.sub_attr.value.lower() if path.sub_attr is not None else None
        key = (path.attr_name.lower(), sub)
        if key not in attributes:
            raise ScimError(
                400, f"Filtering on '{path.attr_name}' is not supported", "invalidFilter"
            )
        column, kind = attributes[key]
        op = node.value.lower()
        if op == "pr":
            present: dict[str, Any] = {f"{column}__isnull": True}
            return ~Q(**present)
        if op not in _LOOKUPS:
            raise ScimError(400, f"Unknown filter operator '{op}'", "invalidFilter")
        raw = node.comp_value.value if node.comp_value else None
        if kind == "active":
            active = Q(status=UserStatus.ACTIVE)
            matches = active if _value(raw, "bool") else ~active
            return ~matches if op == "ne" else matches
        value = _value(raw, kind)
        if op == "eq" and kind == "str" and column == "username":
            condition = Q(**{f"{column}__iexact": value})
        else:
            condition = Q(**{f"{column}{_LOOKUPS[op]}": value})
        return ~condition if op == "ne" else condition
    raise ScimError(400, "The filter cannot be parsed", "invalidFilter")


def _value(raw: Any, kind: str) -> Any:
    if kind == "datetime":
        try:
            return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ScimError(400, f"'{raw}' is not a date-time", "invalidFilter") from exc
    if kind == "uuid":
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            return uuid.UUID(int=0)
    if kind == "bool":
        return raw is True or str(raw).lower() == "true"
    return raw
