"""Reads and writes behind the flow fields (流程)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

import workflow
from models.flows import FlowDefinition
from resolvers.context import Context
from resolvers.errors import Problem, attempt
from resolvers.ids import keep, node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import flows
from services.documents import types

Result = tuple[Any, tuple[Problem, ...]]


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


async def create_flow(ctx: Context, input: Any) -> Result:
    return await attempt(
        flows.create_flow(
            ctx.actor,
            key=input.key,
            name=input.name,
            description=input.description,
            form_id=node_uuid(input.form_id, "Form") or "",
            definition=input.definition,
        )
    )


async def update_flow_draft(ctx: Context, input: Any) -> Result:
    return await attempt(
        flows.update_flow_draft(
            ctx.actor,
            flow_id=node_uuid(input.id, "Flow") or "",
            name=keep(input.name),
            description=keep(input.description),
            definition=keep(input.definition),
        )
    )


async def import_bpmn(ctx: Context, input: Any) -> Result:
    return await attempt(
        flows.import_bpmn(ctx.actor, flow_id=node_uuid(input.id, "Flow") or "", xml=input.xml)
    )


async def publish_flow(ctx: Context, input: Any) -> Result:
    return await attempt(flows.publish_flow(ctx.actor, flow_id=node_uuid(input.id, "Flow") or ""))
