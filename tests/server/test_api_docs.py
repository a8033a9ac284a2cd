"""The schema documents itself, and the error table of docs/api.md matches `ErrorCode`."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from schema import build_schema
from services.errors import Code

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Schema coordinates of every type, field, argument, input field and enum value
    without a description."""
    missing = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not named.description:
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg}:)"
                    for arg, value in field.args.items()
                    if not value.description
                ]
        elif isinstance(named, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, value in named.fields.items() if not value.description]
        elif isinstance(named, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in named.values.items() if not value.description]
    return missing


def test_every_element_of_the_schema_is_described() -> None:
    missing = undocumented(build_schema()._schema)
    assert missing == [], "Describe these (description=...):\n" + "\n".join(missing)


def test_the_walk_finds_what_is_undocumented() -> None:
    from graphql import build_schema as from_sdl

    sdl = '''
    """Doc."""
    type Query { "Doc." a(x: Int, "Doc." y: Int): E  b: Int }
    """Doc."""
    enum E { "Doc." ONE TWO }
    input I { "Doc." p: Int q: Int }
    '''
    assert undocumented(from_sdl(sdl)) == ["Query.a(x:)", "Query.b", "E.TWO", "I", "I.q"]


def error_rows() -> list[list[str]]:
    text = (ROOT / "docs" / "api.md").read_text()
    table = text.split("## Error codes", 1)[1]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith("| `")
    ]


def test_the_error_table_lists_exactly_the_error_codes() -> None:
    rows = error_rows()
    in_enum = [row[0].strip("`") for row in rows if row[1] == "`ErrorCode`"]
    assert sorted(in_enum) == sorted(code.value for code in Code)
    assert len(in_enum) == len(set(in_enum))


EMITTED = re.compile(
    r"""["']code["']: ["']([A-Z][A-Z_]+)["']"""  # {"code": "X"}
    r"""|code=["']([A-Z][A-Z_]+)["']"""  # Refused(..., code="X")
    r"""|(?:Refused|_error)\((?:[^()]|\([^()]*\))*?["']([A-Z][A-Z_]+)["']\s*\)"""  # (…, "X")
    r"""|return ["']([A-Z][A-Z_]+)["']""",  # extensions.py's _code()
    re.S,
)
HTTP_LAYERS = ("server", "schema", "auth", "resolvers")


def emitted_codes() -> set[str]:
    found = set()
    for layer in HTTP_LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            for match in EMITTED.finditer(path.read_text()):
                found.add(next(group for group in match.groups() if group))
    return found


def test_every_code_the_server_emits_has_a_row() -> None:
    listed = {row[0].strip("`") for row in error_rows()}
    emitted = emitted_codes()
    assert {"TIMEOUT", "IDEMPOTENCY_KEY_REUSED", "EVENTS_PRUNED", "GRAPHQL_PARSE_FAILED"} <= emitted
    assert emitted - listed == set()


def test_every_error_row_says_what_a_client_should_do() -> None:
    actions = re.compile(r"retry|show field error|show message|re-authenticate|fix the request")
    for code, where, meaning, action in error_rows():
        assert meaning, code
        assert actions.search(action), f"{code} ({where}): {action!r}"


async def test_the_reference_is_served_and_names_every_root_field(
    server: TestServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(server.make_url("/docs/api")) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    schema = build_schema()._schema
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    for root in roots:
        assert root is not None
        for name in root.fields:
            assert f'id="{root.name}-{name}"' in page, f"{root.name}.{name}"
    assert 'id="type-ErrorCode"' in page
    assert 'id="errors"' in page
    assert "SEPARATION_OF_DUTIES" in page
    assert "re-authenticate" in page


def test_the_reference_escapes_what_it_shows() -> None:
    from server import apidocs

    html = apidocs._markdown("<script>alert(1)</script> `x` and **y**")
    assert "<script>" not in html
    assert "<code>x</code>" in html
    assert "<strong>y</strong>" in html
