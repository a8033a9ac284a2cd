"""What the notification mutations answer."""

from __future__ import annotations

import strawberry

from models import notifications as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.notifications.types import Notification, NotificationPreferences


@strawberry.type(description="What markNotificationsRead answers.")
class MarkNotificationsReadPayload:
    notifications: list[Notification] = strawberry.field(
        description="The notifications now read (empty on errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[list[m.Notification]]) -> MarkNotificationsReadPayload:
        rows, problems = outcome
        return cls(
            notifications=[Notification.from_model(r) for r in rows or []],
            errors=user_errors(problems),
        )


@strawberry.type(description="What setNotificationPreferences answers.")
class NotificationPreferencesPayload:
    preferences: NotificationPreferences | None = strawberry.field(
        description="Your preferences as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[m.NotificationPreference]) -> NotificationPreferencesPayload:
        row, problems = outcome
        return cls(
            preferences=NotificationPreferences.of(row) if row else None,
            errors=user_errors(problems),
        )
