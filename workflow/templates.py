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


def _task(node_id: str, name: str, assignee: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"id": node_id, "name": name, "type": "task", "assignee": assignee, **options}


def _role(code: str) -> dict[str, Any]:
    return {"kind": "role", "roleCode": code}


def _deadline(hours: int, remind_before: int) -> dict[str, Any]:
    return {"hours": hours, "remindBeforeHours": remind_before, "onTimeout": "none"}


_PREVIOUS = {"kind": "previous_handler"}


def _ends(*nodes: dict[str, Any]) -> list[dict[str, Any]]:
    """Start, the nodes, 归档 by a pool of clerks (it files the document), end."""
    archive = _task(
        "archive", "归档", _role("office_clerk"), pool=True, allowReturn=False, archives=True
    )
    start = {"id": "start", "name": "开始", "type": "start"}
    return [start, *nodes, archive, {"id": "end", "name": "结束", "type": "end"}]


def dispatch_template() -> FlowDefinition:
    """发文: 拟稿 → 核稿 → 签发 → 编号 (allocates the number) → 分发 → 归档 (archives it)."""
    return _chain(
        "dispatch",
        "发文",
        _ends(
            _task("draft", "拟稿", _PREVIOUS, allowReturn=False),  # the initiator
            _task(
                "review",
                "核稿",
                _role("office_director"),
                rejectTo="draft",
                deadline=_deadline(24, 4),
            ),
            _task("signoff", "签发", _role("leader"), rejectTo="draft", deadline=_deadline(48, 8)),
            _task("number", "编号", _role("office_clerk"), pool=True, allocateNumber=True),
            _task("distribute", "分发", _PREVIOUS),  # the clerk who numbered it
        ),
    )


def receipt_template() -> FlowDefinition:
    """收文: 签收 → 登记 → 拟办 → 批办 → 承办 → 归档 (archives it)."""
    return _chain(
        "receipt",
        "收文",
        _ends(
            _task(
                "sign_for",
                "签收",
                _role("office_clerk"),
                pool=True,
                allowReturn=False,
                deadline=_deadline(8, 2),
            ),
            _task("register", "登记", _PREVIOUS),  # whoever signed for it
            _task("propose", "拟办", _role("office_director")),
            _task("instruct", "批办", _role("leader"), deadline=_deadline(48, 8)),
            _task("handle", "承办", {"kind": "form_field", "field": "handlers"}),
        ),
    )


TEMPLATES = {"dispatch": dispatch_template, "receipt": receipt_template}


def template(key: str) -> FlowDefinition:
    """A fresh copy of a platform template by key ("dispatch" or "receipt")."""
    return TEMPLATES[key]()
