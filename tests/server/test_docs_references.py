"""The documentation names only fields the API has: every `Type.field` in README.md and docs/
whose type is in schema.graphql must be a field of that type."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, build_schema

ROOT = Path(__file__).parents[2]
REFERENCE = re.compile(r"`([A-Z][A-Za-z]+)\.([a-z][A-Za-z]*)[`(]")


def test_every_type_field_the_docs_name_exists() -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text())
    missing = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for type_name, field in REFERENCE.findall(page.read_text()):
            kind = schema.type_map.get(type_name)
            if not isinstance(
                kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
            ):
                continue
            if field not in kind.fields:
                missing.append(f"{page.name}: {type_name}.{field}")
    assert missing == []
