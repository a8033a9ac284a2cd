"""Notification mutations, one module each."""

from __future__ import annotations

import strawberry

from schema.notifications.mutations.mark_notifications_read import mark_notifications_read
from schema.notifications.mutations.set_notification_preferences import (
    set_notification_preferences,
)


@strawberry.type
class NotificationMutation:
    mark_notifications_read = mark_notifications_read
    set_notification_preferences = set_notification_preferences
