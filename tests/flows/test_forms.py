"""Forms (`services/forms.py`) and the versioned lifecycle they share with flows
(`services/versions.py`), called as services: every refusal with its field and words, the rows,
the audit entries and the event of each step, and the paths of a form's fields."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tortoise import connections

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import OrgUnit
from models.forms import FormDefinition, FormVersion, VersionStatus
from models.outbox import OutboxEvent
from services import directory, forms
from services.errors import ServiceError
from tests.conftest import Department, gid

SCHEMA = {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}


def refusal(error: pytest.ExceptionInfo[ServiceError]) -> list[tuple[str, str, Any]]:
    return [(p.code.value, p.message, p.field) for p in error.value.problems]


async def audited(department: Department, target: uuid.UUID) -> list[tuple[str, str, dict]]:
    rows = await department.scope.query(AuditEntry).filter(target_id=str(target)).order_by("seq")
    assert all(r.actor_id == department.actor.user_id for r in rows)
    return [(r.action, r.target_type, r.data) for r in rows]


async def clerk(department: Department) -> Actor:
    """A user of the department without any role."""
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    user = await directory.create_user(
        department.actor,
        username=f"u{uuid.uuid4().hex[:8]}",
        display_name="科员",
        org_unit_ids=[root.id],
    )
    return await actor_for(department.scope, user, department.tenant)


def test_field_paths_name_nested_object_properties() -> None:
    schema = {
        "properties": {
            "applicant": {
                "type": "object",
                "properties": {"name": {}, "unit": {"type": "object", "properties": {"id": {}}}},
            },
            "items": {"type": "array", "properties": {"hidden": {}}},
            "flag": True,
        }
    }
    assert list(forms.field_paths(schema)) == [
        "applicant",
        "applicant.name",
        "applicant.unit",
        "applicant.unit.id",
        "items",
        "flag",
    ]
    assert list(forms.field_paths({"type": "object"})) == []
    assert list(forms.field_paths({"properties": None})) == []
    assert list(forms.field_paths({"properties": {"a": {}}}, "top.")) == ["top.a"]


def problems(found: list) -> list[tuple[str, str, Any]]:
    return [(p.code.value, p.message, p.field) for p in found]


def test_a_form_schema_is_a_valid_object_schema_of_bounded_size() -> None:
    assert forms.schema_problems(SCHEMA) == []
    assert forms.schema_problems({}) == [], "an object unless it says otherwise"
    assert problems(forms.schema_problems([SCHEMA])) == [
        ("INVALID", "jsonSchema must be a JSON object", ("jsonSchema",))
    ]
    assert problems(forms.schema_problems({"type": "array"})) == [
        ("INVALID", "A form schema describes an object", ("jsonSchema", "type"))
    ]
    ((code, message, field),) = problems(forms.schema_problems({"properties": {"x": {"type": 5}}}))
    assert (code, field) == ("INVALID", ("jsonSchema", "properties", "x", "type"))
    assert message.startswith("Not a valid JSON Schema: 5 is not valid")
    padding = forms.MAX_SCHEMA_BYTES - len(str({"description": ""}))
    assert forms.schema_problems({"description": "x" * padding}) == []
    assert problems(forms.schema_problems({"description": "x" * (padding + 1)})) == [
        ("TOO_LONG", "jsonSchema is too large", ("jsonSchema",))
    ]


def test_data_errors_name_the_field_and_drafts_may_miss_required_ones() -> None:
    schema = {
        "type": "object",
        "properties": {
            "amount": {"type": "number"},
            "title": {"type": "string"},
            "applicant": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
        "required": ["amount", "title"],
    }
    data = {"title": 5, "applicant": {}}
    assert problems(forms.data_problems(schema, data, complete=False)) == [
        ("INVALID", "5 is not of type 'string'", ("formData", "title"))
    ]
    assert problems(forms.data_problems(schema, data, complete=True, field="data")) == [
        ("REQUIRED", "amount is required", ("data", "amount")),
        ("REQUIRED", "name is required", ("data", "applicant", "name")),
        ("INVALID", "5 is not of type 'string'", ("data", "title")),
    ]
    assert forms.data_problems(schema, {"amount": 1, "title": "x"}, complete=True) == []


async def test_a_form_is_created_with_its_first_draft(make_department) -> None:
    department = await make_department()
    form, version = await forms.create_form(
        department.actor, key=" leave ", name=" 请假单 ", description="说明", json_schema=SCHEMA
    )
    row = await department.scope.query(FormDefinition).get(id=form.id)
    assert (row.key, row.name, row.description, row.latest_published) == (
        "leave",
        "请假单",
        "说明",
        0,
    )
    stored = await department.scope.query(FormVersion).get(id=version.id)
    assert (stored.form_id, stored.number, stored.status) == (form.id, 1, VersionStatus.DRAFT)
    assert (stored.json_schema, stored.ui_schema) == (SCHEMA, {})
    assert await audited(department, form.id) == [
        ("form.created", "FormDefinition", {"key": "leave"})
    ]
    _, shown = await forms.create_form(
        department.actor, key="shown", name="显示", json_schema=SCHEMA, ui_schema={"a": 1}
    )
    assert shown.ui_schema == {"a": 1}

    with pytest.raises(ServiceError) as taken:
        await forms.create_form(department.actor, key="leave", name="又一个", json_schema=SCHEMA)
    assert refusal(taken) == [("DUPLICATE", "The form key 'leave' is taken", ("key",))]
    assert await department.scope.query(FormDefinition).filter(name="又一个").count() == 0


async def test_every_bad_input_of_a_new_form_is_reported_at_once(make_department) -> None:
    department = await make_department()
    with pytest.raises(ServiceError) as bad:
        await forms.create_form(
            department.actor, key="1st", name=" ", json_schema={"type": "string"}, ui_schema=[]
        )
    assert refusal(bad) == [
        ("INVALID", refusal_of_code("key"), ("key",)),
        ("REQUIRED", "name must not be empty", ("name",)),
        ("INVALID", "A form schema describes an object", ("jsonSchema", "type")),
        ("INVALID", "uiSchema must be a JSON object", ("uiSchema",)),
    ]
    with pytest.raises(ServiceError) as forbidden:
        await forms.create_form(await clerk(department), key="k", name="n", json_schema=SCHEMA)
    assert refusal(forbidden) == [("FORBIDDEN", "You lack the permission forms.manage", None)]
    assert await department.scope.query(FormDefinition).count() == 0


def refusal_of_code(label: str) -> str:
    return (
        f"{label} must start with a letter and hold only letters, digits, '_' or '-' (at most 64)"
    )


async def test_a_draft_changes_only_what_is_sent_and_publishing_freezes_it(
    make_department,
) -> None:
    department = await make_department()
    actor = department.actor
    form, _ = await forms.create_form(actor, key="k", name="旧名", json_schema=SCHEMA)
    same, draft = await forms.update_form_draft(actor, form_id=str(form.id), description="新说明")
    assert (same.name, same.description, draft.number) == ("旧名", "新说明", 1)
    renamed, draft = await forms.update_form_draft(
        actor, form_id=form.id, name=" 新名 ", ui_schema={"ui:order": ["amount"]}
    )
    assert renamed.name == "新名"
    assert draft.ui_schema == {"ui:order": ["amount"]}
    assert draft.json_schema == SCHEMA, "kept"
    stored_form = await department.scope.query(FormDefinition).get(id=form.id)
    assert (stored_form.name, stored_form.description) == ("新名", "新说明")
    stored_draft = await department.scope.query(FormVersion).get(id=draft.id)
    assert (stored_draft.json_schema, stored_draft.ui_schema) == (SCHEMA, {"ui:order": ["amount"]})

    published_form, published = await forms.publish_form(actor, form_id=form.id)
    assert (published_form.latest_published, published.number) == (1, 1)
    stored = await department.scope.query(FormVersion).get(id=published.id)
    entries = (
        await department.scope.query(AuditEntry).filter(target_id=str(form.id)).order_by("seq")
    )
    assert stored.status == VersionStatus.PUBLISHED
    assert (stored.published_at, stored.published_by_id) == (entries[-1].created_at, actor.user_id)
    assert (await department.scope.query(FormDefinition).get(id=form.id)).latest_published == 1
    event = await OutboxEvent.filter(tenant_id=department.tenant.id, topic="form.published").get()
    assert event.payload == {"formId": gid("Form", form.id), "version": 1}

    with pytest.raises(ServiceError) as nothing:
        await forms.publish_form(actor, form_id=form.id)
    assert refusal(nothing) == [("INVALID_STATE", "The form has no draft to publish", ("id",))]
    wider = {**SCHEMA, "properties": {**SCHEMA["properties"], "note": {"type": "string"}}}
    _, second = await forms.update_form_draft(actor, form_id=form.id, json_schema=wider)
    assert (second.number, second.status, second.ui_schema) == (
        2,
        VersionStatus.DRAFT,
        {"ui:order": ["amount"]},
    ), "a new draft copies the newest version"
    assert (await forms.published_version(department.scope, form.id)).id == published.id  # type: ignore[union-attr]
    await forms.publish_form(actor, form_id=form.id)
    newest = await forms.published_version(department.scope, form.id)
    assert newest is not None
    assert (newest.number, newest.json_schema) == (2, wider)
    assert await audited(department, form.id) == [
        ("form.created", "FormDefinition", {"key": "k"}),
        ("form.draft_updated", "FormDefinition", {"version": 1, "changed": ["description"]}),
        ("form.draft_updated", "FormDefinition", {"version": 1, "changed": ["name", "ui_schema"]}),
        ("form.published", "FormDefinition", {"version": 1}),
        ("form.draft_updated", "FormDefinition", {"version": 2, "changed": ["json_schema"]}),
        ("form.published", "FormDefinition", {"version": 2}),
    ]


async def test_draft_changes_are_checked_and_unknown_forms_not_found(make_department) -> None:
    department = await make_department()
    actor = department.actor
    form, _ = await forms.create_form(actor, key="k", name="名", json_schema=SCHEMA)
    with pytest.raises(ServiceError) as bad:
        await forms.update_form_draft(
            actor, form_id=form.id, name="", json_schema="{}", ui_schema=None
        )
    assert refusal(bad) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        ("INVALID", "jsonSchema must be a JSON object", ("jsonSchema",)),
        ("INVALID", "uiSchema must be a JSON object", ("uiSchema",)),
    ]
    for unknown in (uuid.uuid4(), "Rm9ybTox"):
        with pytest.raises(ServiceError) as missing:
            await forms.update_form_draft(actor, form_id=unknown, name="x")
        assert refusal(missing) == [("NOT_FOUND", "Form not found", ("id",))]
        with pytest.raises(ServiceError) as gone:
            await forms.publish_form(actor, form_id=unknown)
        assert refusal(gone) == [("NOT_FOUND", "Form not found", ("id",))]
    nobody = await clerk(department)
    for call in (forms.update_form_draft, forms.publish_form):
        with pytest.raises(ServiceError) as forbidden:
            await call(nobody, form_id=form.id)
        assert refusal(forbidden)[0][:2] == ("FORBIDDEN", "You lack the permission forms.manage")
    row = await department.scope.query(FormDefinition).get(id=form.id)
    assert (row.name, row.latest_published) == ("名", 0)


async def test_a_draft_stored_invalid_is_not_published(make_department) -> None:
    department = await make_department()
    form, draft = await forms.create_form(department.actor, key="k", name="n", json_schema=SCHEMA)
    await (
        department.scope.query(FormVersion)
        .filter(id=draft.id)
        .update(json_schema={"type": "array"})
    )
    with pytest.raises(ServiceError) as refused:
        await forms.publish_form(department.actor, form_id=form.id)
    assert refusal(refused) == [
        ("INVALID", "A form schema describes an object", ("jsonSchema", "type"))
    ]
    assert (await department.scope.query(FormVersion).get(id=draft.id)).status == "draft"
    assert await forms.published_version(department.scope, form.id) is None


async def test_a_form_without_versions_starts_a_blank_draft(make_department) -> None:
    department = await make_department()
    form, draft = await forms.create_form(department.actor, key="k", name="n", json_schema=SCHEMA)
    await connections.get("default").execute_query(
        "DELETE FROM form_version WHERE id = $1", [str(draft.id)]
    )
    _, fresh = await forms.update_form_draft(department.actor, form_id=form.id, name="m")
    assert (fresh.number, fresh.status) == (1, VersionStatus.DRAFT)
    assert (fresh.json_schema, fresh.ui_schema) == ({"type": "object", "properties": {}}, {})


async def test_each_form_publishes_its_own_draft(make_department) -> None:
    department = await make_department()
    first, first_draft = await forms.create_form(
        department.actor, key="a", name="甲", json_schema=SCHEMA
    )
    second, second_draft = await forms.create_form(
        department.actor, key="b", name="乙", json_schema={"type": "object"}
    )
    _, published = await forms.publish_form(department.actor, form_id=first.id)
    assert published.id == first_draft.id
    with pytest.raises(ServiceError) as none_left:
        await forms.publish_form(department.actor, form_id=first.id)
    assert refusal(none_left)[0][0] == "INVALID_STATE", "the other form's draft is not its"
    assert (await department.scope.query(FormVersion).get(id=second_draft.id)).status == "draft"
    assert (await department.scope.query(FormDefinition).get(id=second.id)).latest_published == 0
