"""The console's BPMN fixture (web/src/designers/flow/fixtures/purchase.bpmn, read by the
vitest round trip of the properties panel's code) is the server's export of this flow, so the
panel is tested on what the server writes. Rewrite it after an export change with
OFFICECLOUD_WRITE_FIXTURES=1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workflow.bpmn import export_bpmn
from workflow.definition import load_definition

FIXTURE = Path(__file__).parents[2] / "web/src/designers/flow/fixtures/purchase.bpmn"


def _role(code: str) -> dict[str, Any]:
    return {"kind": "role", "roleCode": code}


PURCHASE = {
    "id": "purchase",
    "name": "采购",
    "nodes": [
        {"id": "start", "type": "start", "name": "开始"},
        {"id": "draft", "type": "task", "name": "拟稿", "assignee": {"kind": "previous_handler"},
         "allowReturn": False},
        {"id": "check", "type": "exclusive_gateway", "name": "金额"},
        {"id": "review", "type": "task", "name": "核稿", "assignee": _role("office_director"),
         "deadline": {"hours": 24, "remindBeforeHours": 4, "onTimeout": "escalate",
                      "escalateTo": {"kind": "initiator_leader", "levelsUp": 1}},
         "fieldAccess": {"amount": "readonly", "note": "hidden"},
         "cc": [{"kind": "users", "ids": ["wang.fang"]}]},
        {"id": "board", "type": "countersign", "name": "会签",
         "assignee": {"kind": "users", "ids": ["a.b", "c.d", "e.f"]},
         "countersign": {"mode": "share", "share": 0.6, "order": "sequential"},
         "deadline": {"workingDays": 3, "remindBeforeHours": 8}},
        {"id": "handle", "type": "task", "name": "承办", "pool": True, "allocateNumber": True,
         "assignee": {"kind": "form_field", "field": "handlers"}},
        {"id": "end", "type": "end", "name": "结束"},
    ],
    "transitions": [
        {"id": "t1", "source": "start", "target": "draft"},
        {"id": "t2", "source": "draft", "target": "check"},
        {"id": "big", "source": "check", "target": "board", "condition": "form.amount > 10000",
         "name": "大额"},
        {"id": "small", "source": "check", "target": "review", "default": True, "name": "其他"},
        {"id": "t5", "source": "review", "target": "handle"},
        {"id": "t6", "source": "board", "target": "handle"},
        {"id": "t7", "source": "handle", "target": "end"},
    ],
}  # fmt: skip


def test_the_console_fixture_is_the_servers_export() -> None:
    exported = export_bpmn(load_definition(PURCHASE))
    if os.environ.get("OFFICECLOUD_WRITE_FIXTURES"):
        FIXTURE.write_text(exported, encoding="utf-8")
    assert FIXTURE.read_text(encoding="utf-8") == exported
