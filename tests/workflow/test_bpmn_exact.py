"""The exported BPMN file, pinned byte for byte: every attribute, extension and DI coordinate
that bpmn-js, Camunda Modeler and our own import read. A change to the export shows here as a
diff of the files in tests/fixtures/bpmn-exported; if it is meant, write them anew with
`python -m tests.workflow.test_bpmn_exact` and review that diff."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.workflow.bpmn_support import rich_definition
from tests.workflow.support import chain, countersign, task
from workflow import FlowDefinition, dispatch_template, export_bpmn, import_bpmn, receipt_template

EXPORTED = FIXTURES / "bpmn-exported"


def _options() -> FlowDefinition:
    """What the rich flow leaves out: duties separated for the flow and per node, working-time
    deadlines that approve or do nothing, a held single-user task, an archive node, an ``any``
    countersign."""
    return chain(
        task("single", "u1", separateDuties=False),
        task(
            "pooled",
            "u2",
            pool=True,
            separateDuties=True,
            deadline={"workingHours": 8, "remindBeforeHours": 2, "onTimeout": "approve"},
        ),
        countersign("anyone", ["a", "b"], mode="any", deadline={"workingDays": 2}),
        task("file", "clerk", archives=True, deadline={"hours": 1}),
    ).model_copy(update={"id": "options", "name": "选项", "separate_duties": True})


FLOWS = {
    "rich": rich_definition,
    "dispatch": dispatch_template,
    "receipt": receipt_template,
    "options": _options,
}


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_the_export_is_exactly_the_pinned_file(name: str) -> None:
    defn = FLOWS[name]()
    xml = export_bpmn(defn)
    assert xml == (EXPORTED / f"{name}.bpmn").read_text(encoding="utf-8")
    again, problems = import_bpmn(xml)
    assert [p for p in problems if p.severity == "error"] == []
    assert again == defn


if __name__ == "__main__":
    EXPORTED.mkdir(exist_ok=True)
    for flow_name, make in FLOWS.items():
        (EXPORTED / f"{flow_name}.bpmn").write_text(export_bpmn(make()), encoding="utf-8")
