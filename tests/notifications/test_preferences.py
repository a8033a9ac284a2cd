"""Preferences called as services: defaults, what is kept when not sent, each refusal's words
and field, the audit entry; quiet hours at their edges and in other time zones."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from models.notifications import Channel, NotificationKind, NotificationPreference
from services.notifications import Preferences, set_preferences
from services.notifications.preferences import DEFAULT_CHANNELS, of_users
from tests.notices.trail import audits, refusal

URGED, ASSIGNED = NotificationKind.TASK_URGED, NotificationKind.TASK_ASSIGNED


def at(hour: int, minute: int = 0) -> datetime:
    """That time of 1 June 2026 in Shanghai (UTC+8), as UTC."""
    return datetime(2026, 6, 1, hour - 8, minute, tzinfo=UTC)


def test_without_preferences_every_kind_goes_by_email() -> None:
    default = Preferences.of(None)
    assert default.channels == DEFAULT_CHANNELS
    assert default.wanted(URGED) == [Channel.EMAIL]
    assert (default.quiet_start, default.quiet_end, default.time_zone) == (
        None,
        None,
        "Asia/Shanghai",
    )
    assert default.digest_after_hours is None
    assert default.not_before(at(9)) == at(9)


def test_a_row_is_read_as_preferences() -> None:
    row = NotificationPreference(
        channels={"sms": ["task_urged"], "im": ["task_urged", "task_assigned"]},
        quiet_start="22:00",
        quiet_end="07:30",
        time_zone="Europe/Berlin",
        digest_after_hours=4,
    )
    read = Preferences.of(row)
    assert read.channels == {
        Channel.EMAIL: frozenset(),
        Channel.SMS: frozenset({URGED}),
        Channel.IM: frozenset({URGED, ASSIGNED}),
    }
    assert read.wanted(URGED) == [Channel.SMS, Channel.IM]
    assert read.wanted(ASSIGNED) == [Channel.IM]
    assert (read.quiet_start, read.quiet_end) == (time(22), time(7, 30))
    assert (read.time_zone, read.digest_after_hours) == ("Europe/Berlin", 4)
    # 23:00 in Berlin (UTC+2 in June) is 21:00 UTC; the quiet hours end at 07:30 there.
    late = datetime(2026, 6, 1, 21, tzinfo=UTC)
    assert read.not_before(late) == datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
    unset = NotificationPreference(channels={}, quiet_start=None, quiet_end="")
    assert (Preferences.of(unset).quiet_start, Preferences.of(unset).quiet_end) == (None, None)


def test_quiet_hours_at_their_edges() -> None:
    night = Preferences({}, time(22), time(7), "Asia/Shanghai")
    assert night.not_before(at(22)) == datetime(2026, 6, 1, 23, tzinfo=UTC), "from 22:00"
    assert night.not_before(at(21, 59)) == at(21, 59)
    assert night.not_before(at(8)) == at(8)
    assert night.not_before(at(14, 59)) == at(14, 59)
    early = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)  # 06:30 on 1 June in Shanghai
    assert night.not_before(early) == datetime(2026, 5, 31, 23, tzinfo=UTC), "the same morning"
    # The same start and end are taken as a whole day (until the next such time).
    always = Preferences({}, time(12), time(12), "Asia/Shanghai")
    assert always.not_before(at(12)) == datetime(2026, 6, 2, 4, tzinfo=UTC)
    assert always.not_before(at(9)) == at(12)
    half = Preferences({}, time(12), None, "Asia/Shanghai")
    assert half.not_before(at(13)) == at(13)


async def test_preferences_are_kept_and_audited(make_department: Any) -> None:
    department = await make_department()
    actor = department.actor
    first = await set_preferences(actor, quiet_start="22:00", quiet_end="07:00")
    assert first.channels == {
        "email": sorted(k.value for k in NotificationKind),
        "sms": [],
        "im": [],
    }
    assert (first.version, first.time_zone, first.digest_after_hours) == (1, "Asia/Shanghai", None)
    second = await set_preferences(
        actor, channels={Channel.SMS: [URGED, URGED, ASSIGNED]}, time_zone="Europe/Berlin"
    )
    assert second.channels == {"sms": ["task_assigned", "task_urged"]}
    assert (second.quiet_start, second.quiet_end, second.version) == ("22:00", "07:00", 2)
    third = await set_preferences(actor, digest_after_hours=1, quiet_start=None, quiet_end=None)
    assert (third.quiet_start, third.quiet_end, third.digest_after_hours) == (None, None, 1)
    assert (third.time_zone, third.version) == ("Europe/Berlin", 3)
    stored = await NotificationPreference.get(user_id=actor.user_id)
    assert (stored.digest_after_hours, stored.channels) == (
        1,
        {"sms": ["task_assigned", "task_urged"]},
    )
    assert (await set_preferences(actor, digest_after_hours=168)).digest_after_hours == 168
    assert (await set_preferences(actor, digest_after_hours=None)).digest_after_hours is None
    chosen = await of_users(department.scope, [actor.user_id])
    assert chosen[actor.user_id].channels[Channel.SMS] == frozenset({URGED, ASSIGNED})
    entries = await audits(department.tenant.id, "notifications.")
    assert [e[:4] for e in entries] == [
        ("notifications.preferences_set", "User", str(actor.user_id), actor.user_id)
    ] * 5
    assert entries[0][-1]["quiet"] == ["22:00", "07:00"]
    assert entries[1][-1] == {
        "channels": {"sms": ["task_assigned", "task_urged"]},
        "quiet": ["22:00", "07:00"],
    }
    assert entries[2][-1]["quiet"] == [None, None]


async def test_bad_preferences_are_refused(make_department: Any) -> None:
    actor = (await make_department()).actor
    between = "digestAfterHours is between 1 and 168"
    for hours in (0, 169):
        assert await refusal(set_preferences(actor, digest_after_hours=hours)) == [
            ("INVALID", between, ("digestAfterHours",))
        ], hours
    for clock in ("7:00", "07:00:00", "24:00", "noon"):
        assert await refusal(set_preferences(actor, quiet_start=clock, quiet_end="07:00")) == [
            ("INVALID", "Give quietStart as HH:MM", ("quietStart",))
        ], clock
    for zone in ("Mars/Base", ""):
        assert await refusal(set_preferences(actor, time_zone=zone)) == [
            ("INVALID", f"Unknown time zone '{zone}'", ("timeZone",))
        ], zone
    both = [("INVALID", "Quiet hours need both a start and an end", ("quietStart",))]
    assert await refusal(set_preferences(actor, quiet_start="22:00")) == both
    assert await refusal(set_preferences(actor, quiet_end="07:00")) == both
    await set_preferences(actor, quiet_start="22:00", quiet_end="07:00")
    assert await refusal(set_preferences(actor, quiet_end=None)) == both
    assert await refusal(set_preferences(None)) == [("UNAUTHENTICATED", "Sign in first", None)]
    row = await NotificationPreference.get(user_id=actor.user_id)
    assert (row.quiet_start, row.quiet_end, row.version) == ("22:00", "07:00", 1)
