"""markNotificationsRead: mark some or all of your notifications read."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.ids import node_uuids
from schema.mutations import Command, Input, command, perform
from schema.notifications.payloads import MarkNotificationsReadPayload
from schema.types import Info
from services import notifications


@strawberry.input(description="Which of your notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID] | None = strawberry.field(
        default=None,
        description="Your notifications to mark; null: every unread one. Anyone else's is "
        "NOT_FOUND and nothing changes.",
    )

    def to_command(self) -> Command[list[notifications.Notification]]:
        ids = None if self.ids is None else node_uuids(self.ids, "Notification")
        return command(notifications.mark_read, ids=ids)


@strawberry.mutation(description="Mark notifications read (已读).")
async def mark_notifications_read(
    info: Info, input: Input[MarkNotificationsReadInput]
) -> MarkNotificationsReadPayload:
    return MarkNotificationsReadPayload.of(await perform(info, input.to_command()))
