"""Reads forms and flows share: they are listed alike, by key."""

from __future__ import annotations

from typing import TypeVar

from tortoise.expressions import Q

from models.flows import FlowDefinition
from models.forms import FormDefinition
from resolvers.context import Context
from resolvers.pagination import Page, PageArgs, paginate

D = TypeVar("D", FormDefinition, FlowDefinition)


async def definition_list(
    ctx: Context, model: type[D], *, search: str | None, page: PageArgs
) -> Page[D]:
    """The tenant's forms or flows by key, those whose key or name contains `search`."""
    query = ctx.tenant_scope.query(model)
    if search:
        query = query.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return await paginate(query, ("key", "id"), page, ctx.max_page)
