"""Reads and writes behind the form fields (表单)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from models.forms import FormDefinition
from resolvers.context import Context
from resolvers.errors import Problem, attempt
from resolvers.ids import keep, node_uuid
from resolvers.pagination import Page, PageArgs, paginate
from services import forms

Result = tuple[Any, tuple[Problem, ...]]


def field_paths(schema: dict[str, Any]) -> list[str]:
    return list(forms.field_paths(schema))


async def form_list(ctx: Context, *, search: str | None, page: PageArgs) -> Page[FormDefinition]:
    query = ctx.tenant_scope.query(FormDefinition)
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("key", "id"), page, ctx.max_page)


async def create_form(ctx: Context, input: Any) -> Result:
    return await attempt(
        forms.create_form(
            ctx.actor,
            key=input.key,
            name=input.name,
            description=input.description,
            json_schema=input.json_schema,
            ui_schema=input.ui_schema,
        )
    )


async def update_form_draft(ctx: Context, input: Any) -> Result:
    return await attempt(
        forms.update_form_draft(
            ctx.actor,
            form_id=node_uuid(input.id, "Form") or "",
            name=keep(input.name),
            description=keep(input.description),
            json_schema=keep(input.json_schema),
            ui_schema=keep(input.ui_schema),
        )
    )


async def publish_form(ctx: Context, input: Any) -> Result:
    return await attempt(forms.publish_form(ctx.actor, form_id=node_uuid(input.id, "Form") or ""))
