"""`officecloud api …`: the API as a contract (changes since the release, releasing) and its
browsable reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

api_cli = typer.Typer(help="The GraphQL API as a contract: its changes, releases and reference.")
out = Console()
err = Console(stderr=True)


@api_cli.command("check")
def check() -> None:
    """Compare schema.graphql with the last release (schema/released.graphql): list every
    change, exit 1 on a breaking one whose element was not deprecated for a release."""
    from schema import contract

    report = contract.compare(contract.RELEASED.read_text(), contract.CURRENT.read_text())
    out.print(str(report) or "No changes since the last release.", markup=False)
    if not report.ok:
        raise typer.Exit(1)


@api_cli.command("release")
def release(
    version: Annotated[str, typer.Argument(help="The release's version, e.g. 1.1.0.")],
) -> None:
    """Make schema.graphql the released schema and add its changes to CHANGELOG.md."""
    from schema import contract

    report = contract.release(version)
    if not report.ok:
        err.print(str(report), markup=False)
        err.print(
            "Refused: deprecate first (@deprecated naming the replacement), release, then remove."
        )
        raise typer.Exit(1)
    out.print(f"Released {version}: schema/released.graphql and CHANGELOG.md updated.")


@api_cli.command("docs")
def docs(
    folder: Annotated[
        str, typer.Option("--out", help="Folder to write index.html into.")
    ] = "build/api",
) -> None:
    """Write the browsable API reference (dev mode serves it at /docs/api)."""
    from schema import build_schema
    from server import apidocs

    out.print(f"Wrote {apidocs.write(build_schema()._schema, Path(folder))}")
