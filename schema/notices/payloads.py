"""What the notice mutations answer."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from models import notices as m
from schema.errors import UserError, user_errors
from schema.mutations import Outcome
from schema.notices.types import Notice, NoticeAttachment


@strawberry.type(description="The notice changed, or why not.")
class NoticePayload:
    notice: Notice | None = strawberry.field(description="The notice after the change.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")

    @classmethod
    def of(cls, outcome: Outcome[m.Notice]) -> NoticePayload:
        row, problems = outcome
        return cls(notice=Notice.from_model(row) if row else None, errors=user_errors(problems))


@strawberry.type(description="Who was reminded, or why not.")
class RemindNoticeUnreadPayload:
    reminded_user_ids: list[relay.GlobalID] = strawberry.field(
        description="The users who had not read it and were reminded."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was sent.")

    @classmethod
    def of(cls, outcome: Outcome[list[uuid.UUID]]) -> RemindNoticeUnreadPayload:
        users, problems = outcome
        return cls(
            reminded_user_ids=[relay.GlobalID("User", str(u)) for u in users or []],
            errors=user_errors(problems),
        )


@strawberry.type(description="The attached file, or why not.")
class NoticeAttachmentPayload:
    attachment: NoticeAttachment | None = strawberry.field(description="The stored file.")
    errors: list[UserError] = strawberry.field(description="Why nothing was stored.")

    @classmethod
    def of(cls, outcome: Outcome[m.NoticeAttachment]) -> NoticeAttachmentPayload:
        row, problems = outcome
        return cls(
            attachment=NoticeAttachment.from_model(row) if row else None,
            errors=user_errors(problems),
        )
