"""Documentation that lists what the code has, checked against the code so it cannot go stale."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from subscriptions.topics import Topic

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("server", "schema", "resolvers", "services", "workflow", "models", "auth")
LAYERS += ("subscriptions", "sync", "i18n")
CODE = [path for layer in LAYERS for path in (ROOT / layer).rglob("*.py")]


def section(path: Path, heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    text = path.read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def first_cells(markdown: str) -> list[str]:
    """The first cell of every table row (header and rule rows left out)."""
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    return [row.split("|")[1] for row in rows[2:]] if rows else []


def test_every_emitted_topic_is_documented_and_every_documented_topic_emitted() -> None:
    documented = {
        topic
        for cell in first_cells(section(ROOT / "docs/events.md", "Topics"))
        for topic in re.findall(r"`([a-z_.]+)`", cell)
    }
    registered = {t.value for t in Topic}
    assert documented - registered == set(), "documented in docs/events.md but never emitted"
    assert registered - documented == set(), "emitted but missing from docs/events.md"

    used = {
        node.attr
        for path in CODE
        if path.name != "topics.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Topic"
    }
    assert {t.name for t in Topic} - used == set(), "Topic members no writer uses"


def modules(layer: Path) -> set[str]:
    """The layer's module files and packages, as the table names them (`x.py`, `x/`); an
    `__init__.py` only when it holds code."""
    found = {p.name for p in layer.glob("*.py") if p.name != "__init__.py"}
    found |= {f"{p.name}/" for p in layer.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    init = layer / "__init__.py"
    if any(not isinstance(n, ast.Expr) for n in ast.parse(init.read_text()).body):
        found.add("__init__.py")
    return found


def layer_tables() -> dict[str, dict[str, str]]:
    """Per layer (its `### ` heading) of the Layers section, the rows of its table: each name in
    the first cell -> the text of the row."""
    tables = {}
    for part in section(ROOT / "docs/architecture.md", "Layers").split("\n### ")[1:]:
        heading, _, body = part.partition("\n")
        rows = {
            name: line
            for line in body.splitlines()
            if line.startswith("| `")
            for name in re.findall(r"`([^`]+)`", line.split("|")[1])
        }
        tables[heading.strip().strip("`")] = rows
    return tables


def test_the_architecture_has_a_table_per_layer_naming_every_module() -> None:
    tables = layer_tables()
    layers = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert set(tables) == {f"{layer}/" for layer in layers} == {f"{layer}/" for layer in LAYERS}
    for layer in layers:
        rows = tables[f"{layer}/"]
        assert set(rows) == modules(ROOT / layer), f"{layer}/: its table and its folder differ"
        for package in (name for name in rows if name.endswith("/") and name != "migrations/"):
            named = set(re.findall(r"`([a-z_]+(?:\.py|/))`", rows[package]))
            missing = modules(ROOT / layer / package) - named
            assert missing == set(), f"{layer}/{package}: its row misses {missing}"


def test_the_web_console_table_names_every_module_of_web_src() -> None:
    table = section(ROOT / "docs/architecture.md", "The web console (`web/`)")
    rows = {
        name: line
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([^`]+)`", line.split("|")[1])
    }
    src = ROOT / "web" / "src"
    found = {p.name + ("/" if p.is_dir() else "") for p in src.iterdir() if p.name != "gql"}
    assert set(rows) == found, "web/src and its table in docs/architecture.md differ"
    for folder in (name for name in rows if name.endswith("/")):
        named = set(re.findall(r"`([^`]+)`", rows[folder]))
        assert {p.name for p in (src / folder).iterdir()} <= named, f"web/src/{folder}"
