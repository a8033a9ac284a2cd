"""The manifest checks called directly: each problem's code, words and field, the size limits
at their edges, references, defaults and settings."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from models.portal_components import ComponentCategory
from services.errors import ServiceError
from services.portal import manifests
from services.portal.manifests import (
    DRAFT_2020_12,
    settings_problems,
    validate_manifest,
    with_defaults,
)
from tests.portal.support import manifest, refusal

SCHEMA = manifest("duty")["settingsSchema"]


def problems(document: Any, **options: Any) -> list[tuple[str, str, Any]]:
    with pytest.raises(ServiceError) as error:
        validate_manifest(document, operation_schema=None, **options)
    return refusal(error)


def bare(key: str, **changes: Any) -> dict[str, Any]:
    """A manifest without its (optional) example."""
    document = manifest(key, **changes)
    del document["example"]
    return document


def sized(total: int) -> dict[str, Any]:
    """A manifest of exactly `total` bytes, its description (too long) making up the size."""
    document = manifest("duty", description="")
    document["description"] = "d" * (total - len(orjson.dumps(document)))
    assert len(orjson.dumps(document)) == total
    return document


def test_a_valid_manifest_is_returned_cleaned() -> None:
    document = manifest("duty-2", name="  值班表  ", requiredPermission="tenant.admin")
    checked = validate_manifest(document, operation_schema=None)
    assert (checked.key, checked.name, checked.version) == ("duty-2", "值班表", "1.0.0")
    assert (checked.category, checked.required_permission) == (
        ComponentCategory.PUBLIC_AFFAIRS,
        "tenant.admin",
    )
    assert checked.document is document
    assert checked.settings_schema == SCHEMA
    bare = manifest("duty-3")
    del bare["requiredPermission"], bare["example"]
    assert validate_manifest(bare, operation_schema=None).required_permission is None


def test_the_whole_manifest_is_checked_first() -> None:
    assert problems([1]) == [("INVALID", "The manifest must be a JSON object", ("manifest",))]
    assert problems("x", field="doc") == [
        ("INVALID", "The manifest must be a JSON object", ("doc",))
    ]
    too_big = problems(sized(64 * 1024 + 1))
    assert too_big == [("TOO_LONG", "The manifest is larger than 64 KiB", ("manifest",))]
    at_limit = problems(sized(64 * 1024))
    assert [(code, field) for code, _, field in at_limit] == [
        ("INVALID", ("manifest", "description"))
    ]


def test_each_field_is_named_in_its_problem() -> None:
    assert problems(manifest("duty\n")) == [
        ("INVALID", "key must match ^[a-z][a-z0-9-]{1,63}$", ("manifest", "key"))
    ]
    assert problems(manifest("duty", version="1.0")) == [
        (
            "INVALID",
            "version '1.0' is not a semantic version (e.g. 1.0.0)",
            ("manifest", "version"),
        )
    ]
    missing = manifest("duty")
    del missing["key"], missing["version"], missing["operation"], missing["settingsSchema"]
    assert problems(missing) == [
        ("REQUIRED", "'key' is a required property", ("manifest", "key")),
        ("REQUIRED", "'version' is a required property", ("manifest", "version")),
        ("REQUIRED", "'operation' is a required property", ("manifest", "operation")),
        (
            "REQUIRED",
            "'settingsSchema' is a required property",
            ("manifest", "settingsSchema"),
        ),
    ]
    wrong = problems(manifest("duty", name=""), field="doc")
    assert wrong == [("INVALID", "name: '' should be non-empty", ("doc", "name"))]


def test_the_operation_must_be_executable_graphql() -> None:
    assert problems(manifest("duty", operation="query {")) == [
        (
            "INVALID",
            "operation: Syntax Error: Expected Name, found <EOF>. (line 1, column 8)",
            ("manifest", "operation"),
        )
    ]
    assert problems(manifest("duty", operation="type Duty { days: Int }")) == [
        (
            "INVALID",
            "operation may hold only operations and fragments",
            ("manifest", "operation"),
        )
    ]
    fragment = "query Q { ...F } fragment F on Query { viewer { id } }"
    assert validate_manifest(manifest("duty", operation=fragment), operation_schema=None)


def test_the_settings_schema_is_a_local_2020_12_object_schema() -> None:
    at = ("manifest", "settingsSchema")
    older = copy.deepcopy(SCHEMA)
    older["$schema"] = "http://json-schema.org/draft-07/schema#"
    assert problems(manifest("duty", settingsSchema=older)) == [
        ("INVALID", f"settingsSchema must use {DRAFT_2020_12}", (*at, "$schema"))
    ]
    hashed = copy.deepcopy(SCHEMA)
    hashed["$schema"] = DRAFT_2020_12 + "#"
    assert validate_manifest(manifest("duty", settingsSchema=hashed), operation_schema=None)
    undeclared = copy.deepcopy(SCHEMA)
    del undeclared["$schema"]
    assert validate_manifest(manifest("duty", settingsSchema=undeclared), operation_schema=None)

    broken = {"type": "object", "properties": {"days": {"minimum": "one"}}}
    assert problems(bare("duty", settingsSchema=broken)) == [
        (
            "INVALID",
            "properties.days.minimum: 'one' is not of type 'number'",
            (*at, "properties", "days", "minimum"),
        )
    ]
    remote = {
        "type": "object",
        "properties": {"a": {"allOf": [{"$ref": "https://x.test/a.json"}]}},
        "$defs": {"b": {"$dynamicRef": "other.json#b"}, "c": {"$ref": "#/$defs/b"}},
    }
    assert problems(bare("duty", settingsSchema=remote)) == [
        (
            "INVALID",
            "Only local references ('#/…') are allowed, not 'https://x.test/a.json'",
            (*at, "properties", "a", "allOf", "0", "$ref"),
        ),
        (
            "INVALID",
            "Only local references ('#/…') are allowed, not 'other.json#b'",
            (*at, "$defs", "b", "$dynamicRef"),
        ),
    ]
    array = {"type": "array"}
    assert problems(bare("duty", settingsSchema=array)) == [
        ("INVALID", "settingsSchema must describe an object", (*at, "type"))
    ]


def test_the_example_must_match_a_usable_settings_schema() -> None:
    assert problems(manifest("duty", example={"settings": {"days": 40}})) == [
        (
            "INVALID",
            "days: 40 is greater than the maximum of 14",
            ("manifest", "example", "settings", "days"),
        )
    ]
    assert problems(manifest("duty", example={"settings": {}})) == [
        (
            "REQUIRED",
            "'days' is a required property",
            ("manifest", "example", "settings", "days"),
        )
    ]
    unusable = manifest("duty", settingsSchema={"type": "array"}, example={"settings": {"x": 1}})
    assert [p[2] for p in problems(unusable)] == [("manifest", "settingsSchema", "type")]
    no_example = manifest("duty", example=None)
    assert [p[2] for p in problems(no_example)] == [("manifest", "example")]


def test_settings_problems_and_their_limits() -> None:
    # {"a":"…"} is 8 bytes plus the text.
    assert settings_problems({}, {"a": "x" * (16 * 1024 - 8)}, "settings") == []
    assert refusal_of(settings_problems({}, {"a": "x" * (16 * 1024 - 7)}, "settings")) == [
        ("TOO_LONG", "settings are larger than 16 KiB", ("settings",))
    ]
    dangling = {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}
    found = refusal_of(settings_problems(dangling, {"a": 1}, "placements", "0", "settings"))
    assert [(code, field) for code, _, field in found] == [
        ("INVALID", ("placements", "0", "settings"))
    ]
    assert found[0][1].startswith("The settings schema cannot be used: ")
    assert refusal_of(settings_problems({"type": "integer"}, "x")) == [
        ("INVALID", "value: 'x' is not of type 'integer'", None)
    ]
    assert refusal_of(settings_problems({"type": "integer"}, "x", "days")) == [
        ("INVALID", "days: 'x' is not of type 'integer'", ("days",))
    ]
    ordered = refusal_of(settings_problems(SCHEMA, {"days": "x", "showPhone": 1}, "s"))
    assert [field for _, _, field in ordered] == [("s", "days"), ("s", "showPhone")]


def refusal_of(found: list[Any]) -> list[tuple[str, str, Any]]:
    return [(p.code.value, p.message, p.field) for p in found]


def test_defaults_are_filled_in_nested_and_copied() -> None:
    schema = {
        "type": "object",
        "properties": {
            "size": {"type": "integer", "default": 10},
            "given": {"type": "integer", "default": 1},
            "box": {
                "type": "object",
                "default": {},
                "properties": {"tags": {"default": ["a"]}, "free": {}},
            },
            "plain": True,
        },
    }
    filled = with_defaults(schema, {"given": 5})
    assert filled == {"size": 10, "given": 5, "box": {"tags": ["a"]}}
    filled["box"]["tags"].append("b")
    assert schema["properties"]["box"]["properties"]["tags"]["default"] == ["a"]
    assert with_defaults(schema, "not an object") == "not an object"
    assert with_defaults(True, {"a": 1}) == {"a": 1}
    assert with_defaults({"properties": ["odd"]}, {"a": 1}) == {"a": 1}
    original = {"given": 2}
    with_defaults(schema, original)
    assert original == {"given": 2}
    assert manifests.MAX_SETTINGS_BYTES == 16 * 1024
