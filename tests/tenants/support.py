"""A valid tenant application to vary."""

from __future__ import annotations

from typing import Any


def application_input(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "海淀区信息中心",
        "applicantName": "赵敏",
        "applicantEmail": "zhao.min@example.gov.cn",
        "adminUsername": "zhao.min",
        **extra,
    }
