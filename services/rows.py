"""Loading the rows a use case works on, or failing with NOT_FOUND on the input field."""

from __future__ import annotations

from typing import Any, TypeVar

from models.base import TenantEntity
from models.scope import TenantScope
from services.errors import not_found
from services.inputs import parse_id

M = TypeVar("M", bound=TenantEntity)


async def found(scope: TenantScope, model: type[M], id: Any, what: str, field: str) -> M:
    row = await scope.get(model, id)
    if row is None:
        raise not_found(what, field)
    return row


async def locked(scope: TenantScope, model: type[M], id: Any, what: str, field: str) -> M:
    """The row, locked until the transaction ends (FOR UPDATE)."""
    key = parse_id(id)
    row = await scope.query(model).filter(id=key).select_for_update().get_or_none() if key else None
    if row is None:
        raise not_found(what, field)
    return row
