"""Notifications (站内消息): the names the other layers use.

Every domain that learns something concerns a person calls `notify` inside its transaction
(see docs/notifications.md for each kind and who calls it)."""

from models.notifications import Notification, NotificationKind
from services.inputs import KEEP
from services.notifications.audience import holders
from services.notifications.inbox import SUBJECTS, mark_read, notify
from services.notifications.preferences import DEFAULT_TIME_ZONE, Preferences, set_preferences

__all__ = [
    "DEFAULT_TIME_ZONE",
    "KEEP",
    "SUBJECTS",
    "Notification",
    "NotificationKind",
    "Preferences",
    "holders",
    "mark_read",
    "notify",
    "set_preferences",
]
