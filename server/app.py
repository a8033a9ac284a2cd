"""The aiohttp application: `/graphql` (HTTP and websockets), health, and the dev issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web
from tortoise import connections

from auth.clients import RateLimiter, Rule, networks
from auth.dev_issuer import DevIssuer
from auth.tokens import TokenValidator, TrustedIssuer
from resolvers.tenants import APPLY_RULE
from schema import build_schema
from server import (
    apidocs,
    console,
    db,
    graphiql,
    lifecycle,
    limits,
    metrics,
    operations,
    signin,
    sso,
    workers,
)
from server import audit as audit_export
from server import calendar as calendar_feeds
from server.files import ATTACHMENTS, download
from server.logs import request_id_middleware
from server.outages import outage_middleware
from server.settings import Settings, get_settings
from server.view import GraphQLView
from services import idempotency, stats, usage
from services.calendar import reminders as calendar_reminders
from services.documents import timers
from services.documents.attachments import AttachmentPolicy
from services.documents.object_store import S3BlobStore
from services.documents.storage import BlobStore, LocalBlobStore
from services.exchange import delivery, reminders
from services.notifications import delivery as notification_delivery
from services.notifications import digest
from services.portal import ensure_standard_components
from services.tenants import ensure_platform
from subscriptions import bus, publisher, relay, sessions
from sync.scim import app as scim

SETTINGS = web.AppKey("settings", Settings)
HTTP = web.AppKey("http", aiohttp.ClientSession)
BUS = web.AppKey("bus", bus.Bus)
DEV_ISSUER = web.AppKey("dev_issuer", DevIssuer)
LIMITER = web.AppKey("limiter", RateLimiter)
LOOPS = web.AppKey("loops", list[workers.Loop])


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or get_settings()
    app = web.Application(
        middlewares=[
            request_id_middleware,
            outage_middleware,
            limits.body_timeout(settings.request_body_timeout_seconds),
        ]
    )
    app[SETTINGS] = settings
    app[LOOPS] = []
    lifecycle.install(app)
    app.cleanup_ctx.append(_resources)
    app.cleanup_ctx.append(_live_events)

    issuers = []
    provider = sso.provider_issuer(settings, lambda: app[HTTP])
    if provider:
        issuers.append(provider[0])
        app[sso.JWKS] = provider[2]
    if settings.dev_mode:
        dev = DevIssuer.load(
            settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
        )
        app[DEV_ISSUER] = dev
        issuers.append(TrustedIssuer(dev.issuer, dev.audience, dev.key_set, dev=True))
        app.router.add_get("/auth/dev/jwks.json", _dev_jwks)
        app.router.add_get("/auth/dev/.well-known/openid-configuration", _dev_discovery)
        graphiql.add_routes(app)

    validator = TokenValidator(issuers, settings.oidc_algorithms, settings.oidc_leeway_seconds)
    discovery = provider[1] if provider else None
    authenticator = sso.build_authenticator(app, settings, validator, discovery)
    signin.add_routes(app, settings, validator, discovery)
    app[ATTACHMENTS] = AttachmentPolicy(
        store=_blob_store(settings),
        max_bytes=settings.max_upload_bytes,
        allowed_types=frozenset(settings.upload_types),
        secret=settings.signing_secret(),
        link_seconds=settings.download_link_seconds,
    )
    app[LIMITER] = RateLimiter(
        {APPLY_RULE: Rule(settings.apply_rate_limit, settings.apply_rate_window_seconds)},
        settings.redis_url,
        settings.deployment,
    )
    schema = build_schema(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_page_size=settings.max_page_size,
        introspection=settings.dev_mode,
    )
    view = GraphQLView(
        schema,
        authenticator=authenticator,
        attachments=app[ATTACHMENTS],
        csrf_header=settings.csrf_header,
        dev_mode=settings.dev_mode,
        max_page=settings.max_page_size,
        max_subscriptions=settings.max_subscriptions_per_connection,
        max_query_bytes=settings.max_query_bytes,
        max_websockets_per_user=settings.max_websockets_per_user,
        trusted=operations.TrustedDocuments(settings.trusted_documents_only),
        idempotency_keep=timedelta(hours=settings.idempotency_hours),
        limiter=app[LIMITER],
        trusted_proxies=networks(settings.trusted_proxies),
        tenant_rate_window=settings.tenant_rate_window_seconds,
    )
    app.router.add_route("*", "/graphql", view)
    if settings.dev_mode:
        apidocs.add_routes(app, schema._schema)
    app.router.add_get("/files/{tenant_id}/{attachment_id}", download)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    scim.add_routes(app, role_map=dict(settings.oidc_role_map))
    app.router.add_get(
        "/metrics", metrics.handler(settings.metrics_token, settings.usage_metrics_top_tenants)
    )
    app.router.add_get("/audit/export", audit_export.export)
    calendar_feeds.add_routes(app)
    console.add_routes(app, dev_issuer=app.get(DEV_ISSUER), sign_in=signin.OIDC in app)
    return app


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    if settings.embedded:
        await db.migrate(settings)
    owns_db = await db.connect(settings)
    await ensure_platform()
    await ensure_standard_components(
        build_schema()._schema if settings.portal_check_shipped_operations else None
    )
    await operations.register_console(
        operations.console_manifest(console.DIST / "persisted-documents.json")
    )
    app[HTTP] = aiohttp.ClientSession()
    await app[ATTACHMENTS].store.start()
    app[BUS] = bus.create(
        settings.redis_url,
        queue_size=settings.subscription_queue_size,
        namespace=settings.deployment,
    )
    await app[BUS].start()
    bus.install(app[BUS])
    loops: list[workers.Loop] = app[LOOPS]
    loops.extend(_loops(settings, app[BUS]))
    async with workers.running(loops):
        yield
    with contextlib.suppress(Exception):  # the database is gone: the last counts are lost
        await usage.requests.flush()
    bus.uninstall(app[BUS])
    await app[BUS].close()
    await app[HTTP].close()
    await app[ATTACHMENTS].store.close()
    await app[LIMITER].close()
    if owns_db:
        await db.disconnect()


def _blob_store(settings: Settings) -> BlobStore:
    if settings.blob_store == "s3":
        return S3BlobStore(
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            staging=settings.data_dir / "staging",
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    return LocalBlobStore(settings.data_dir / "blobs")


def _loops(settings: Settings, events: bus.Bus) -> list[workers.Loop]:
    """Every background loop of the process; the outbox relay and pruning run in each."""
    loop = workers.Loop
    loops = [
        loop(
            "outbox_relay",
            settings.outbox_relay_interval_seconds,
            lambda: relay.relay_step(
                events,
                grace=timedelta(seconds=settings.outbox_relay_grace_seconds),
                batch=settings.outbox_relay_batch_size,
            ),
        ),
        loop(
            "outbox_prune",
            relay.PRUNE_EVERY_SECONDS,
            lambda: relay.prune(retention=timedelta(hours=settings.outbox_retention_hours)),
        ),
        loop("sessions", settings.session_check_seconds, sessions.check_open),
        loop("idempotency_prune", 600.0, lambda: idempotency.prune(datetime.now(UTC))),
        loop("metrics", 5.0, metrics.periodic),
        loop("usage_flush", settings.usage_flush_seconds, usage.requests.flush),
        loop("usage_rates", usage.RATE_CACHE_SECONDS, usage.rates.refresh),
    ]
    if not settings.background_jobs:
        return loops
    outbound = transports(settings)
    thresholds = stats.Thresholds(settings.alert_overdue_tasks, settings.alert_outbox_lag_seconds)
    loops += [
        loop("timers", settings.timer_interval_seconds, timers.fire_due),
        loop("exchange_delivery", settings.timer_interval_seconds, delivery.deliver_due),
        loop("exchange_reminders", settings.timer_interval_seconds, reminders.fire_due),
        loop("calendar_reminders", settings.timer_interval_seconds, calendar_reminders.fire_due),
        loop("alerts", settings.alert_interval_seconds, lambda: stats.check_alerts(thresholds)),
        loop(
            "notification_delivery",
            settings.timer_interval_seconds,
            lambda: notification_delivery.deliver_due(outbound),
        ),
        loop("notification_digest", settings.digest_interval_seconds, digest.compose_due),
        loop("usage_snapshot", settings.usage_snapshot_seconds, usage.snapshot),
        loop("quotas", settings.alert_interval_seconds, lambda: usage.watch(datetime.now(UTC))),
    ]
    if settings.rollup_interval_seconds > 0:
        loops.append(
            loop(
                "rollups",
                settings.rollup_interval_seconds,
                lambda: stats.refresh_rollups(
                    stats.DEFAULT_TIME_ZONE, older_than=settings.rollup_interval_seconds / 2
                ),
            )
        )
    return loops


def transports(settings: Settings) -> notification_delivery.Transports:
    """The outbound channels this deployment has (none by default: in-app only)."""
    hook = notification_delivery.Webhook
    return notification_delivery.Transports(
        email=notification_delivery.Smtp(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password,
            use_tls=settings.smtp_tls,
        )
        if settings.smtp_host
        else None,
        sms=hook(settings.sms_webhook_url, settings.webhook_secret)
        if settings.sms_webhook_url
        else None,
        im=hook(settings.im_webhook_url, settings.webhook_secret)
        if settings.im_webhook_url
        else None,
        link_base=f"{settings.public_url.rstrip('/')}/#/node/",
        metered=usage.count_sent,
    )


async def _live_events(app: web.Application) -> AsyncIterator[None]:
    """Every process honours revocations sent by any process, and drops cached viewers on the
    changes of access it commits (at once) or hears of from the others."""
    settings = app[SETTINGS]
    app[BUS].on_control(sessions.handle_control)
    app[BUS].on_event(sessions.handle_event)
    cache = app[sso.AUTHENTICATOR].cache
    forget = sso.viewer_invalidation(cache)
    app[BUS].on_event(forget)
    undo = [publisher.on_committed(forget), sessions.on_revoke(cache.forget_user)]
    crash_topic = settings.test_exit_after_commit_topic if settings.dev_mode else None
    publisher.exit_after_commit(crash_topic)
    yield
    publisher.exit_after_commit(None)
    for remove in undo:
        remove()


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    """Ready when the database and the bus answer, every background loop succeeded within its
    budget, and the process is not shutting down."""
    app = request.app
    loops = {loop.name: loop.report() for loop in app[LOOPS]}
    checks = {
        "database": await _database_ok(),
        "bus": await app[BUS].ping(),
        "loops": all(report["ok"] for report in loops.values()),
        "serving": not app[lifecycle.DRAIN].started,
    }
    status = 200 if all(checks.values()) else 503
    return web.json_response({"ready": status == 200, **checks, "loopStatus": loops}, status=status)


async def _database_ok() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def _dev_jwks(request: web.Request) -> web.Response:
    return web.json_response(request.app[DEV_ISSUER].public_jwks())


async def _dev_discovery(request: web.Request) -> web.Response:
    dev = request.app[DEV_ISSUER]
    return web.json_response(
        {
            "issuer": dev.issuer,
            "jwks_uri": f"{dev.issuer}/jwks.json",
            "id_token_signing_alg_values_supported": ["ES256"],
        }
    )
