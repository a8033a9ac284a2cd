"""Flows as services (`services/flows.py`): a draft's definition checked on every write, BPMN
imports refused with the element at fault, the directory checks of assignees before publishing,
and the rows, audit entries and event of each step."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import workflow
from models.access import DataScope, Permission
from models.audit import AuditEntry
from models.directory import OrgUnit, Role, UserStatus
from models.flows import FlowDefinition, FlowVersion
from models.outbox import OutboxEvent
from services import directory, flows, forms
from services.errors import ServiceError
from tests.conftest import FIXTURES, Department, gid
from tests.flows.test_forms import SCHEMA, clerk, refusal

Rule = dict[str, Any]


def flow(assignee: Rule | None = None, **extra: Any) -> dict[str, Any]:
    """start → 审批 (by `assignee`) → end."""
    task = {"id": "approve", "name": "审批", "type": "task", **extra}
    task["assignee"] = assignee or {"kind": "previous_handler"}
    return {
        "id": "f",
        "name": "审批流程",
        "nodes": [{"id": "start", "type": "start"}, task, {"id": "end", "type": "end"}],
        "transitions": [
            {"id": "t1", "source": "start", "target": "approve"},
            {"id": "t2", "source": "approve", "target": "end"},
        ],
    }


async def form_of(department: Department, publish: bool = True) -> uuid.UUID:
    form, _ = await forms.create_form(
        department.actor, key=f"form{uuid.uuid4().hex[:6]}", name="表", json_schema=SCHEMA
    )
    if publish:
        await forms.publish_form(department.actor, form_id=form.id)
    return form.id


def test_engine_problems_become_input_errors_at_the_element() -> None:
    found = flows.engine_problems(
        [
            workflow.Problem("A", "at a node", node_id="n1", transition_id="t9"),
            workflow.Problem("B", "at a transition", transition_id="t1"),
            workflow.Problem("C", "only a warning", node_id="n2", severity="warning"),
            workflow.Problem("D", "the whole flow"),
        ],
        root="xml",
    )
    assert [(p.code.value, p.message, p.field) for p in found] == [
        ("INVALID", "at a node", ("xml", "nodes", "n1")),
        ("INVALID", "at a transition", ("xml", "transitions", "t1")),
        ("INVALID", "the whole flow", ("xml",)),
    ]
    assert flows.engine_problems([workflow.Problem("D", "x")])[0].field == ("definition",)


def test_only_a_json_object_is_a_flow() -> None:
    assert flows.parse(flow()).nodes[1].id == "approve"
    for not_a_flow in ([flow()], "flow", None, {}):
        with pytest.raises(ServiceError) as refused:
            flows.parse(not_a_flow, root="draft")
        assert [(p.code.value, p.message, p.field) for p in refused.value.problems] == [
            ("INVALID", "nodes: Field required", ("draft",)),
            ("INVALID", "transitions: Field required", ("draft",)),
        ], "read as an empty object"
    with pytest.raises(ServiceError) as bad:
        flows.parse({**flow(), "nodes": [{"id": "x", "type": "nonsense"}]})
    assert {p.field for p in bad.value.problems} == {("definition", "nodes", "x")}


async def test_a_flow_is_created_on_a_form_and_its_draft_rewritten(make_department) -> None:
    department = await make_department()
    form_id = await form_of(department, publish=False)
    row, version = await flows.create_flow(
        department.actor, key=" leave ", name=" 请假 ", form_id=str(form_id), definition=flow()
    )
    stored = await department.scope.query(FlowDefinition).get(id=row.id)
    assert (stored.key, stored.name, stored.description, stored.form_id) == (
        "leave",
        "请假",
        "",
        form_id,
    )
    draft = await department.scope.query(FlowVersion).get(id=version.id)
    assert (draft.number, draft.status, draft.definition) == (1, "draft", flow())
    entries = await department.scope.query(AuditEntry).filter(target_id=str(row.id))
    assert [(e.action, e.target_type, e.data) for e in entries] == [
        ("flow.created", "FlowDefinition", {"key": "leave"})
    ]
    renamed, redrawn = await flows.update_flow_draft(
        department.actor,
        flow_id=row.id,
        name=" 休假 ",
        definition=flow(fieldAccess={"amount": "editable"}),
    )
    assert (renamed.name, redrawn.number, redrawn.definition) == (
        "休假",
        1,
        flow(fieldAccess={"amount": "editable"}),
    )
    kept, same = await flows.update_flow_draft(department.actor, flow_id=row.id, description="d")
    assert (kept.name, kept.description, same.definition) == (
        "休假",
        "d",
        flow(fieldAccess={"amount": "editable"}),
    )
    stored = await department.scope.query(FlowDefinition).get(id=row.id)
    assert (stored.name, stored.description) == ("休假", "d")
    draft = await department.scope.query(FlowVersion).get(id=version.id)
    assert draft.definition == flow(fieldAccess={"amount": "editable"})


async def test_bad_flow_input_is_refused_before_anything_is_written(make_department) -> None:
    department = await make_department()
    form_id = await form_of(department)
    actor = department.actor
    with pytest.raises(ServiceError) as bad:
        await flows.create_flow(actor, key="", name="", form_id=form_id, definition=flow())
    assert refusal(bad) == [
        ("REQUIRED", "key must not be empty", ("key",)),
        ("REQUIRED", "name must not be empty", ("name",)),
    ]
    with pytest.raises(ServiceError) as not_a_flow:
        await flows.create_flow(actor, key="k", name="n", form_id=form_id, definition=[])
    assert refusal(not_a_flow) == [
        ("INVALID", "nodes: Field required", ("definition",)),
        ("INVALID", "transitions: Field required", ("definition",)),
    ]
    with pytest.raises(ServiceError) as no_form:
        await flows.create_flow(actor, key="k", name="n", form_id=uuid.uuid4(), definition=flow())
    assert refusal(no_form) == [("NOT_FOUND", "Form not found", ("formId",))]
    nobody = await clerk(department)
    with pytest.raises(ServiceError) as forbidden:
        await flows.create_flow(nobody, key="k", name="n", form_id=form_id, definition=flow())
    assert refusal(forbidden) == [("FORBIDDEN", "You lack the permission flows.manage", None)]
    assert await department.scope.query(FlowDefinition).count() == 0

    row, _ = await flows.create_flow(actor, key="k", name="n", form_id=form_id, definition=flow())
    with pytest.raises(ServiceError) as empty:
        await flows.update_flow_draft(actor, flow_id=row.id, name=" ", definition="x")
    assert refusal(empty) == [("REQUIRED", "name must not be empty", ("name",))]
    with pytest.raises(ServiceError) as wrong:
        await flows.update_flow_draft(actor, flow_id=row.id, definition=["x"])
    assert [field for _, _, field in refusal(wrong)] == [("definition",)] * 2
    for call in (flows.update_flow_draft, flows.publish_flow):
        with pytest.raises(ServiceError) as stranger:
            await call(nobody, flow_id=row.id)
        assert refusal(stranger)[0][0] == "FORBIDDEN"
    with pytest.raises(ServiceError) as missing:
        await flows.update_flow_draft(actor, flow_id=uuid.uuid4(), name="x")
    assert refusal(missing) == [("NOT_FOUND", "Flow not found", ("id",))]
    assert (await department.scope.query(FlowDefinition).get(id=row.id)).name == "n"


async def test_publishing_binds_the_forms_published_version(make_department) -> None:
    department = await make_department()
    actor = department.actor
    form_id = await form_of(department, publish=False)
    row, draft = await flows.create_flow(
        actor, key="k", name="n", form_id=form_id, definition=flow()
    )
    with pytest.raises(ServiceError) as early:
        await flows.publish_flow(actor, flow_id=row.id)
    assert refusal(early) == [("INVALID_STATE", "Publish the flow's form before the flow", ("id",))]
    await forms.publish_form(actor, form_id=form_id)
    await forms.update_form_draft(actor, form_id=form_id, description="v2")
    await forms.publish_form(actor, form_id=form_id)
    published_row, published = await flows.publish_flow(actor, flow_id=str(row.id))
    assert (published_row.latest_published, published.number) == (1, 1)
    stored = (
        await department.scope.query(FlowVersion).get(id=draft.id).prefetch_related("form_version")
    )
    assert (stored.status, stored.form_version.number, stored.published_by_id) == (  # type: ignore[union-attr]
        "published",
        2,
        actor.user_id,
    )
    entry = await department.scope.query(AuditEntry).get(
        target_id=str(row.id), action="flow.published"
    )
    assert (entry.target_type, entry.data) == ("FlowDefinition", {"version": 1, "formVersion": 2})
    assert entry.created_at == stored.published_at
    event = await OutboxEvent.filter(tenant_id=department.tenant.id, topic="flow.published").get()
    assert event.payload == {"flowId": gid("Flow", row.id), "version": 1}
    assert (await flows.FLOWS.current(department.scope, published_row)).id == draft.id  # type: ignore[union-attr]

    _, second = await flows.update_flow_draft(actor, flow_id=row.id, name="n2")
    assert (second.number, second.definition) == (2, flow()), "copied from version 1"
    current = await flows.FLOWS.current(department.scope, published_row)
    assert current is not None
    assert current.number == 1, "a draft is not current"


async def test_a_broken_draft_is_refused_at_publish_naming_the_element(make_department) -> None:
    department = await make_department()
    form_id = await form_of(department)
    row, draft = await flows.create_flow(
        department.actor, key="k", name="n", form_id=form_id, definition=flow()
    )
    broken = flow()
    broken["transitions"][1]["condition"] = "form.nowhere > 1"
    await department.scope.query(FlowVersion).filter(id=draft.id).update(definition=broken)
    with pytest.raises(ServiceError) as refused:
        await flows.publish_flow(department.actor, flow_id=row.id)
    assert {(p.code.value, p.field) for p in refused.value.problems} == {
        ("INVALID", ("definition", "transitions", "t2"))
    }
    assert (await department.scope.query(FlowDefinition).get(id=row.id)).latest_published == 0


async def test_a_bpmn_file_replaces_the_draft_or_is_refused_at_its_element(
    make_department,
) -> None:
    department = await make_department()
    form_id = await form_of(department)
    row, _ = await flows.create_flow(
        department.actor, key="k", name="n", form_id=form_id, definition=flow()
    )
    with pytest.raises(ServiceError) as huge:
        await flows.import_bpmn(department.actor, flow_id=row.id, xml="x" * 2_000_001)
    assert refusal(huge) == [("TOO_LONG", "The BPMN file is larger than 2 MB", ("xml",))]
    with pytest.raises(ServiceError) as largest:
        await flows.import_bpmn(department.actor, flow_id=row.id, xml="x" * 2_000_000)
    assert refusal(largest) == [
        ("INVALID", "not well-formed XML: syntax error: line 1, column 0", ("xml", ""))
    ], "not refused for its size"
    with pytest.raises(ServiceError) as unsupported:
        await flows.import_bpmn(
            department.actor,
            flow_id=row.id,
            xml=(FIXTURES / "unsupported-bpmnjs.bpmn").read_text(),
        )
    assert unsupported.value.problems
    assert all(p.field and p.field[0] == "xml" for p in unsupported.value.problems)
    assert any(len(p.field or ()) == 2 and p.field[1] for p in unsupported.value.problems)
    _, draft = await flows.import_bpmn(
        department.actor, flow_id=row.id, xml=(FIXTURES / "dispatch-bpmnjs.bpmn").read_text()
    )
    assert {"draft", "countersign"} <= {n["id"] for n in draft.definition["nodes"]}
    with pytest.raises(ServiceError) as forbidden:
        await flows.import_bpmn(await clerk(department), flow_id=row.id, xml="<x/>")
    assert refusal(forbidden)[0][0] == "FORBIDDEN"


async def test_assignees_are_checked_against_the_directory(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    people = {}
    for name in ("active", "gone"):
        people[name] = await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
    held = await directory.create_role(
        actor, code="held", name="有人", permissions=[], data_scope=DataScope.SELF
    )
    left = await directory.create_role(
        actor, code="left", name="人走了", permissions=[], data_scope=DataScope.SELF
    )
    await directory.create_role(
        actor, code="empty", name="无人", permissions=[], data_scope=DataScope.SELF
    )
    await directory.assign_role(actor, user_id=people["active"].id, role_id=held.id)
    await directory.assign_role(actor, user_id=people["gone"].id, role_id=left.id)
    await directory.update_user(actor, id=people["gone"].id, status=UserStatus.DISABLED)
    led = await directory.create_org_unit(
        actor, name="有领导", parent_id=root.id, leader_id=people["active"].id
    )
    leaderless = await directory.create_org_unit(actor, name="无领导", parent_id=root.id)
    active, gone = str(people["active"].id), str(people["gone"].id)
    definition = flows.parse(
        flow(
            {"kind": "role", "roleCode": "held"},
            cc=[
                {"kind": "role", "roleCode": "left"},
                {"kind": "users", "ids": ["active", gone, "nobody"]},
                {"kind": "org_unit_leader", "orgUnitId": str(led.id)},
            ],
            deadline={
                "hours": 8,
                "onTimeout": "escalate",
                "escalateTo": {"kind": "org_unit_leader", "orgUnitId": str(leaderless.id)},
            },
        )
    )
    check = await flows.AssigneeCheck.load(department.scope, definition)
    assert check.roles_with_holders == {"held"}
    assert check.units_with_leaders == {str(led.id)}
    assert check.active_users == {"active"}

    def role(code: str) -> str | None:
        return check(workflow.RoleRule(role_code=code))

    def unit(key: str) -> str | None:
        return check(workflow.OrgUnitLeaderRule(org_unit_id=key))

    def users(*ids: str) -> str | None:
        return check(workflow.UsersRule(ids=list(ids)))

    assert role("held") is None
    assert role("left") == "no active user holds the role 'left'"
    assert role("empty") == "no active user holds the role 'empty'"
    assert unit(str(led.id)) is None
    for key in (str(leaderless.id), "not-an-id", str(uuid.uuid4())):
        assert unit(key) == f"org unit {key} does not exist or has no leader"
    assert users("active") is None
    assert users("active", gone, "x") == f"not active users of this tenant: {gone}, x"
    assert users() == "not active users of this tenant: (none given)"
    assert check(workflow.PreviousHandlerRule()) is None

    by_id = await flows.AssigneeCheck.load(
        department.scope, flows.parse(flow({"kind": "users", "ids": [active]}))
    )
    assert (by_id.active_users, by_id.roles_with_holders, by_id.units_with_leaders) == (
        {active},
        set(),
        set(),
    )


async def test_template_roles_are_added_when_missing(make_department) -> None:
    department = await make_department()
    await directory.create_role(
        department.actor,
        code="leader",
        name="本单位领导",
        permissions=[Permission.DOCUMENTS_READ.value],
        data_scope=DataScope.TENANT,
    )
    made = await flows.ensure_roles(
        department.scope, {"leader": "领导", "office_clerk": "收发员", "drafter": "拟稿人"}
    )
    assert [(r.code, r.name, r.data_scope) for r in made] == [
        ("office_clerk", "收发员", DataScope.SELF),
        ("drafter", "拟稿人", DataScope.SELF),
    ]
    roles = {r.code: r for r in await department.scope.query(Role)}
    assert sorted(roles["office_clerk"].permissions) == ["exchange.receive", "exchange.send"]
    assert roles["drafter"].permissions == []
    assert (roles["leader"].name, roles["leader"].permissions) == ("本单位领导", ["documents.read"])
    assert await flows.ensure_roles(department.scope, {"drafter": "x"}) == []
