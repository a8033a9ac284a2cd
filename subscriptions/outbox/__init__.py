"""The outbox: events written in the transaction that makes the change, published after commit.

`writer` inserts a tenant's events in the change's transaction and `reader` reads them back in
order (replay, and the hub's gap filling); `subscriptions/publisher.py` puts them on the bus after
commit. The publisher uses the bus, the bus hands events to the hub, and the hub reads the outbox:
the publisher stays outside this package so that the imports only go one way.

Ordering. Event ids come from one BIGSERIAL sequence, and `services/uow.py` takes them only while
it holds the lock on the tenant's `TenantLog` row, which it keeps until commit. So two events of
one tenant get their ids in the order their transactions commit, and once an event is visible,
every earlier event of its tenant is visible too: reading "the tenant's events after id N" never
misses one that commits later with a smaller id. Replay (`reader.page`) and the hub's gap filling
rely on this. It holds only while (1) every event is written through `writer.record_all` inside
`services.uow.transaction` and (2) the sequence keeps `CACHE 1` (PostgreSQL's default: with a
cache, each session takes ids from its own block). Across tenants ids say nothing about order.

Publishing. `publisher.publish_committed` publishes right after commit and stamps
`published_at`; whatever it could not publish (Redis down, process gone) the relay (relay.py)
publishes later. Events are published at least once, and rarely twice; subscribers drop repeated
ids.
"""
