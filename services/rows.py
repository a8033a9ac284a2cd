"""Loading the rows a use case works on, or failing with NOT_FOUND on the input field."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from i18n import _
from models.base import TenantEntity
from models.scope import TenantScope
from services.errors import Code, not_found
from services.inputs import Checks, parse_id

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


async def existing(
    scope: TenantScope, model: type[M], values: Any, field: str, checks: Checks
) -> list[uuid.UUID]:
    """The ids of `values` (rows of `model` in the tenant), sorted; a problem on `field` when
    one is malformed or not found."""
    keys = [parse_id(v) for v in values or []]
    wanted = {k for k in keys if k is not None}
    found = {row.id for row in await scope.query(model).filter(id__in=list(wanted)).only("id")}
    if None in keys or wanted - found:
        checks.fail(Code.NOT_FOUND, _("Some of {field} were not found", field=field), field)
    return sorted(found)
