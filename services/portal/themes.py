"""The tenant's portal theme (colours and logo); a tenant that has not chosen one gets the
default, unsaved."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from yarl import URL

from i18n import _
from models.access import Actor, Permission
from models.portal_components import PortalTheme
from models.scope import TenantScope
from services.errors import Code, ServiceError, check_version, require
from services.inputs import KEEP, Checks, apply_changes
from services.portal.common import record, scope_of
from services.uow import transaction
from subscriptions.topics import Topic

HEX_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3,4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")
DEFAULT_THEME = {
    "primary_color": "#1F5FAD",
    "accent_color": "#C8102E",
    "background_color": "#F5F7FA",
    "text_color": "#1F2329",
}


async def set_theme(
    actor: Actor | None,
    *,
    primary_color: Any = KEEP,
    accent_color: Any = KEEP,
    background_color: Any = KEEP,
    text_color: Any = KEEP,
    logo_url: Any = KEEP,
    expected_version: int | None = None,
) -> PortalTheme:
    actor = require(actor, Permission.TENANT_ADMIN)
    colours = {
        "primary_color": primary_color,
        "accent_color": accent_color,
        "background_color": background_color,
        "text_color": text_color,
    }
    with Checks() as checks:
        for name, value in colours.items():
            if value is not KEEP:
                colours[name] = _colour(checks, value, _camel(name))
        if logo_url not in (KEEP, None):
            logo_url = _logo(checks, logo_url)
    async with transaction(actor) as work:
        theme = await scope_of(actor).query(PortalTheme).select_for_update().get_or_none()
        theme = theme or default_theme(actor.tenant_id)
        check_version(theme.version, expected_version)
        changes = apply_changes(theme, **colours, logo_url=logo_url)
        if changes or theme.version == 0:
            theme.version += 1
            try:
                await theme.save()
            except IntegrityError as exc:
                raise ServiceError.of(
                    Code.CONFLICT, _("The theme was set meanwhile; reload it"), "expectedVersion"
                ) from exc
            record(work, actor.tenant_id, Topic.PORTAL_THEME_CHANGED, theme, changes)
    return theme


def default_theme(tenant_id: uuid.UUID) -> PortalTheme:
    """The theme of a tenant that has not chosen one (not saved)."""
    return PortalTheme(tenant_id=tenant_id, logo_url=None, version=0, **DEFAULT_THEME)


async def theme_of(scope: TenantScope) -> PortalTheme:
    return await scope.query(PortalTheme).get_or_none() or default_theme(scope.tenant_id)


def _colour(checks: Checks, value: Any, field: str) -> str:
    cleaned = (value or "").strip() if isinstance(value, str) else ""
    if not cleaned:
        checks.fail(Code.REQUIRED, _("{field} must not be empty", field=field), field)
    elif not HEX_COLOUR.fullmatch(cleaned):
        checks.fail(
            Code.INVALID,
            _(
                "{field} '{cleaned}' is not a CSS hex colour (#RGB, #RGBA, #RRGGBB or #RRGGBBAA)",
                field=field,
                cleaned=cleaned,
            ),
            field,
        )
    return cleaned


def _logo(checks: Checks, value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if len(cleaned) > 2000:
        checks.fail(Code.TOO_LONG, _("logoUrl is longer than 2000 characters"), "logoUrl")
        return cleaned
    try:
        url = URL(cleaned)
    except ValueError:
        url = URL()
    absolute = url.scheme in ("http", "https") and bool(url.host)
    local = cleaned.startswith("/") and not cleaned.startswith("//")
    if any(c.isspace() for c in cleaned) or not (absolute or local):
        checks.fail(
            Code.INVALID,
            _("logoUrl must be an http(s) URL or a path on this site starting with '/'"),
            "logoUrl",
        )
    return cleaned


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
