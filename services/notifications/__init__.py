"""Notifications (站内消息): the names the other layers use.

Every domain that learns something concerns a person calls `notify` inside its transaction
(see docs/notifications.md for each kind and who calls it)."""

from services.notifications.audience import holders
from services.notifications.inbox import SUBJECTS, mark_read, notify
from services.notifications.preferences import Preferences, set_preferences

__all__ = ["SUBJECTS", "Preferences", "holders", "mark_read", "notify", "set_preferences"]
