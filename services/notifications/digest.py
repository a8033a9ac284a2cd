"""The daily digest (每日摘要): a person who asked for it gets, once a day, one e-mail listing
her notifications still unread after `digestAfterHours`. The message is a delivery row whose
key names the person and her local date, so however many processes compose, and however often,
there is one per person per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import new_id
from models.directory import User, UserStatus
from models.notifications import (
    Channel,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)
from models.scope import TenantScope, across_tenants

LISTED = 20
"""At most this many notifications are quoted; the rest are counted."""


async def compose_due(now: datetime | None = None) -> int:
    """Queue today's digest for everyone who asked for one and has unread notifications old
    enough; returns how many were queued."""
    now = now or datetime.now(UTC)
    queued = 0
    for pref in await across_tenants(NotificationPreference).filter(
        digest_after_hours__not_isnull=True
    ):
        queued += await _compose(pref, now)
    return queued


async def _compose(pref: NotificationPreference, now: datetime) -> int:
    scope = TenantScope(pref.tenant_id)
    day = now.astimezone(ZoneInfo(pref.time_zone)).date()
    key = f"digest:{pref.user_id}:{day.isoformat()}"
    if await across_tenants(NotificationDelivery).filter(key=key).exists():
        return 0
    user = await scope.query(User).get_or_none(id=pref.user_id, status=UserStatus.ACTIVE)
    if user is None or not user.email:
        return 0
    unread = scope.query(Notification).filter(
        user_id=pref.user_id,
        read_at=None,
        created_at__lte=now - timedelta(hours=pref.digest_after_hours or 0),
    )
    total = await unread.count()
    if not total:
        return 0
    rows = await unread.order_by("-id").limit(LISTED)
    lines = [
        f"· {r.created_at.astimezone(ZoneInfo(pref.time_zone)):%m-%d %H:%M} {r.text}" for r in rows
    ]
    if total > LISTED:
        lines.append(f"…另有 {total - LISTED} 条")
    row = NotificationDelivery(
        id=new_id(),
        key=key,
        user_id=user.id,
        channel=Channel.EMAIL,
        address=user.email,
        subject=f"【每日摘要】您有 {total} 条未读消息",
        body="\n".join(lines),
        next_attempt_at=now,
    )
    await scope.bulk_create(NotificationDelivery, [row], ignore_conflicts=True)
    return 1
