"""`officecloud sync pull`: read a portal's SCIM 2.0 endpoint (scim2-client over httpx2) and make
the tenant's directory match it. Groups are read without members and users with their `groups`,
in pages of `page_size`; `services/sso/pull.py` applies the difference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
from scim2_client.engines.httpx2 import AsyncSCIMClient
from scim2_models import Group, ResourceType, ScimProvider, SearchRequest, User

from models.tenants import Tenant
from services.directory.contacts import primary_value
from services.errors import Code, ServiceError
from services.sso.pull import PullReport, SourceUnit, SourceUser, apply_pull
from services.tenants import tenant_system_actor
from sync.scim.schemas import OrgUnitExtension, OrgUnitGroup

Progress = Callable[[str, int, int], None]


async def pull(
    tenant_code: str,
    url: str,
    token: str,
    *,
    page_size: int = 1000,
    progress: Progress | None = None,
) -> PullReport:
    tenant = await Tenant.get_or_none(code=tenant_code)
    if tenant is None:
        raise ServiceError.of(Code.NOT_FOUND, f"No tenant has the code '{tenant_code}'")
    async with httpx2.AsyncClient(
        base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as http:
        client = AsyncSCIMClient(
            http,
            provider=ScimProvider(
                models=(User, Group, OrgUnitExtension),
                resource_types=[
                    ResourceType.from_resource(User),
                    ResourceType.from_resource(OrgUnitGroup),
                ],
            ),
        )
        groups = await _all(client, OrgUnitGroup, "groups", page_size, progress, ["members"])
        users = await _all(client, User, "read users", page_size, progress, None)
    units = [
        SourceUnit(
            key=str(g.id),
            name=g.display_name or str(g.id),
            parent_key=(g[OrgUnitExtension].parent if g[OrgUnitExtension] else None),
        )
        for g in groups
    ]
    people = [_person(u) for u in users]
    return await apply_pull(
        tenant_system_actor(tenant, "directory pull"), units, people, progress=progress
    )


async def _all(
    client: AsyncSCIMClient,
    model: Any,
    stage: str,
    page_size: int,
    progress: Progress | None,
    excluded: list[str] | None,
) -> list[Any]:
    found: list[Any] = []
    start = 1
    while True:
        page: Any = await client.query(
            model,
            query_parameters=SearchRequest(
                start_index=start, count=page_size, excluded_attributes=excluded
            ),
        )
        found += page.resources or []
        total = page.total_results or 0
        if progress is not None:
            progress(stage, len(found), total)
        if not page.resources or len(found) >= total:
            return found
        start += len(page.resources)


def _person(user: Any) -> SourceUser:
    email, phone = _primary(user.emails), _primary(user.phone_numbers)
    display = user.display_name or (user.name.formatted if user.name else None) or user.user_name
    return SourceUser(
        key=str(user.external_id or user.id),
        username=str(user.user_name),
        display_name=str(display),
        email=str(email) if email else None,
        phone=str(phone) if phone else None,
        title=user.title,
        active=user.active is not False,
        unit_keys=tuple(str(g.value) for g in user.groups or [] if g.value),
    )


def _primary(values: list[Any] | None) -> Any:
    return primary_value([{"value": v.value, "primary": v.primary} for v in values or []])
