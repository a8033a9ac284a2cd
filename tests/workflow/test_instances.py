"""Stored instances keep working: instance JSONs written by earlier engines load, upgrade to
today's schema version and continue exactly as the engine that wrote them continued them.

The fixtures (`tests/fixtures/instances/*.v<N>.json`, made by `capture.py` there) hold a
flow, the steps that led to a state, the instance JSON stored there, and every step of a
continuation with what it gave (instance, effects, events, buttons, return targets)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import workflow
from tests.conftest import FIXTURES
from tests.fixtures.instances.capture import NOW, queries, resolve, run, summary
from workflow.migrations import SCHEMA_VERSION, upgrade

INSTANCES = sorted((FIXTURES / "instances").glob("*.v*.json"))

#: What each schema version added (fields of tokens and tasks, task and document actions).
#: A fixture of an earlier version is compared on what the engine that wrote it knew.
ADDED: dict[int, dict[str, set[str]]] = {
    2: {
        "token": {"came_from", "added_by", "removed"},
        "task": {"opened_at", "opened_by", "delegated_from"},
        "task_action": {"open", "take_back"},
        "document_action": {"remove_signers", "jump"},
    },
}


def _later(version: int, part: str) -> set[str]:
    return set().union(*(added[part] for v, added in ADDED.items() if v > version))


def as_of(version: int, data: dict[str, Any]) -> dict[str, Any]:
    """An instance dict, or a step's summary, as version ``version`` knew it."""
    token_keys, task_keys = _later(version, "token"), _later(version, "task")
    out = dict(data)
    if "tokens" in out:
        out["tokens"] = [{k: x for k, x in t.items() if k not in token_keys} for t in out["tokens"]]
        out["tasks"] = [{k: x for k, x in t.items() if k not in task_keys} for t in out["tasks"]]
    if "instance" in out:
        out["instance"] = as_of(version, out["instance"])
    if "queries" in out:
        out["queries"] = queries_as_of(version, out["queries"])
    return out


def queries_as_of(version: int, found: dict[str, Any]) -> dict[str, Any]:
    task_actions = _later(version, "task_action")
    document_actions = _later(version, "document_action")
    tasks = {
        key: {
            **entry,
            "allowed": {
                user: [a for a in actions if a not in task_actions]
                for user, actions in entry["allowed"].items()
            },
        }
        for key, entry in found["tasks"].items()
    }
    document = {
        key: code
        for key, code in found["document"].items()
        if key.split(" ", 1)[0] not in document_actions
    }
    return {"tasks": tasks, "document": document}


def load(path: Path) -> dict[str, Any]:
    """The fixture, with the schema version its name gives (``<state>.v<N>.json``)."""
    data: dict[str, Any] = json.loads(path.read_text())
    data["version"] = int(path.name.removesuffix(".json").rsplit(".v", 1)[1])
    return data


@pytest.fixture(params=INSTANCES, ids=[p.name for p in INSTANCES])
def fixture(request: pytest.FixtureRequest) -> dict[str, Any]:
    return load(request.param)


def test_there_is_a_fixture_of_every_interesting_state_of_each_version() -> None:
    names = {p.name for p in INSTANCES}
    states = {
        1: (
            "countersign-running",
            "parallel-open",
            "after-return",
            "finished",
            "countersign-added",
        ),
        2: ("taken-back", "signers-removed", "jumped-into-branch"),
    }
    assert max(states) == SCHEMA_VERSION
    for version, named in states.items():
        for state in named:
            assert f"{state}.v{version}.json" in names


def test_version_2_reads_who_added_the_signers_of_a_version_1_countersign() -> None:
    fixture = load(FIXTURES / "instances" / "countersign-added.v1.json")
    flow = workflow.FlowDefinition.model_validate(fixture["flow"])
    instance = workflow.Instance.from_json(fixture["instance"])
    (token,) = instance.tokens
    assert token.voters == ("a", "b", "c", "x", "y")
    assert token.added_by == ((3, "a"), (4, "a"))
    assert workflow.removable_signers(flow, instance, "a") == {"review": ("y",)}, "x voted"
    assert workflow.removable_signers(flow, instance, "b") == {}
    assert [t.opened_at for t in instance.tasks] == [None] * len(instance.tasks)


def test_a_stored_instance_loads_and_upgrades_to_the_current_version(
    fixture: dict[str, Any],
) -> None:
    stored = fixture["instance"]
    assert stored["schema_version"] == fixture["version"] <= SCHEMA_VERSION
    instance = workflow.Instance.from_json(stored)
    assert instance.schema_version == SCHEMA_VERSION
    assert instance == workflow.Instance.from_json(json.dumps(stored))
    assert workflow.Instance.from_json(instance.to_json()) == instance
    assert upgrade(stored) == instance.to_dict()


def test_todays_engine_reaches_the_stored_state_the_same_way(fixture: dict[str, Any]) -> None:
    flow = workflow.FlowDefinition.model_validate(fixture["flow"])
    form, doc = fixture["form"], fixture["doc"]
    instance = workflow.start(flow, form, doc, fixture["initiator"], now=NOW).instance
    for op in fixture["prefix"]:
        assert resolve(op, instance) == op
        instance = run(flow, instance, op, form, doc).instance
    version = fixture["version"]
    stored = workflow.Instance.from_json(fixture["instance"])
    assert as_of(version, instance.to_dict()) == as_of(version, stored.to_dict())
    assert queries_as_of(version, queries(flow, instance)) == fixture["queries"]


def test_a_stored_instance_continues_as_it_did_when_it_was_written(
    fixture: dict[str, Any],
) -> None:
    flow = workflow.FlowDefinition.model_validate(fixture["flow"])
    form, doc = fixture["form"], fixture["doc"]
    version = fixture["version"]
    instance = workflow.Instance.from_json(fixture["instance"])
    for op, expected in zip(fixture["continuation"], fixture["results"], strict=True):
        if "error" in expected:
            before = instance.to_json()
            with pytest.raises(workflow.EngineError) as refused:
                run(flow, instance, op, form, doc)
            assert refused.value.code == expected["error"], op
            assert instance.to_json() == before
            continue
        step = run(flow, instance, op, form, doc)
        got = as_of(version, {**summary(step), "queries": queries(flow, step.instance)})
        written = workflow.Instance.from_json(expected["instance"]).to_dict()
        assert got["instance"] == as_of(version, written), op
        assert {k: v for k, v in got.items() if k != "instance"} == {
            k: v for k, v in expected.items() if k != "instance"
        }, op
        instance = step.instance


def test_an_instance_from_a_newer_engine_is_refused() -> None:
    newer = {**load(INSTANCES[0])["instance"], "schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(ValueError, match="newer"):
        workflow.Instance.from_json(newer)


def test_upgrade_applies_each_migration_in_turn_from_the_stored_version() -> None:
    applied: list[int] = []

    def migration(version: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def migrate(data: dict[str, Any]) -> dict[str, Any]:
            assert data["schema_version"] == version
            applied.append(version)
            return {**data, f"from_v{version}": True}

        return migrate

    chain = {1: migration(1), 2: migration(2)}
    old = {"schema_version": 1, "status": "running"}
    assert upgrade(old, migrations=chain, current=3) == {
        "schema_version": 3,
        "status": "running",
        "from_v1": True,
        "from_v2": True,
    }
    assert applied == [1, 2]
    assert old == {"schema_version": 1, "status": "running"}  # the input is left alone
    assert upgrade({"schema_version": 2}, migrations=chain, current=3)["from_v2"]
    assert upgrade({"status": "running"}, migrations={}, current=1)["schema_version"] == 1
    with pytest.raises(ValueError, match="no migration"):
        upgrade(old, migrations={}, current=2)
    with pytest.raises(ValueError, match="not a version"):
        upgrade({"schema_version": "1"})
