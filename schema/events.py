"""Live events (事件推送): subscriptions over graphql-transport-ws, resumable with `after`.

See docs/events.md for topics, ordering, delivery guarantees and how to add a subscription.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from resolvers import events as r
from schema.types import Info
from subscriptions.events import Event as EventValue

After = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Resume after this event id (the `id` of the last event received): missed "
        "events are replayed first, in order. Without it the stream starts now."
    ),
]


@strawberry.type(
    name="Event",
    description="A committed change, from the outbox (事件). Within a tenant, events arrive in "
    "commit order, each once.",
)
class Event:
    id: strawberry.ID = strawberry.field(
        description="The event id; opaque, pass it as `after` to resume after this event."
    )
    topic: str = strawberry.field(description="What happened, e.g. `tenant.status_changed`.")
    tenant_id: strawberry.ID = strawberry.field(description="Global id of the tenant.")
    occurred_at: datetime
    payload: JSON

    @classmethod
    def of(cls, event: EventValue) -> Event:
        return cls(
            id=strawberry.ID(str(event.id)),
            topic=event.topic,
            tenant_id=strawberry.ID(str(relay.GlobalID("Tenant", str(event.tenant_id)))),
            occurred_at=event.created_at,
            payload=cast(JSON, event.payload),
        )


async def _typed(events: AsyncIterator[EventValue]) -> AsyncIterator[Event]:
    async for event in events:
        yield Event.of(event)


@strawberry.type
class EventSubscription:
    @strawberry.subscription(
        description="Every event of the viewer's tenant (tenant admins), optionally only "
        "topics starting with one of `topics`."
    )
    async def tenant_events(
        self,
        info: Info,
        after: After = None,
        topics: Annotated[
            list[str] | None,
            strawberry.argument(description='Topic prefixes, e.g. ["directory.", "tenant."].'),
        ] = None,
    ) -> AsyncIterator[Event]:
        return _typed(await r.tenant_events(info.context, after=after, topics=topics))

    @strawberry.subscription(
        description="Document events (`document.*`) of the viewer's tenant (tenant admins)."
    )
    async def tenant_document_feed(
        self,
        info: Info,
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _typed(await r.tenant_document_feed(info.context, after=after))

    @strawberry.subscription(
        description="Changes to tasks (待办) assigned to the viewer (`task.changed` events whose "
        "`userIds` include the viewer)."
    )
    async def my_tasks_changed(
        self,
        info: Info,
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _typed(await r.my_tasks_changed(info.context, after=after))
