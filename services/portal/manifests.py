"""The component manifest standard (服务组件规范) and the checks behind it.

A manifest is a JSON document. Its shape is itself a JSON Schema (draft 2020-12,
`MANIFEST_SCHEMA`), so a component author can check a manifest with any JSON Schema tool before
registering it; registration adds the checks a schema cannot express (semver, a parsable GraphQL
operation, a valid settings schema, an example that matches it). Every problem names the
manifest field at fault.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import semver
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable

from i18n import _
from models.access import Permission
from models.portal_components import ComponentCategory
from services.errors import Code, Problem, ServiceError

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
KEY_RE = re.compile(r"[a-z][a-z0-9-]{1,63}")
MAX_MANIFEST_BYTES = 64 * 1024
MAX_SETTINGS_BYTES = 16 * 1024
LOCAL_ONLY: Registry[Any] = Registry()
"""`$ref`s resolve inside the schema (and to the draft's own meta-schemas), never over the
network: jsonschema's default would fetch any URL a tenant writes."""

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_2020_12,
    "$id": "urn:officecloud:portal-component-manifest:1",
    "title": "Officecloud portal component manifest",
    "description": "A service component (服务组件) for the self-service office portal.",
    "type": "object",
    "required": [
        "key",
        "name",
        "version",
        "description",
        "category",
        "operation",
        "settingsSchema",
    ],
    "additionalProperties": False,
    "properties": {
        "key": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9-]{1,63}$",
            "description": "Stable identifier, the same for every version.",
        },
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "version": {
            "type": "string",
            "maxLength": 64,
            "description": "Semantic version (semver.org); a registered version never changes.",
        },
        "description": {"type": "string", "maxLength": 2000},
        "category": {"enum": [c.value for c in ComponentCategory]},
        "operation": {
            "type": "string",
            "minLength": 1,
            "maxLength": 20000,
            "description": "The GraphQL document the component sends to /graphql.",
        },
        "settingsSchema": {
            "type": "object",
            "description": "JSON Schema (draft 2020-12) of the settings a placement carries.",
        },
        "requiredPermission": {
            "enum": [None, *(p.value for p in Permission)],
            "description": "Shown only to users holding this permission; null for everyone.",
        },
        "help": {"type": "string", "maxLength": 20000},
        "example": {
            "type": "object",
            "required": ["settings"],
            "additionalProperties": False,
            "properties": {
                "settings": {"type": "object"},
                "description": {"type": "string", "maxLength": 2000},
            },
        },
    },
}

_META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
_MANIFEST = Draft202012Validator(MANIFEST_SCHEMA, registry=LOCAL_ONLY)


@dataclass(frozen=True)
class Manifest:
    """A manifest that passed every check."""

    key: str
    name: str
    version: str
    category: ComponentCategory
    required_permission: str | None
    document: dict[str, Any]

    @property
    def settings_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self.document["settingsSchema"]
        return schema


def validate_manifest(
    manifest: Any, *, operation_schema: GraphQLSchema | None, field: str = "manifest"
) -> Manifest:
    """The checked manifest, or a ServiceError listing every problem. With `operation_schema`
    the operation must also be valid against that GraphQL schema (our own)."""
    if not isinstance(manifest, dict):
        raise ServiceError.of(Code.INVALID, _("The manifest must be a JSON object"), field)
    if len(orjson.dumps(manifest)) > MAX_MANIFEST_BYTES:
        raise ServiceError.of(
            Code.TOO_LONG,
            _(
                "The manifest is larger than {kib} KiB",
                kib=MAX_MANIFEST_BYTES // 1024,
            ),
            field,
        )
    problems = list(schema_problems(_MANIFEST, manifest, field))
    broken = {p.field[1] for p in problems if p.field and len(p.field) > 1}
    if "key" not in broken and not KEY_RE.fullmatch(manifest["key"]):
        problems.append(
            _problem(Code.INVALID, _("key must match ^[a-z][a-z0-9-]{1,63}$"), field, "key")
        )
    if "version" not in broken and not semver.Version.is_valid(manifest["version"]):
        problems.append(
            _problem(
                Code.INVALID,
                _(
                    "version '{manifest_version}' is not a semantic version (e.g. 1.0.0)",
                    manifest_version=manifest["version"],
                ),
                field,
                "version",
            )
        )
    if "operation" not in broken:
        problems.extend(operation_problems(manifest["operation"], operation_schema, field))
    if "settingsSchema" not in broken:
        schema_ok = not _add(problems, settings_schema_problems(manifest["settingsSchema"], field))
        example = manifest.get("example")
        if schema_ok and "example" not in broken and example is not None:
            problems.extend(
                settings_problems(
                    manifest["settingsSchema"], example["settings"], field, "example", "settings"
                )
            )
    if problems:
        raise ServiceError(*problems)
    return Manifest(
        key=manifest["key"],
        name=manifest["name"].strip(),
        version=manifest["version"],
        category=ComponentCategory(manifest["category"]),
        required_permission=manifest.get("requiredPermission"),
        document=manifest,
    )


def operation_problems(text: str, schema: GraphQLSchema | None, *field: str) -> Iterator[Problem]:
    """The operation must parse as an executable GraphQL document (and, given a schema, be
    valid against it)."""
    at = (*field, "operation")
    try:
        document = parse(text)
    except GraphQLError as error:
        yield _problem(Code.INVALID, _("operation: {location}", location=_located(error)), *at)
        return
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            yield _problem(Code.INVALID, _("operation may hold only operations and fragments"), *at)
            return
    if schema is not None:
        for invalid in validate(schema, document):
            yield _problem(
                Code.INVALID, _("operation: {location}", location=_located(invalid)), *at
            )


def settings_schema_problems(schema: Any, *field: str) -> Iterator[Problem]:
    at = (*field, "settingsSchema")
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    if declared is not None and declared.rstrip("#") != DRAFT_2020_12:
        yield _problem(
            Code.INVALID,
            _("settingsSchema must use {DRAFT_2020_12}", DRAFT_2020_12=DRAFT_2020_12),
            *at,
            "$schema",
        )
        return
    found = list(schema_problems(_META, schema, *at))
    yield from found
    if found:
        return
    if schema.get("type") != "object":
        yield _problem(Code.INVALID, _("settingsSchema must describe an object"), *at, "type")
    for path, ref in _refs(schema, ()):
        if not ref.startswith("#"):
            yield _problem(
                Code.INVALID,
                _("Only local references ('#/…') are allowed, not '{ref}'", ref=ref),
                *at,
                *path,
            )


def with_defaults(schema: Any, settings: Any) -> Any:
    """`settings` with the schema's `default` filled in for every missing property, nested
    objects included: JSON Schema validators only annotate defaults, components need values."""
    if not isinstance(schema, dict) or not isinstance(settings, dict):
        return settings
    filled = dict(settings)
    properties = schema.get("properties")
    for name, prop in properties.items() if isinstance(properties, dict) else ():
        if name not in filled and isinstance(prop, dict) and "default" in prop:
            filled[name] = copy.deepcopy(prop["default"])
        if name in filled:
            filled[name] = with_defaults(prop, filled[name])
    return filled


def settings_problems(schema: dict[str, Any], settings: Any, *field: str) -> list[Problem]:
    """Where `settings` do not match a component's settings schema, each with its path."""
    if len(orjson.dumps(settings)) > MAX_SETTINGS_BYTES:
        return [
            _problem(
                Code.TOO_LONG,
                _(
                    "settings are larger than {kib} KiB",
                    kib=MAX_SETTINGS_BYTES // 1024,
                ),
                *field,
            )
        ]
    validator = Draft202012Validator(
        schema, registry=LOCAL_ONLY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    try:
        return list(schema_problems(validator, settings, *field))
    except Unresolvable as exc:
        return [
            _problem(Code.INVALID, _("The settings schema cannot be used: {exc}", exc=exc), *field)
        ]


def schema_problems(validator: Any, instance: Any, *field: str) -> Iterator[Problem]:
    errors: list[ValidationError] = sorted(
        validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
    )
    for error in errors:
        path = [str(p) for p in error.absolute_path]
        code = Code.INVALID
        if error.validator == "required":
            code = Code.REQUIRED
            names = error.validator_value if isinstance(error.validator_value, list) else []
            path += [p for p in names if repr(p) in error.message][:1]
        label = ".".join(path) if path else (field[-1] if field else "value")
        message = (
            error.message
            if code is Code.REQUIRED
            else _("{label}: {message}", label=label, message=error.message)
        )
        yield _problem(code, message, *field, *path)


def _refs(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from _refs(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, (*path, str(index)))


def _add(problems: list[Problem], found: Iterator[Problem]) -> bool:
    before = len(problems)
    problems.extend(found)
    return len(problems) > before


def _located(error: GraphQLError) -> str:
    where = error.locations[0] if error.locations else None
    return f"{error.message} (line {where.line}, column {where.column})" if where else error.message


def _problem(code: Code, message: str, *field: str) -> Problem:
    return Problem(code, message, tuple(field) or None)
