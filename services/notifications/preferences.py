"""Per-person preferences: which kinds go to which outbound channel, quiet hours (免打扰) in
the person's time zone, and the daily digest. In-app is not a choice: every notification is
shown in the app at once."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from i18n import _
from models.access import Actor
from models.notifications import Channel, NotificationKind, NotificationPreference
from models.scope import TenantScope
from services.errors import Code, Problem, ServiceError, signed_in
from services.inputs import KEEP
from services.uow import transaction

DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_CHANNELS: dict[Channel, frozenset[NotificationKind]] = {
    Channel.EMAIL: frozenset(NotificationKind),
    Channel.SMS: frozenset(),
    Channel.IM: frozenset(),
}
"""Without preferences: every kind by e-mail (when the person has an address), nothing else."""
MAX_DIGEST_HOURS = 24 * 7


@dataclass(frozen=True)
class Preferences:
    channels: dict[Channel, frozenset[NotificationKind]]
    quiet_start: time | None = None
    quiet_end: time | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    digest_after_hours: int | None = None

    @classmethod
    def of(cls, row: NotificationPreference | None) -> Preferences:
        if row is None:
            return cls(dict(DEFAULT_CHANNELS))
        channels = {
            c: frozenset(NotificationKind(k) for k in row.channels.get(c.value, []))
            for c in Channel
        }
        return cls(
            channels,
            _clock(row.quiet_start),
            _clock(row.quiet_end),
            row.time_zone,
            row.digest_after_hours,
        )

    def wanted(self, kind: NotificationKind) -> list[Channel]:
        return [c for c in Channel if kind in self.channels.get(c, frozenset())]

    def not_before(self, now: datetime) -> datetime:
        """`now`, or the end of the quiet hours `now` falls in."""
        if self.quiet_start is None or self.quiet_end is None:
            return now
        local = now.astimezone(ZoneInfo(self.time_zone))
        start, end, clock = self.quiet_start, self.quiet_end, local.time()
        inside = start <= clock < end if start < end else clock >= start or clock < end
        if not inside:
            return now
        ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if ends <= local:
            ends += timedelta(days=1)
        return ends.astimezone(now.tzinfo)


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


async def of_users(
    scope: TenantScope, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Preferences]:
    """Everyone's preferences in one statement; the defaults where someone set none."""
    rows = {
        r.user_id: r for r in await scope.query(NotificationPreference).filter(user_id__in=user_ids)
    }
    return {u: Preferences.of(rows.get(u)) for u in user_ids}


async def set_preferences(
    actor: Actor | None,
    *,
    channels: dict[Channel, Collection[NotificationKind]] | Any = KEEP,
    quiet_start: str | Any | None = KEEP,
    quiet_end: str | Any | None = KEEP,
    time_zone: str | Any = KEEP,
    digest_after_hours: int | Any | None = KEEP,
) -> NotificationPreference:
    """The viewer's own preferences; what is not sent stays as it was."""
    actor = signed_in(actor)
    problems = _problems(quiet_start, quiet_end, time_zone, digest_after_hours)
    if problems:
        raise ServiceError(*problems)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        row = (
            await scope.query(NotificationPreference)
            .filter(user_id=actor.user_id)
            .select_for_update()
            .get_or_none()
        )
        if row is None:
            row = NotificationPreference(
                user_id=actor.user_id,
                channels={
                    c.value: sorted(k.value for k in ks) for c, ks in DEFAULT_CHANNELS.items()
                },
            )
            row.tenant_id = actor.tenant_id
        else:
            row.version += 1
        if channels is not KEEP:
            row.channels = {c.value: sorted({k.value for k in ks}) for c, ks in channels.items()}
        if quiet_start is not KEEP:
            row.quiet_start = quiet_start
        if quiet_end is not KEEP:
            row.quiet_end = quiet_end
        if time_zone is not KEEP:
            row.time_zone = time_zone
        if digest_after_hours is not KEEP:
            row.digest_after_hours = digest_after_hours
        if (row.quiet_start is None) != (row.quiet_end is None):
            raise ServiceError.of(
                Code.INVALID, _("Quiet hours need both a start and an end"), "quietStart"
            )
        await row.save()
        work.audit(
            actor.tenant_id,
            "notifications.preferences_set",
            "User",
            actor.user_id,
            {"channels": row.channels, "quiet": [row.quiet_start, row.quiet_end]},
        )
    return row


def _problems(quiet_start: Any, quiet_end: Any, time_zone: Any, digest: Any) -> list[Problem]:
    problems = []
    for name, value in (("quietStart", quiet_start), ("quietEnd", quiet_end)):
        if isinstance(value, str):
            try:
                parsed = time.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is None or len(value) != 5 or parsed.second:
                problems.append(
                    Problem(Code.INVALID, _("Give {name} as HH:MM", name=name), (name,))
                )
    if isinstance(time_zone, str):
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    Code.INVALID,
                    _("Unknown time zone '{time_zone}'", time_zone=time_zone),
                    ("timeZone",),
                )
            )
    if isinstance(digest, int) and not 1 <= digest <= MAX_DIGEST_HOURS:
        problems.append(
            Problem(
                Code.INVALID,
                _(
                    "digestAfterHours is between 1 and {MAX_DIGEST_HOURS}",
                    MAX_DIGEST_HOURS=MAX_DIGEST_HOURS,
                ),
                ("digestAfterHours",),
            )
        )
    return problems
