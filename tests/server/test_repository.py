"""Checks on the repository itself: exported SDL, migrations, the layering rules and import
cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.base import TenantEntity
from models.directory import User
from models.scope import TenantSql
from schema import build_schema
from server.settings import MODEL_MODULES

ROOT = Path(__file__).resolve().parents[2]
PROJECT = {
    "server",
    "schema",
    "resolvers",
    "services",
    "workflow",
    "models",
    "auth",
    "sync",
    "subscriptions",
    "i18n",
}
QUERY_METHODS = {
    "filter",
    "get",
    "get_or_none",
    "all",
    "exclude",
    "create",
    "bulk_create",
    "first",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "annotate",
    "exists",
    "raw",
}
LAYERS = {
    "server": PROJECT,
    "schema": {"resolvers", "services", "auth", "models", "schema", "i18n"},
    "resolvers": {"services", "models", "auth", "resolvers", "subscriptions", "workflow", "i18n"},
    "services": {"workflow", "models", "subscriptions", "services"},
    "workflow": {"workflow"},
    "models": {"models"},
    "auth": {"models", "auth"},
    "sync": {"services", "models", "sync"},
    "subscriptions": {"models", "subscriptions"},
    "i18n": {"i18n"},
}
RAW_SQL = {"execute_query", "execute_query_dict", "execute_many", "execute_script", "raw"}
"""Calls that run SQL text, bypassing the ORM and so the tenant id `TenantScope` adds."""
RAW_SQL_HELPER = "models/scope.py"
RAW_SQL_ELSEWHERE = {
    "server/app.py": "the readiness probe's SELECT 1 reads no table",
    "server/metrics.py": "reads the size of the connection pool and runs no SQL",
    "services/stats.py": "platform jobs over every tenant: alerts, rollups, outbox lag",
    "services/sso/access_log.py": "flushes component-usage counters (rows carry their tenant_id)",
    "services/usage/counting.py": "upserts usage counters (rows carry their tenant_id), job locks",
}
"""System code that runs SQL of its own, each for a reason that is not a request's read."""
SHARED = {"workflow.vocabulary", "i18n"}
"""Modules every layer may import: `workflow/vocabulary.py` imports nothing and holds the enums
that the engine, the models and the schema share (docs/architecture.md); `i18n` marks messages
for translation (`_`). The translation point, `i18n.catalogues`, is the server's and schema's."""
TOOLS = {"bench"}
"""Tools build on the layers; no layer imports them (`officecloud bench` registers itself
through an entry point)."""
CYCLE_CHECKED = PROJECT | {"bench"}


def python_files(*folders: str) -> list[Path]:
    return [p for f in folders for p in (ROOT / f).rglob("*.py") if "migrations" not in p.parts]


def test_schema_graphql_is_the_exported_sdl() -> None:
    exported = build_schema().as_str() + "\n"
    assert (ROOT / "schema.graphql").read_text() == exported, (
        "schema.graphql is stale: run `make schema`"
    )


def test_migrations_match_the_models(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _DETECT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"OFFICECLOUD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "no changes", f"run `make migrations`: {probe.stdout}"


_DETECT = """
import asyncio
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector
from server.settings import get_settings

async def main():
    config = get_settings().tortoise_config()
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, init_connections=False)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    print("no changes" if not writers else [w.name for w in writers])

asyncio.run(main())
"""


def test_tenant_rows_are_queried_only_through_the_tenant_scope() -> None:
    """Tenancy in one place: `Model.filter(...)` on a tenant-owned model outside `models/` is
    a bug waiting to happen; `scope.query(Model)` carries the tenant id."""
    tenant_models = {m.__name__ for m in _subclasses(TenantEntity)}
    assert {"User", "OrgUnit", "Role"} <= tenant_models
    offenders = []
    for path in python_files(*sorted(PROJECT - {"models"})):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in tenant_models
            ):
                offenders.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.func.value.id}.{node.func.attr}"
                )
    assert offenders == []


def test_raw_sql_runs_only_through_the_tenant_helper() -> None:
    """Raw SQL is the one way around `TenantScope`, so it runs through `models.scope.TenantSql`,
    whose `where()` writes the tenant predicate and whose `rows()` refuses a statement without
    it; a connection taken anywhere else is an offender."""
    offenders = []
    for path in python_files(*sorted(PROJECT)):
        name = str(path.relative_to(ROOT))
        if name == RAW_SQL_HELPER or name in RAW_SQL_ELSEWHERE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            taken = isinstance(target, ast.Name) and target.id == "connections"
            if node.func.attr in RAW_SQL or taken:
                offenders.append(f"{name}:{node.lineno} {node.func.attr}")
    assert offenders == []


async def test_the_tenant_helper_reads_only_the_tenants_it_names(make_department) -> None:
    ours, theirs = await make_department(), await make_department()
    statement = "SELECT count(*) AS n FROM app_user u WHERE u.username <> $1"
    scoped = TenantSql([ours.tenant.id])
    with pytest.raises(ValueError, match="tenant predicate"):
        await scoped.rows(statement, [""])
    params: list[Any] = [""]
    (row,) = await scoped.rows(statement + scoped.where("u", params), params)
    assert row["n"] == await ours.scope.query(User).count()
    both = TenantSql([ours.tenant.id, theirs.tenant.id])
    params = [""]
    (row,) = await both.rows(statement + both.where("u", params), params)
    assert row["n"] == await ours.scope.query(User).count() + await theirs.scope.query(User).count()
    assert TenantSql(None).where("u", params) == "", "every tenant: no predicate"


def test_imports_follow_the_layering() -> None:
    """server → schema → resolvers → services → workflow / models (DESIGN.md)."""
    offenders = []
    for layer, allowed in LAYERS.items():
        for path in python_files(layer):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top in PROJECT | TOOLS and top not in allowed and name not in SHARED:
                        offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_there_are_no_import_cycles() -> None:
    """No module imports itself back through others, and no domain package (`services.documents`,
    `services.forms`) imports one that imports it back. Imports inside functions count: deferring
    an import postpones a cycle, it does not remove it; imports under `if TYPE_CHECKING:` never
    run and do not count."""
    graph = import_graph()
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(_package(module), set()).update(
            _package(t) for t in targets if _package(t) != _package(module)
        )
    cycles = [
        sorted(cycle)
        for cycle in strongly_connected(graph) + strongly_connected(packages)
        if {name.split(".")[0] for name in cycle} & CYCLE_CHECKED
    ]
    assert cycles == []


def import_graph() -> dict[str, set[str]]:
    """Every module of the project and the modules its imports run: the target, and the
    packages above it that are not above the importer too (those already ran)."""
    files = {_module_name(path): path for path in python_files(*sorted(PROJECT | TOOLS))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = set()
        for name in _imported(ast.parse(path.read_text()), package, files):
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                above = ".".join(parts[:depth])
                mine = module.startswith(above + ".") and depth < len(parts)
                if above in files and above != module and not mine:
                    graph[module].add(above)
    return graph


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imported(tree: ast.AST, package: str, files: dict[str, Path]) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
    return found


def _runtime_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:` (its `else` still runs)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _runtime_nodes(other)
            continue
        yield child
        yield from _runtime_nodes(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The cycles of `graph`: its strongly connected components of more than one node
    (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while (member := stack.pop()) != node:
                component.add(member)
            if component:
                cycles.append({*component, node})

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_shared_vocabulary_imports_nothing() -> None:
    for module in SHARED:
        path = ROOT / module.replace(".", "/")
        tree = ast.parse(
            (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text()
        )
        imported = {
            name.split(".")[0]
            for node in ast.walk(tree)
            for name in (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or "."]
                if isinstance(node, ast.ImportFrom)
                else []
            )
        }
        assert imported <= {"__future__", "enum", "typing"}, (module, imported)


def test_model_modules_are_all_registered() -> None:
    on_disk = {f"models.{p.stem}" for p in (ROOT / "models").glob("*.py")}
    helpers = {
        "models.__init__",
        "models.base",
        "models.scope",
        "models.access",
        "models.sqlite",
        "models.postgres",
        "models.text",
    }
    assert on_disk - helpers == set(MODEL_MODULES)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found
