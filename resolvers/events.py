"""The streams behind the subscription fields, built on `subscriptions.stream.replay_then_live`.

A field = who may subscribe (checked once, before anything is read) + which events it carries
(topic prefixes, pushed into the replay query) + a per-event rule (`allow`), which must be the
read rule the queries apply to the same data. The viewer is the one signed in at
`connection_init`; its grants stay as they were for the life of the connection.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from graphql import GraphQLError

from models.access import Actor, Permission
from resolvers.context import Context
from resolvers.documents import DocumentById
from resolvers.ids import decoded, node_uuid
from services.exchange import incoming
from subscriptions.events import Event
from subscriptions.stream import (
    Allow,
    EventsPruned,
    UnknownEvent,
    check_resumable,
    replay_then_live,
)
from subscriptions.topics import Topic, global_id

MAX_TOPICS = 20
DOCUMENT_PREFIX = "document."

__all__ = ["Event", "SubscriptionRefused"]


class SubscriptionRefused(GraphQLError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def signed_in(ctx: Context) -> Actor:
    if ctx.actor is None:
        raise SubscriptionRefused("Sign in first", "UNAUTHENTICATED")
    return ctx.actor


def tenant_admin(ctx: Context) -> Actor:
    actor = signed_in(ctx)
    if not actor.has(Permission.TENANT_ADMIN):
        raise SubscriptionRefused(
            f"You lack the permission {Permission.TENANT_ADMIN.value}", "FORBIDDEN"
        )
    return actor


def event_id(after: str | None) -> int | None:
    """`after` as sent by the client: an event id, as the `Event.id` field gave it."""
    if after is None:
        return None
    if not after.isascii() or not after.isdigit() or len(after) > 19:
        raise SubscriptionRefused(f"'{after}' is not an event id", "BAD_USER_INPUT")
    return int(after)


async def events(
    actor: Actor,
    *,
    after: str | None,
    prefixes: Sequence[str] = (),
    allow: Allow | None = None,
) -> AsyncIterator[Event]:
    """Replay-then-live over the actor's own tenant, once `after` is known to be resumable."""
    start = event_id(after)
    if start is not None:
        try:
            await check_resumable(actor.tenant_id, start)
        except EventsPruned as exc:
            raise SubscriptionRefused(
                f"{exc}: reload, then subscribe without `after`", "EVENTS_PRUNED"
            ) from exc
        except UnknownEvent as exc:
            raise SubscriptionRefused(
                f"{exc}: reload, then subscribe without `after`", "UNKNOWN_EVENT"
            ) from exc
    return replay_then_live(actor.tenant_id, after=start, prefixes=prefixes, allow=allow)


async def tenant_events(
    ctx: Context, *, after: str | None, topics: list[str] | None
) -> AsyncIterator[Event]:
    actor = tenant_admin(ctx)
    prefixes = list(topics or [])
    if len(prefixes) > MAX_TOPICS or any(not p or len(p) > 64 for p in prefixes):
        raise SubscriptionRefused(
            f"Send at most {MAX_TOPICS} topic prefixes of 1 to 64 characters", "BAD_USER_INPUT"
        )
    return await events(actor, after=after, prefixes=prefixes)


async def tenant_document_feed(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    return await events(tenant_admin(ctx), after=after, prefixes=[DOCUMENT_PREFIX])


async def alerts(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    """Alerts raised and resolved in the viewer's tenant (the platform tenant carries the
    platform-wide ones, such as outbox lag)."""
    return await events(tenant_admin(ctx), after=after, prefixes=["alert."])


async def my_tasks_changed(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    actor = signed_in(ctx)
    me = global_id("User", actor.user_id)

    def mine(event: Event) -> bool:
        users = event.payload.get("userIds")
        return isinstance(users, list) and me in users

    return await events(actor, after=after, prefixes=[Topic.TASK_CHANGED], allow=mine)


async def my_calendar_changed(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    """The viewer's calendar, notes and bookings: `calendar.*` and `booking.changed` events
    whose `userIds` include her (invitations, answers, reminders, shares)."""
    actor = signed_in(ctx)
    me = global_id("User", actor.user_id)

    def mine(event: Event) -> bool:
        users = event.payload.get("userIds")
        return isinstance(users, list) and me in users

    prefixes = ["calendar.", Topic.BOOKING_CHANGED.value]
    return await events(actor, after=after, prefixes=prefixes, allow=mine)


async def notifications(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    """站内消息 for the viewer: `notification.created` events whose `userId` is hers."""
    actor = signed_in(ctx)
    me = global_id("User", actor.user_id)

    def mine(event: Event) -> bool:
        return event.payload.get("userId") == me

    return await events(actor, after=after, prefixes=[Topic.NOTIFICATION_CREATED], allow=mine)


async def _readable(ctx: Context, document_id: Any) -> uuid.UUID:
    """The document's id, if the viewer may read it now (the queries' read rule)."""
    key = node_uuid(document_id, "Document")
    if not isinstance(key, uuid.UUID) or await DocumentById(ctx).load(key) is None:
        raise SubscriptionRefused("Document not found", "NOT_FOUND")
    return key


def _still_readable(ctx: Context, key: uuid.UUID, topic_key: str = "documentId") -> Allow:
    """Per event: about this document, and still readable (access can change while the
    connection lives, so the cached answer is dropped first)."""
    wanted = global_id("Document", key)

    async def allow(event: Event) -> bool:
        if event.payload.get(topic_key) != wanted:
            return False
        DocumentById(ctx).clear(key)
        return await DocumentById(ctx).load(key) is not None

    return allow


async def document_status_changed(
    ctx: Context, *, document_id: Any, after: str | None
) -> AsyncIterator[Event]:
    actor = signed_in(ctx)
    key = await _readable(ctx, document_id)
    return await events(
        actor,
        after=after,
        prefixes=[Topic.DOCUMENT_STATUS_CHANGED],
        allow=_still_readable(ctx, key),
    )


async def dispatch_status_changed(
    ctx: Context, *, document_id: Any, after: str | None
) -> AsyncIterator[Event]:
    """For the sender: each recipient's status of the dispatches of one document."""
    actor = signed_in(ctx)
    key = await _readable(ctx, document_id)
    return await events(
        actor,
        after=after,
        prefixes=[Topic.EXCHANGE_RECIPIENT_CHANGED],
        allow=_still_readable(ctx, key),
    )


async def incoming_box_changed(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    """For the receiver: items of the incoming box (收文箱) the viewer may work on."""
    actor = signed_in(ctx)
    if not actor.has(Permission.EXCHANGE_RECEIVE):
        raise SubscriptionRefused(
            f"You lack the permission {Permission.EXCHANGE_RECEIVE.value}", "FORBIDDEN"
        )

    async def workable(event: Event) -> bool:
        item = decoded(event.payload.get("incomingId"), "IncomingItem")
        return item is not None and await incoming.workable(actor).filter(id=item).exists()

    return await events(actor, after=after, prefixes=[Topic.EXCHANGE_INCOMING], allow=workable)
