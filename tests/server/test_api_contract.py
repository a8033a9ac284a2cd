"""The schema as a contract: no breaking change since the last release unless deprecated first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from schema import contract
from server.cli import cli

RELEASED = """
type Query {
  inbox: Int @deprecated(reason: "Use `myTasks`.")
  myTasks(first: Int, limit: Int @deprecated(reason: "Use `first`.")): Int
  kind: Kind
  old: Int @deprecated(reason: "No longer supported")
}
enum Kind { OPEN DONE @deprecated(reason: "Use `OPEN`.") LATER }
"""


def test_the_current_schema_keeps_the_released_contract() -> None:
    report = contract.compare(contract.RELEASED.read_text(), contract.CURRENT.read_text())
    assert report.ok, f"Breaking changes since the last release:\n{report}"


def test_every_deprecation_names_its_replacement() -> None:
    assert contract.unnamed_replacements(contract.CURRENT.read_text()) == []
    assert contract.unnamed_replacements(RELEASED) == ["Query.old: 'No longer supported'"]


def test_removing_what_was_never_deprecated_is_refused() -> None:
    current = "type Query { inbox: Int myTasks(first: Int): Int old: Int kind: Kind }\n" + (
        "enum Kind { OPEN DONE }"
    )
    report = contract.compare(RELEASED, current)
    assert not report.ok
    assert report.refused == ["Enum value Kind.LATER was removed."]


def test_a_deprecation_without_a_named_replacement_does_not_allow_removal() -> None:
    current = "type Query { inbox: Int myTasks(first: Int, limit: Int): Int kind: Kind }\n" + (
        "enum Kind { OPEN DONE LATER }"
    )
    assert contract.compare(RELEASED, current).refused == ["Field Query.old was removed."]


def test_removing_what_was_deprecated_for_a_release_passes_and_changes_are_listed() -> None:
    current = "type Query { myTasks(first: Int, after: String): Int kind: Kind old: Int }\n" + (
        "enum Kind { OPEN LATER SOON }"
    )
    report = contract.compare(RELEASED, current)
    assert report.ok, str(report)
    assert sorted(report.retired) == [
        "Argument Query.myTasks(limit:) was removed.",
        "Enum value Kind.DONE was removed.",
        "Field Query.inbox was removed.",
    ]
    assert "Enum value Kind.SOON was added." in report.dangerous
    assert "An optional argument Query.myTasks(after:) was added." in report.dangerous


def test_a_type_goes_once_every_use_of_it_was_deprecated() -> None:
    released = (
        'type Query { a: Old @deprecated(reason: "Use `b`.") b: New c: Kept }\n'
        "type Old { x: Int } type New { x: Int } type Kept { x: Int }"
    )
    report = contract.compare(released, "type Query { b: New }\ntype New { x: Int }")
    assert sorted(report.retired) == ["Field Query.a was removed.", "Old was removed."]
    assert sorted(report.refused) == ["Field Query.c was removed.", "Kept was removed."]


def test_changing_a_type_is_breaking_and_a_required_argument_too() -> None:
    current = (
        "type Query { inbox: Int myTasks(first: String, limit: Int, page: Int!): Int "
        "kind: Kind old: Int }\nenum Kind { OPEN DONE LATER }"
    )
    refused = contract.compare(RELEASED, current).refused
    assert "Argument Query.myTasks(first:) has changed type from Int to String." in refused
    assert "A required argument Query.myTasks(page:) was added." in refused


def test_a_release_records_the_schema_and_its_changes(tmp_path: Path) -> None:
    paths = {
        "released": tmp_path / "released.graphql",
        "current": tmp_path / "schema.graphql",
        "changelog": tmp_path / "CHANGELOG.md",
    }
    paths["current"].write_text(RELEASED)
    contract.release("1.0.0", **paths, today=date(2026, 1, 5))
    assert paths["released"].read_text() == "# Officecloud API 1.0.0\n" + RELEASED

    paths["current"].write_text("type Query { myTasks(first: Int): Int old: Int }")
    refused = contract.release("2.0.0", **paths, today=date(2026, 2, 1))
    assert not refused.ok
    assert paths["released"].read_text().startswith("# Officecloud API 1.0.0\n")

    paths["current"].write_text(
        "type Query { myTasks(first: Int): Int kind: Kind old: Int same: Int }\n"
        "enum Kind { OPEN LATER }"
    )
    assert contract.release("1.1.0", **paths, today=date(2026, 2, 1)).ok
    log = paths["changelog"].read_text()
    assert log.index("## 1.1.0 (2026-02-01)") < log.index("## 1.0.0 (2026-01-05)")
    assert "- Field Query.inbox was removed.\n" in log
    assert "- Field Query.same was added.\n" in log
    assert "The first released schema." in log


def test_check_schema_command_passes_on_the_repository() -> None:
    result = CliRunner().invoke(cli, ["api", "check"])
    assert result.exit_code == 0, result.output
