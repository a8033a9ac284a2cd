"""Platform-provided flow templates (as data) that departments copy and adapt.

Role codes the templates expect every tenant's directory to define (the services layer
resolves them; ``validate(..., check_assignee=...)`` reports a missing one):

* ``office_clerk``    — 办公室文书/收发员: numbers, distributes, archives; signs for and
  registers incoming documents (a pool: any clerk claims the task);
* ``office_director`` — 办公室主任: reviews drafts (核稿), proposes handling of incoming
  documents (拟办);
* ``leader``          — 单位领导: signs off (签发), instructs on incoming documents (批办).

The 收文 template's 承办 node reads the form field ``handlers`` (a user picker the 批办 leader
fills in); bind it to a form that has that field.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from .definition import FlowDefinition

__all__ = ["ROLE_CODES", "TEMPLATES", "dispatch_template", "receipt_template", "template"]

ROLE_CODES = {
    "office_clerk": "办公室文书 / 收发员 (office clerk)",
    "office_director": "办公室主任 (office director)",
    "leader": "单位领导 (leader)",
}


def _chain(flow_id: str, name: str, nodes: list[dict[str, Any]]) -> FlowDefinition:
    transitions = [
        {"id": f"t_{a['id']}_{b['id']}", "source": a["id"], "target": b["id"]}
        for a, b in pairwise(nodes)
    ]
    return FlowDefinition.model_validate(
        {"id": flow_id, "name": name, "nodes": nodes, "transitions": transitions}
    )


def dispatch_template() -> FlowDefinition:
    """发文: 拟稿 → 核稿 → 签发 → 编号 (allocates the number) → 分发 → 归档 (archives it)."""
    return _chain(
        "dispatch",
        "发文",
        [
            {"id": "start", "name": "开始", "type": "start"},
            {
                "id": "draft",
                "name": "拟稿",
                "type": "task",
                "assignee": {"kind": "previous_handler"},  # the initiator
                "allowReturn": False,
            },
            {
                "id": "review",
                "name": "核稿",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_director"},
                "rejectTo": "draft",
                "deadline": {"hours": 24, "remindBeforeHours": 4, "onTimeout": "none"},
            },
            {
                "id": "signoff",
                "name": "签发",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "leader"},
                "rejectTo": "draft",
                "deadline": {"hours": 48, "remindBeforeHours": 8, "onTimeout": "none"},
            },
            {
                "id": "number",
                "name": "编号",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_clerk"},
                "pool": True,
                "allocateNumber": True,
            },
            {
                "id": "distribute",
                "name": "分发",
                "type": "task",
                "assignee": {"kind": "previous_handler"},  # the clerk who numbered it
            },
            {
                "id": "archive",
                "name": "归档",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_clerk"},
                "pool": True,
                "allowReturn": False,
                "archives": True,
            },
            {"id": "end", "name": "结束", "type": "end"},
        ],
    )


def receipt_template() -> FlowDefinition:
    """收文: 签收 → 登记 → 拟办 → 批办 → 承办 → 归档 (archives it)."""
    return _chain(
        "receipt",
        "收文",
        [
            {"id": "start", "name": "开始", "type": "start"},
            {
                "id": "sign_for",
                "name": "签收",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_clerk"},
                "pool": True,
                "allowReturn": False,
                "deadline": {"hours": 8, "remindBeforeHours": 2, "onTimeout": "none"},
            },
            {
                "id": "register",
                "name": "登记",
                "type": "task",
                "assignee": {"kind": "previous_handler"},  # whoever signed for it
            },
            {
                "id": "propose",
                "name": "拟办",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_director"},
            },
            {
                "id": "instruct",
                "name": "批办",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "leader"},
                "deadline": {"hours": 48, "remindBeforeHours": 8, "onTimeout": "none"},
            },
            {
                "id": "handle",
                "name": "承办",
                "type": "task",
                "assignee": {"kind": "form_field", "field": "handlers"},
            },
            {
                "id": "archive",
                "name": "归档",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "office_clerk"},
                "pool": True,
                "allowReturn": False,
                "archives": True,
            },
            {"id": "end", "name": "结束", "type": "end"},
        ],
    )


TEMPLATES = {"dispatch": dispatch_template, "receipt": receipt_template}


def template(key: str) -> FlowDefinition:
    """A fresh copy of a platform template by key ("dispatch" or "receipt")."""
    return TEMPLATES[key]()
