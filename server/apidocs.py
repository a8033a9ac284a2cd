"""The browsable API reference: one static HTML page generated from the schema.

Every root field, type, field, argument and enum value with its description, the example
operations of `docs/examples/` (each linked from the root fields it uses), and `docs/api.md`
(versions, breaking changes, the error table). Rendered with Jinja2 from the running schema,
so the page served at `/docs/api` (dev mode) is never stale and needs no network;
`officecloud api docs --out DIR` writes the same page for hosting anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    get_named_type,
    parse,
    print_ast,
)
from graphql.utilities import ast_from_value
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
GUIDE = ROOT / "docs" / "api.md"
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
KINDS = (
    ("Objects", GraphQLObjectType),
    ("Interfaces", GraphQLInterfaceType),
    ("Unions", GraphQLUnionType),
    ("Inputs", GraphQLInputObjectType),
    ("Enums", GraphQLEnumType),
    ("Scalars", GraphQLScalarType),
)


@dataclass
class Example:
    """One file of `docs/examples/`: what it shows and the root fields its operations use."""

    name: str
    about: str
    source: str
    root_fields: set[str] = field(default_factory=set)


def examples(folder: Path = EXAMPLES) -> list[Example]:
    found = []
    for path in sorted(folder.glob("*.graphql")):
        source = path.read_text()
        about = " ".join(
            line.removeprefix("#").strip()
            for line in source.splitlines()
            if line.startswith("#") and not line.startswith("#!")
        ).split(" Variables:")[0]
        example = Example(path.stem, about, source)
        for definition in parse(source).definitions:
            if isinstance(definition, OperationDefinitionNode):
                kind = definition.operation.value.capitalize()
                example.root_fields |= {
                    f"{kind}.{selection.name.value}"  # type: ignore[attr-defined]
                    for selection in definition.selection_set.selections
                }
        found.append(example)
    return found


def render(schema: GraphQLSchema, *, title: str = "Officecloud API") -> str:
    environment = Environment(
        loader=PackageLoader("server", "templates"),
        autoescape=select_autoescape(),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["md"] = _markdown
    environment.filters["ref"] = _reference
    environment.filters["named"] = get_named_type
    environment.globals.update(default=_default, signature=field_signature, kind_of=type_kind)
    shown = examples()
    roots = [
        (name, root, {f: [e for e in shown if f"{name}.{f}" in e.root_fields] for f in root.fields})
        for name, root in (
            ("Query", schema.query_type),
            ("Mutation", schema.mutation_type),
            ("Subscription", schema.subscription_type),
        )
        if root
    ]
    root_names = {root.name for _, root, _ in roots}
    named = [
        t
        for n, t in sorted(schema.type_map.items())
        if not n.startswith("__") and n not in root_names
    ]
    groups = [(label, [t for t in named if isinstance(t, kind)]) for label, kind in KINDS]
    release = (ROOT / "schema" / "released.graphql").read_text().split("\n", 1)[0].lstrip("# ")
    return environment.get_template("apidocs.html").render(
        title=title,
        release=release,
        guide=_guide(),
        examples=shown,
        roots=roots,
        groups=groups,
    )


def write(schema: GraphQLSchema, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "index.html"
    page.write_text(render(schema))
    return page


def add_routes(app: web.Application, schema: GraphQLSchema) -> None:
    """`/docs/api`: rendered on the first request, then kept."""
    page: list[str] = []

    async def reference(request: web.Request) -> web.Response:
        if not page:
            page.append(render(schema))
        return web.Response(text=page[0], content_type="text/html", charset="utf-8")

    app.router.add_get("/docs/api", reference)
    app.router.add_get("/docs/api/", reference)


def _markdown(text: str | None) -> Markup:
    """Descriptions and docs/api.md are Markdown; raw HTML in them is escaped, not passed on."""
    return Markup(_MARKDOWN.render(text or ""))  # noqa: S704 - markdown-it escapes its input


def _guide() -> Markup:
    """docs/api.md without its title, each section heading an anchor (`#errors` too)."""
    html = str(_markdown(GUIDE.read_text().split("\n", 1)[1]))
    html = html.replace("<h2>Error codes</h2>", '<h2 id="errors">Error codes</h2>')
    return Markup(re.sub(r"<h2>([^<]+)</h2>", _heading, html))  # noqa: S704 - built from escaped HTML


def _heading(match: re.Match[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", match[1].lower()).strip("-")
    return f'<h2 id="guide-{slug}">{match[1]}</h2>'


def _reference(type_: object) -> Markup:
    """`[Task!]!` with `Task` linked to its section."""
    text = str(type_)
    name = text.strip("[]!")
    start = text.index(name)
    return Markup('{}<a href="#type-{}">{}</a>{}').format(
        text[:start], name, name, text[start + len(name) :]
    )


def _default(value: object, type_: object) -> str:
    """An argument's or input field's default, as GraphQL; empty when it has none."""
    from graphql import Undefined

    if value is Undefined:
        return ""
    node = ast_from_value(value, type_)  # type: ignore[arg-type]
    return f" = {print_ast(node)}" if node else ""


def field_signature(name: str, graphql_field: GraphQLField) -> Markup:
    args = Markup(", ").join(
        Markup("{}: {}{}").format(a, _reference(arg.type), _default(arg.default_value, arg.type))
        for a, arg in graphql_field.args.items()
    )
    return Markup("{}({})").format(name, args) if args else escape(name)


def type_kind(named: GraphQLNamedType) -> str:
    return next(label for label, kind in KINDS if isinstance(named, kind))[:-1].lower()
