"""The standard set's document boxes and the setup checklist's wording, called directly.

The shipped manifests are built once, at import; the document boxes are rebuilt here so that
what builds them is checked, against our GraphQL schema too."""

from __future__ import annotations

import pytest

from schema import build_schema
from services import forms
from services.errors import ServiceError
from services.portal import STANDARD_MANIFESTS, STEPS, setup_checklist, standard, validate_manifest
from services.portal.checklist import StepState
from tests.conftest import Department
from tests.portal.support import refusal

BOXES = {
    "doc-todo": ("我的待办 My to-do", "OPEN"),
    "doc-done": ("我的已办 Done", "DONE"),
    "doc-started": ("我的发起 Started by me", "STARTED"),
}


def test_document_boxes_are_built_as_shipped_and_valid() -> None:
    schema = build_schema()._schema
    shipped = {m["key"]: m for m in STANDARD_MANIFESTS}
    for key, (name, kind) in BOXES.items():
        built = standard._document_box(key, name, kind, shipped[key]["help"])
        if key == "doc-started":
            built["operation"] = shipped[key]["operation"]
        assert built == shipped[key]
        assert validate_manifest(built, operation_schema=schema).name == name
        assert built["settingsSchema"]["required"] == ["pageSize"]
        assert set(built["settingsSchema"]["properties"]) == {
            "pageSize",
            "showUrgency",
            "refreshSeconds",
        }
    todo = standard._document_box("doc-todo", "我的待办 My to-do", "OPEN", "帮助")
    assert todo["operation"].startswith("query PortalDocumentsOpen($first: Int!) {\n")
    assert "  myTasks(kind: OPEN, first: $first) {\n    totalCount\n" in todo["operation"]
    assert todo["description"] == "我的待办 My to-do: the signed-in user's documents, newest first."
    assert (todo["version"], todo["category"], todo["help"]) == ("1.0.0", "document_flow", "帮助")
    assert standard._settings({}) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {},
        "required": [],
    }


async def test_the_checklist_names_each_step_and_what_to_do(make_department) -> None:
    department: Department = await make_department()
    checklist = await setup_checklist(department.actor)
    assert [(s.step.key, s.step.title, s.step.hint) for s in checklist.steps] == [
        (
            "org_units",
            "组织机构 Build the org structure",
            "Add the units below the root unit (createOrgUnit).",
        ),
        ("users", "用户 Add people", "Add users besides the first administrator."),
        ("roles", "角色 Define roles", "Add a role beyond the default ones."),
        (
            "forms",
            "表单 Design forms",
            "Publish a form (createForm, publishForm), or install a template (installTemplate).",
        ),
        (
            "flows",
            "流程 Design approval flows",
            "Publish a flow bound to a form (createFlow, publishFlow), or install a template.",
        ),
        (
            "portal",
            "门户 Publish the office portal",
            "Place service components and publish the portal layout (publishPortalLayout).",
        ),
    ]
    assert [s.step for s in checklist.steps] == STEPS
    assert {s.state for s in checklist.steps} == {StepState.TODO}
    assert (checklist.done, checklist.next) == (0, checklist.steps[0])
    await forms.create_form(
        department.actor,
        key="leave",
        name="请假",
        json_schema={"type": "object", "properties": {"days": {"type": "integer"}}},
    )
    drafted = await setup_checklist(department.actor)
    assert [s.state for s in drafted.steps][3] is StepState.TODO, "a draft is not published"
    with pytest.raises(ServiceError) as refused:
        await setup_checklist(None)
    assert refusal(refused) == [("UNAUTHENTICATED", "Sign in first", None)]
