"""Live events (事件推送): subscriptions over graphql-transport-ws, resumable with `after`.

See docs/events.md for topics, ordering, delivery guarantees and how to add a subscription.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from resolvers import events as r
from resolvers.events import Event as EventValue
from schema import rendering
from schema.types import Info

After = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Resume after this event id (the `id` of the last event received): missed "
        "events are replayed first, in order. Without it the stream starts now. An id beyond "
        "the newest event of the viewer's tenant is refused (UNKNOWN_EVENT)."
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
    occurred_at: datetime = strawberry.field(description="When it happened (ISO 8601, UTC).")
    payload: JSON = strawberry.field(
        description=("The event's data (JSON); ids are global ids, hidden fields left out.")
    )

    @classmethod
    def of(cls, event: EventValue) -> Event:
        return cls(
            id=strawberry.ID(str(event.id)),
            topic=event.topic,
            tenant_id=strawberry.ID(str(relay.GlobalID("Tenant", str(event.tenant_id)))),
            occurred_at=event.created_at,
            payload=cast(JSON, event.payload),
        )


_recent: OrderedDict[int, Event] = OrderedDict()
RECENT = 1024


def _typed(event: EventValue) -> Event:
    """Every subscriber of the process gets the same `Event` for one event id (an id names
    one committed row), made once."""
    typed = _recent.get(event.id)
    if typed is None:
        typed = _recent[event.id] = Event.of(event)
        if len(_recent) > RECENT:
            _recent.popitem(last=False)
    return typed


async def _delivered(events: AsyncIterator[EventValue]) -> AsyncIterator[Event]:
    """The events a subscription's rule let through: over a websocket, those whose render is
    shared go straight to the socket as the shared bytes (`schema/rendering.py`), in order
    with the rest; only what is not shared is yielded, for graphql-core to render and
    strawberry to send to this subscriber alone."""
    outlet = rendering.OUTLET.get()
    async for event in events:
        if outlet is not None:
            end = outlet.shared(event, _typed)
            if end is not None:
                if not await outlet.send(end):
                    return
                continue
        yield _typed(event)


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
        return _delivered(await r.tenant_events(info.context, after=after, topics=topics))

    @strawberry.subscription(
        description="Document events (`document.*`) of the viewer's tenant (tenant admins)."
    )
    async def tenant_document_feed(
        self,
        info: Info,
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(await r.tenant_document_feed(info.context, after=after))

    @strawberry.subscription(
        description="Changes to tasks (待办) assigned to the viewer (`task.changed` events whose "
        "`userIds` include the viewer)."
    )
    async def my_tasks_changed(
        self,
        info: Info,
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(await r.my_tasks_changed(info.context, after=after))

    @strawberry.subscription(
        description="The viewer's personal office (个人辅助办公): `calendar.*` events "
        "(invitations, answers, reminders, shares, changes of her events and notes) and "
        "`booking.changed` whose `userIds` include her."
    )
    async def my_calendar_changed(
        self,
        info: Info,
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(await r.my_calendar_changed(info.context, after=after))

    @strawberry.subscription(
        description="Status changes (状态变更) of a document the viewer may read; ends being "
        "delivered when the viewer loses access."
    )
    async def document_status_changed(
        self,
        info: Info,
        document_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of the Document to follow."),
        ],
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(
            await r.document_status_changed(info.context, document_id=document_id, after=after)
        )

    @strawberry.subscription(
        description="Anything that changes a document's page (its status, number or any of "
        "its tasks: `document.status_changed`, `document.number_voided`, `task.changed` of "
        "this document), while the viewer may read it. A task event names the task and the "
        "people it concerns, as the document's `tasks` field does."
    )
    async def document_changed(
        self,
        info: Info,
        document_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of the Document to follow."),
        ],
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(
            await r.document_changed(info.context, document_id=document_id, after=after)
        )

    @strawberry.subscription(
        description="For the sender of a document: each recipient's exchange status as it "
        "changes (sent, delivered, signed, returned)."
    )
    async def dispatch_status_changed(
        self,
        info: Info,
        document_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="Global id of the Document whose dispatches to follow (you sent it)."
            ),
        ],
        after: After = None,
    ) -> AsyncIterator[Event]:
        return _delivered(
            await r.dispatch_status_changed(info.context, document_id=document_id, after=after)
        )

    @strawberry.subscription(
        description="Items of the incoming box (收文箱) the viewer may work on: delivered, "
        "signed, returned, reminded."
    )
    async def incoming_box_changed(self, info: Info, after: After = None) -> AsyncIterator[Event]:
        return _delivered(await r.incoming_box_changed(info.context, after=after))

    @strawberry.subscription(
        description="站内消息 for the viewer as they are created (`notification.created` events "
        "whose `userId` is the viewer), replayed from `after` first."
    )
    async def notification_received(self, info: Info, after: After = None) -> AsyncIterator[Event]:
        return _delivered(await r.notifications(info.context, after=after))

    @strawberry.subscription(
        description="运行告警 raised and resolved in the viewer's tenant (tenant admins; platform "
        "admins get the platform-wide ones such as outbox lag)."
    )
    async def alerts(self, info: Info, after: After = None) -> AsyncIterator[Event]:
        return _delivered(await r.alerts(info.context, after=after))
