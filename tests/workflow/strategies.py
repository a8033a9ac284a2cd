"""Hypothesis strategies: random valid block-structured flows over a few users, roles and
form fields."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from workflow import (
    FlowDefinition,
)

USERS = ["u1", "u2", "u3", "u4", "u5"]


FIELDS = ["f1", "f2", "f3"]


ROLE_USERS = {"r_a": ["u1", "u2"], "r_b": ["u3"]}


#: WORKFLOW_PROPERTY_EXAMPLES=2000 for a longer hunt; the default keeps the suite ~5 s.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("WORKFLOW_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def flows(draw: st.DrawFn) -> FlowDefinition:
    nodes: list[dict[str, Any]] = [{"id": "start", "type": "start"}]
    edges: list[dict[str, Any]] = []
    counter = [0]

    def new_id(prefix: str) -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    def connect(a: str, b: str, **extra: Any) -> None:
        edges.append({"id": new_id("t"), "source": a, "target": b, **extra})

    def users(min_size: int = 1, max_size: int = 3) -> list[str]:
        return draw(
            st.lists(st.sampled_from(USERS), min_size=min_size, max_size=max_size, unique=True)
        )

    def wait_node() -> str:
        nid = new_id("n")
        if draw(st.booleans()):
            rule: dict[str, Any]
            if draw(st.integers(0, 4)) == 0:
                rule = {"kind": "role", "roleCode": draw(st.sampled_from(sorted(ROLE_USERS)))}
            elif draw(st.integers(0, 5)) == 0:
                rule = {"kind": "previous_handler"}
            else:
                rule = {"kind": "users", "ids": users()}
            nodes.append({"id": nid, "type": "task", "assignee": rule, "pool": draw(st.booleans())})
        else:
            mode = draw(st.sampled_from(["all", "any", "share"]))
            cfg: dict[str, Any] = {
                "mode": mode,
                "order": draw(st.sampled_from(["parallel", "sequential"])),
            }
            if mode == "share":
                cfg["share"] = draw(st.sampled_from([0.3, 0.5, 0.6, 2 / 3, 0.75, 1.0]))
            nodes.append(
                {
                    "id": nid,
                    "type": "countersign",
                    "countersign": cfg,
                    "assignee": {"kind": "users", "ids": users(1, 4)},
                }
            )
        return nid

    def block(depth: int) -> tuple[str, str]:
        kinds = ["wait", "wait", "xor", "par"] if depth < 2 else ["wait"]
        kind = draw(st.sampled_from(kinds))
        if kind == "wait":
            nid = wait_node()
            return nid, nid
        gateway = "exclusive_gateway" if kind == "xor" else "parallel_gateway"
        split, merge = new_id("s"), new_id("m")
        nodes.append({"id": split, "type": gateway})
        nodes.append({"id": merge, "type": gateway})
        n = draw(st.integers(2, 3))
        empty_used = False
        for i in range(n):
            length = draw(st.integers(0 if not empty_used else 1, 2))
            extra: dict[str, Any] = {}
            if kind == "xor":
                if i == n - 1:
                    extra["default"] = True
                else:
                    field = draw(st.sampled_from(FIELDS))
                    extra["condition"] = f"form.{field} > {draw(st.integers(0, 10))}"
            if length == 0:
                empty_used = True
                connect(split, merge, **extra)
                continue
            first, last = seq(depth + 1, length)
            connect(split, first, **extra)
            connect(last, merge)
        return split, merge

    def seq(depth: int, length: int) -> tuple[str, str]:
        first, last = block(depth)
        for _ in range(length - 1):
            a, b = block(depth)
            connect(last, a)
            last = b
        return first, last

    first, last = seq(0, draw(st.integers(1, 4)))
    connect("start", first)
    nodes.append({"id": "end", "type": "end"})
    connect(last, "end")
    return FlowDefinition.model_validate({"id": "random", "nodes": nodes, "transitions": edges})


forms = st.fixed_dictionaries({f: st.integers(0, 10) for f in FIELDS})
