"""`officecloud sync pull`: read a portal's SCIM 2.0 endpoint (scim2-client over httpx2) and make
the tenant's directory match it. Groups are read with their `members` and users with their
`groups`, in pages of `page_size`: RFC 7643 requires neither to be filled, so a person's groups
are both together. `services/sso/pull.py` applies the difference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
from scim2_client.engines.httpx2 import AsyncSCIMClient
from scim2_models import Group, ResourceType, ScimProvider, SearchRequest, User

from i18n import _
from models.tenants import Tenant
from services.directory import primary_value
from services.errors import Code, ServiceError
from services.sso.pull import PullReport, SourceUser, apply_pull
from services.sso.pull_units import SourceUnit
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
        raise ServiceError.of(
            Code.NOT_FOUND, _("No tenant has the code '{tenant_code}'", tenant_code=tenant_code)
        )
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
        groups = await _all(client, OrgUnitGroup, "groups", page_size, progress, None)
        users = await _all(client, User, "read users", page_size, progress, None)
    units = [_unit(g) for g in groups]
    member_of: dict[str, list[str]] = {}
    for unit in units:
        for member in unit.member_keys:
            member_of.setdefault(member, []).append(unit.key)
    people = [_person(u, member_of.get(str(u.id), [])) for u in users]
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


def _unit(group: Any) -> SourceUnit:
    extension = group[OrgUnitExtension]
    parent = str(extension.parent) if extension and extension.parent else None
    return SourceUnit(
        key=str(group.id),
        name=group.display_name or str(group.id),
        parent_key=parent.rstrip("/").rsplit("/", 1)[-1] if parent else None,
        member_keys=tuple(str(m.value) for m in group.members or [] if m.value),
    )


def _person(user: Any, listed_in: list[str]) -> SourceUser:
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
        unit_keys=tuple(
            dict.fromkeys([*(str(g.value) for g in user.groups or [] if g.value), *listed_in])
        ),
    )


def _primary(values: list[Any] | None) -> Any:
    return primary_value([{"value": v.value, "primary": v.primary} for v in values or []])
