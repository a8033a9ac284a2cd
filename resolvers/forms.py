"""Reads behind the form fields (表单)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from models.forms import FormDefinition, FormVersion
from resolvers.context import Context
from resolvers.dataloaders import ById, GroupedBy
from resolvers.pagination import Page, PageArgs, paginate
from services import forms


class FormById(ById[FormDefinition]):
    model = FormDefinition


class FormVersionById(ById[FormVersion]):
    model = FormVersion


class VersionsByForm(GroupedBy[FormVersion]):
    model, key, order = FormVersion, "form_id", ("number",)


def field_paths(schema: dict[str, Any]) -> list[str]:
    return list(forms.field_paths(schema))


async def form_list(ctx: Context, *, search: str | None, page: PageArgs) -> Page[FormDefinition]:
    query = ctx.tenant_scope.query(FormDefinition)
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("key", "id"), page, ctx.max_page)
