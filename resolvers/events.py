"""The streams behind the subscription fields, built on `subscriptions.stream.replay_then_live`.

A field = who may subscribe (checked once, before anything is read) + which events it carries
(topic prefixes, pushed into the replay query) + a per-event rule (`allow`), which must be the
read rule the queries apply to the same data. The viewer is the one signed in at
`connection_init`; its grants stay as they were for the life of the connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from graphql import GraphQLError

from models.access import Actor, Permission
from resolvers.context import Context
from subscriptions.events import Event
from subscriptions.stream import Allow, EventsPruned, check_resumable, replay_then_live

MAX_TOPICS = 20
DOCUMENT_PREFIX = "document."
TASK_CHANGED = "task.changed"


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
            await check_resumable(start)
        except EventsPruned as exc:
            raise SubscriptionRefused(
                f"{exc}: reload, then subscribe without `after`", "EVENTS_PRUNED"
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


async def my_tasks_changed(ctx: Context, *, after: str | None) -> AsyncIterator[Event]:
    actor = signed_in(ctx)
    me = str(actor.user_id)

    def mine(event: Event) -> bool:
        users = event.payload.get("userIds")
        return isinstance(users, list) and me in users

    return await events(actor, after=after, prefixes=[TASK_CHANGED], allow=mine)
