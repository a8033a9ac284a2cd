"""Reads behind the flow fields (流程)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

import workflow
from models.flows import FlowDefinition, FlowVersion
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy
from resolvers.pagination import Page, PageArgs, paginate
from services.documents import types


class FlowById(ById[FlowDefinition]):
    model = FlowDefinition


class FlowVersionById(ById[FlowVersion]):
    model = FlowVersion


class VersionsByFlow(GroupedBy[FlowVersion]):
    model, key, order = FlowVersion, "flow_id", ("number",)


async def flow_list(ctx: Context, *, search: str | None, page: PageArgs) -> Page[FlowDefinition]:
    query = ctx.tenant_scope.query(FlowDefinition)
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("key", "id"), page, ctx.max_page)


def templates() -> list[tuple[str, str, dict[str, Any]]]:
    return [(key, t["name"], t["flow"]().to_json()) for key, t in types.TEMPLATES.items()]


def bpmn_xml(definition: dict[str, Any]) -> str:
    parsed, _ = workflow.parse_definition(definition)
    return workflow.export_bpmn(parsed) if parsed else ""
