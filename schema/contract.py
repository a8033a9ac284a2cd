"""The API as a contract: what changed since the last release, and whether a client may break.

graphql-core's `find_schema_changes` (the reference implementation GraphQL Inspector ports)
classifies every difference; this module adds the one rule of ours: a breaking change is
allowed only when the element it removes or changes was already `@deprecated` in the released
schema, with a reason that names its replacement in backticks (`` Use `newField`. ``). A
type may go once every field, argument and input field that used it was deprecated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graphql import (
    BreakingChangeType,
    DangerousChangeType,
    GraphQLArgument,
    GraphQLEnumValue,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)
from graphql.utilities import find_schema_changes, resolve_schema_coordinate

ROOT = Path(__file__).resolve().parent.parent
RELEASED = ROOT / "schema" / "released.graphql"
CURRENT = ROOT / "schema.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"

_COORDINATE = re.compile(
    r"^(?:Field |Argument |Enum value |A required field )?([\w.]+(?:\(\w+:\))?)"
)
_REPLACEMENT = re.compile(r"`[A-Za-z_][\w.()]*:?\)?`")
_DEPRECATABLE = {
    BreakingChangeType.FIELD_REMOVED,
    BreakingChangeType.FIELD_CHANGED_KIND,
    BreakingChangeType.ARG_REMOVED,
    BreakingChangeType.ARG_CHANGED_KIND,
    BreakingChangeType.VALUE_REMOVED_FROM_ENUM,
}
_CHANGELOG_HEAD = (
    "# Changelog\n\nThe GraphQL API's changes, release by release, newest first: written by\n"
    "`make release-schema VERSION=x.y.z` from `schema/released.graphql` and `schema.graphql`.\n"
)
Element = GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue


@dataclass
class Report:
    """The changes from the released schema to the current one, sorted by what they mean."""

    refused: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)
    safe: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def __str__(self) -> str:
        parts = [
            ("Breaking, not deprecated for a release (refused)", self.refused),
            ("Removed after deprecation", self.retired),
            ("Dangerous", self.dangerous),
            ("Safe", self.safe),
        ]
        return "\n".join(
            f"{title}:\n" + "\n".join(f"  - {line}" for line in lines)
            for title, lines in parts
            if lines
        )


def compare(released: GraphQLSchema | str, current: GraphQLSchema | str) -> Report:
    old = build_schema(released) if isinstance(released, str) else released
    new = build_schema(current) if isinstance(current, str) else current
    report = Report()
    for change in find_schema_changes(old, new):
        kind, text = change.type, change.description
        if isinstance(kind, BreakingChangeType):
            retired = _was_deprecated(old, kind, text)
            (report.retired if retired else report.refused).append(text)
        elif isinstance(kind, DangerousChangeType):
            report.dangerous.append(text)
        elif not text.startswith("Description of"):
            report.safe.append(text)
    return report


def unnamed_replacements(schema: GraphQLSchema | str) -> list[str]:
    """Deprecations whose reason names no replacement in backticks."""
    built = build_schema(schema) if isinstance(schema, str) else schema
    return [
        f"{coordinate}: {reason!r}"
        for coordinate, reason in _deprecations(built)
        if not _REPLACEMENT.search(reason)
    ]


def release(
    version: str,
    *,
    released: Path = RELEASED,
    current: Path = CURRENT,
    changelog: Path = CHANGELOG,
    today: date | None = None,
) -> Report:
    """Make the current schema the released one and record its changes in the changelog;
    refused (nothing written) while a breaking change is not allowed."""
    sdl = current.read_text()
    first = not released.exists()
    report = Report() if first else compare(released.read_text(), sdl)
    if not report.ok:
        return report
    released.write_text(f"# Officecloud API {version}\n{sdl}")
    entry = _changelog_entry(version, today or date.today(), report, first=first)
    text = changelog.read_text() if changelog.exists() else _CHANGELOG_HEAD
    head, mark, rest = text.partition("\n## ")
    changelog.write_text(f"{head.rstrip()}\n\n{entry}" + (f"\n## {rest}" if mark else ""))
    return report


def _changelog_entry(version: str, day: date, report: Report, *, first: bool) -> str:
    sections = [
        ("Removed after deprecation", report.retired),
        ("Dangerous", report.dangerous),
        ("Added and other safe changes", report.safe),
    ]
    body = "\n".join(
        f"### {title}\n\n" + "".join(f"- {line}\n" for line in lines)
        for title, lines in sections
        if lines
    )
    return f"## {version} ({day.isoformat()})\n\n" + (
        body or ("The first released schema.\n" if first else "No schema changes.\n")
    )


def _was_deprecated(old: GraphQLSchema, kind: BreakingChangeType, text: str) -> bool:
    match = _COORDINATE.match(text)
    if not match:
        return False
    coordinate = match.group(1).rstrip(".")
    if kind is BreakingChangeType.TYPE_REMOVED:
        return _unused_but_deprecated(old, coordinate)
    if kind not in _DEPRECATABLE:
        return False
    element = _element(old, coordinate)
    reason = getattr(element, "deprecation_reason", None)
    return bool(reason and _REPLACEMENT.search(reason))


def _element(schema: GraphQLSchema, coordinate: str) -> Element | None:
    try:
        resolved = resolve_schema_coordinate(schema, coordinate)
    except GraphQLError:  # not a coordinate: nothing there was deprecated
        return None
    for attribute in ("field_argument", "enum_value", "input_field", "field"):
        if hasattr(resolved, attribute):
            return getattr(resolved, attribute)
    return None


def _unused_but_deprecated(schema: GraphQLSchema, type_name: str) -> bool:
    roots = {
        t.name for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t
    }
    if type_name in roots:
        return False
    uses = [
        element
        for _, element in _elements(schema)
        if not isinstance(element, GraphQLEnumValue)
        and get_named_type(element.type).name == type_name
    ]
    return bool(uses) and all(getattr(e, "deprecation_reason", None) for e in uses)


def _elements(schema: GraphQLSchema) -> list[tuple[str, Element]]:
    found: list[tuple[str, Element]] = []
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, f in named.fields.items():
                found.append((f"{name}.{field_name}", f))
                found += [(f"{name}.{field_name}({a}:)", arg) for a, arg in f.args.items()]
        elif isinstance(named, GraphQLInputObjectType):
            found += [(f"{name}.{f}", value) for f, value in named.fields.items()]
        elif hasattr(named, "values"):
            found += [(f"{name}.{v}", value) for v, value in named.values.items()]
    return found


def _deprecations(schema: GraphQLSchema) -> list[tuple[str, str]]:
    return [
        (coordinate, reason)
        for coordinate, element in _elements(schema)
        if (reason := getattr(element, "deprecation_reason", None))
    ]
