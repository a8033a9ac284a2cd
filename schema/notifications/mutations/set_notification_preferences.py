"""setNotificationPreferences: which kinds go out on which channel, quiet hours, digest."""

from __future__ import annotations

from typing import Any

import strawberry

from models import notifications as m
from resolvers.ids import keep
from schema.mutations import Command, Input, command, perform
from schema.notifications.payloads import NotificationPreferencesPayload
from schema.types import Info
from services import notifications


@strawberry.input(description="The kinds one outbound channel carries.")
class ChannelKindsInput:
    channel: m.Channel = strawberry.field(description="The channel.")
    kinds: list[m.NotificationKind] = strawberry.field(description="Kinds sent on it.")


@strawberry.input(description="Your preferences; what is not sent stays as it was.")
class SetNotificationPreferencesInput:
    channels: list[ChannelKindsInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Per channel; a channel not listed carries nothing. Unsent: unchanged.",
    )
    quiet_start: str | None = strawberry.field(
        default=strawberry.UNSET, description="免打扰 from, HH:MM local time; null: none."
    )
    quiet_end: str | None = strawberry.field(
        default=strawberry.UNSET, description="免打扰 until, HH:MM local time; null: none."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA time zone, e.g. Asia/Shanghai."
    )
    digest_after_hours: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Hours (1–168) a notification stays unread before the daily digest "
        "e-mail lists it; null: no digest.",
    )

    def to_command(self) -> Command[m.NotificationPreference]:
        channels: Any = keep(self.channels)
        if channels:
            channels = {c.channel: c.kinds for c in channels}
        elif channels is not notifications.KEEP:
            channels = {}
        return command(
            notifications.set_preferences,
            channels=channels,
            quiet_start=keep(self.quiet_start),
            quiet_end=keep(self.quiet_end),
            time_zone=notifications.DEFAULT_TIME_ZONE
            if self.time_zone is None
            else keep(self.time_zone),
            digest_after_hours=keep(self.digest_after_hours),
        )


@strawberry.mutation(description="Set your notification preferences (通知设置).")
async def set_notification_preferences(
    info: Info, input: Input[SetNotificationPreferencesInput]
) -> NotificationPreferencesPayload:
    return NotificationPreferencesPayload.of(await perform(info, input.to_command()))
