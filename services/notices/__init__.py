"""Notices (通知公告): drafts (`drafts`), who they reach and the read rule (`audience`),
publishing, approval and revocation (`publishing`), read receipts, reminders and attachments
(`receipts`)."""

from services.notices.audience import Reach, reach, recipients, recipients_of, visible
from services.notices.drafts import create_notice, update_notice
from services.notices.publishing import publish_notice, revoke_notice
from services.notices.receipts import (
    mark_notice_read,
    readable,
    readable_attachment,
    remind_unread,
    upload_notice_attachment,
)

__all__ = [
    "Reach",
    "create_notice",
    "mark_notice_read",
    "publish_notice",
    "reach",
    "readable",
    "readable_attachment",
    "recipients",
    "recipients_of",
    "remind_unread",
    "revoke_notice",
    "update_notice",
    "upload_notice_attachment",
    "visible",
]
