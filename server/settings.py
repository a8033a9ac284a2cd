"""Settings from the environment (and an optional `.env`).

With nothing set the server runs on a SQLite file under `DATA_DIR` and an in-process bus;
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MODEL_MODULES = [
    "models.tenants",
    "models.directory",
    "models.audit",
    "models.outbox",
    "models.forms",
    "models.flows",
    "models.documents",
    "models.portal_components",
    "models.sso",
    "models.exchange",
    "models.stats",
    "models.idempotency",
    "models.operations",
    "models.workdays",
    "models.notices",
    "models.publications",
    "models.search",
    "models.usage",
    "models.calendar",
    "models.bookings",
    "models.circulation",
    "models.notifications",
]


def _env(name: str, default: Any = None) -> Any:
    """Accept both the bare name (DATABASE_URL) and the prefixed one (OFFICECLOUD_DATABASE_URL)."""
    return Field(default, validation_alias=AliasChoices(name, f"OFFICECLOUD_{name}"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OFFICECLOUD_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Path("data")
    database_url: str | None = _env("DATABASE_URL")
    redis_url: str | None = _env("REDIS_URL")
    dev_mode: bool = False
    port: int = Field(8000, ge=1, le=65535)
    """Where `serve` listens unless `--port` says otherwise (`make run PORT=…` sets it)."""
    public_url: str = ""
    """The server's base URL; default `http://127.0.0.1:<port>`."""

    oidc_issuer: str | None = _env("OIDC_ISSUER")
    oidc_audience: str = _env("OIDC_AUDIENCE", "officecloud")
    oidc_jwks_url: str | None = _env("OIDC_JWKS_URL")
    oidc_algorithms: list[str] = ["RS256", "PS256", "ES256", "EdDSA"]
    oidc_leeway_seconds: int = 30
    oidc_jwks_min_refresh_seconds: float = 1.0
    """Unknown `kid`s refetch the keys at most this often, all of them together."""
    oidc_jwks_unknown_kid_seconds: float = 30.0
    """A `kid` the provider did not publish at a refetch does not refetch again for this long."""
    oidc_tenant_claim: str = "tenant"

    # Portal integration (docs/sso.md) ---------------------------------------------------
    oidc_client_id: str | None = _env("OIDC_CLIENT_ID")
    oidc_client_secret: str | None = _env("OIDC_CLIENT_SECRET")
    oidc_scopes: str = _env("OIDC_SCOPES", "openid profile email")
    oidc_resource: str | None = _env("OIDC_RESOURCE")
    """Resource indicator (RFC 8707) asked for at browser sign-in."""
    oidc_jwks_refresh_seconds: float = 300.0
    """Keys are refetched this often as well, so keys published ahead of a rotation are known."""
    oidc_introspection: bool = _env("OIDC_INTROSPECTION", False)
    """Accept opaque access tokens through the provider's introspection endpoint (RFC 7662)."""
    oidc_introspection_url: str | None = _env("OIDC_INTROSPECTION_URL")
    oidc_introspection_cache_seconds: float = 30.0
    oidc_roles_claim: str = "roles"
    oidc_role_map: dict[str, str] = {}
    """Portal role name -> Officecloud role code, for users created at their first sign-in."""
    oidc_default_role: str = "member"
    oidc_org_unit_claim: str = "org_unit"
    """Names the user's org unit by external id or code; the tenant's root unit otherwise."""
    oidc_provisioning: bool = True
    oidc_link_by: Literal["preferred_username", "email", ""] = "preferred_username"
    """A first-seen subject links to the local user (not linked yet) with this username, or
    verified e-mail; "" never links."""
    oidc_roles_from_tokens: bool = True
    """Every sign-in and first use of a token sets the portal roles from the roles claim (a
    missing claim: none). False: they come from SCIM `roles` only."""
    session_cookie: str = "oc_session"
    session_ttl_seconds: int = 8 * 3600
    cookie_secure: bool = True
    cookie_samesite: str = "Lax"
    csrf_header: str = "X-CSRF-Token"
    usage_flush_seconds: float = 5.0

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_bytes: int = 64 * 1024
    """The query document's size cap, checked before parsing (variables are not counted)."""
    max_page_size: int = 100
    max_subscriptions_per_connection: int = 20
    db_pool_size: int = 10

    trusted_proxies: list[str] = []
    """Addresses or networks of reverse proxies whose `X-Forwarded-For` is believed; from
    anyone else the peer address is the client's."""
    apply_rate_limit: int = 10
    apply_rate_window_seconds: int = 3600
    """`applyForTenant` calls allowed per client address and window."""

    secret_key: str | None = None
    """Signs download links. Set it (the same on every host) in production; without it a
    random key is kept in the data dir."""
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_types: list[str] = [
        "application/pdf",
        "application/ofd",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
        "image/png",
        "image/jpeg",
        "text/plain",
    ]
    download_link_seconds: int = 300

    rollup_interval_seconds: float = 600.0
    """How often the platform-wide statistics rollups are rebuilt (0: never)."""

    timer_interval_seconds: float = 5.0
    smtp_host: str | None = None
    """Outbound e-mail (SMTP) for notifications; unset: e-mails wait, then fail after a day."""
    smtp_port: int = 25
    smtp_sender: str = "officecloud@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: bool = False
    """Implicit TLS (port 465); otherwise STARTTLS when the server offers it."""
    sms_webhook_url: str | None = None
    """The SMS gateway: notifications are POSTed as JSON, signed (see docs/notifications.md)."""
    im_webhook_url: str | None = None
    """The instant-messaging gateway, the same way."""
    webhook_secret: str = ""
    """The HMAC-SHA256 key of `X-Officecloud-Signature` on gateway requests."""
    digest_interval_seconds: float = 600.0
    background_jobs: bool = True
    """Run the timer loop (and relays) in this process; every process may."""
    portal_check_shipped_operations: bool = False
    """Validate the shipped portal components' operations against our schema at start (turn on
    once the document, notice and publication queries they name exist)."""

    # Live events (docs/events.md): outbox relay, retention, per-subscription queue.
    outbox_relay_interval_seconds: float = 1.0
    outbox_relay_grace_seconds: float = 2.0
    """The relay leaves events this young to the process that committed them."""
    outbox_relay_batch_size: int = 500
    outbox_retention_hours: float = 7 * 24
    subscription_queue_size: int = 1000
    test_exit_after_commit_topic: str | None = None
    """TEST ONLY, and only with DEV_MODE: the process exits (`os._exit`) right after committing
    an event of this topic, before publishing it, to prove the relay delivers it anyway."""

    alert_interval_seconds: float = 60.0
    """How often the alert job compares overdue tasks and outbox lag with the thresholds."""
    alert_overdue_tasks: int = 50
    """Open overdue tasks in one tenant at which a `tasks_overdue` alert is raised."""
    alert_outbox_lag_seconds: float = 120.0
    """Age of the oldest unpublished outbox event at which an `outbox_lag` alert is raised."""
    usage_snapshot_seconds: float = 300.0
    """How often today's gauges (users, documents by status, storage) are read per tenant."""
    usage_metrics_top_tenants: int = Field(20, ge=1, le=500)
    """`officecloud_tenant_usage` labels this many tenants per meter by name; the rest are
    added up as `other` (bounded cardinality)."""
    tenant_rate_window_seconds: int = Field(60, ge=1, le=3600)
    """The window of a package's API rate (`apiRequestsPerMinute` counts per this window)."""
    metrics_token: str | None = None
    """When set, `/metrics` wants `Authorization: Bearer <token>`; else it is open."""

    # Faults and several hosts (docs/operations.md) --------------------------------------
    deployment: str = Field("officecloud", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    """Names this deployment on a shared Redis: every channel and key starts with
    `<deployment>:` (pub/sub ignores Redis database numbers). Deployments sharing one Redis
    must differ; every process of one deployment must agree."""
    shutdown_drain_seconds: float = 10.0
    """On SIGTERM, requests in flight get this long to finish (websockets are closed at once,
    with 1001)."""
    trusted_documents_only: bool = False
    """Run registered operations only (trusted documents, `server/operations.py`): a common
    hardening for production, where the front ends' builds register what they send."""
    gc_tuning: bool = True
    """A serving process freezes what start-up made (`gc.freeze()`) and collects with
    `gc_threshold` (`server/memory.py`); false keeps Python's defaults."""
    gc_threshold: tuple[int, int, int] = (50_000, 20, 20)
    viewer_cache_seconds: float = 5.0
    """How long a bearer token's viewer is reused without reading the directory again
    (`auth/cache.py`; dropped at once on the changes that end or alter access); 0 turns it off."""
    worker_restart_limit: int = 5
    worker_restart_window_seconds: float = 60.0
    """`serve --workers N` restarts a worker that exits on its own; more than this many
    restarts within the window is a crash loop, and `serve` stops with exit code 1."""
    max_websockets_per_user: int = 20
    """Open GraphQL websockets one user may hold in one server process; more are refused with
    close code 4430."""
    request_body_timeout_seconds: float = 60.0
    """A request body (an upload included) must arrive within this time, else 408."""
    session_check_seconds: float = 30.0
    """How often each process re-checks that the users and tenants of its open websockets are
    still active (a disabled user's are closed at once through the bus; this catches any
    message the bus lost)."""
    idempotency_hours: float = 24.0
    """How long a mutation's `Idempotency-Key` is remembered."""
    blob_store: Literal["local", "s3"] = "local"
    """Where attachments are kept: `local` (`<data dir>/blobs`, one host) or `s3` (any
    S3-compatible store, shared by every host)."""
    s3_bucket: str = ""
    s3_endpoint_url: str | None = None
    """For S3-compatible stores other than AWS (MinIO, Ceph, …)."""
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    """Without them the AWS default chain applies (environment, profile, instance role)."""
    s3_prefix: str = "blobs/"

    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _public_url_follows_port(self) -> Settings:
        if not self.public_url:
            self.public_url = f"http://127.0.0.1:{self.port}"
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ValueError("OFFICECLOUD_BLOB_STORE=s3 needs OFFICECLOUD_S3_BUCKET")
        return self

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url.replace("postgresql://", "postgres://", 1)
        return f"sqlite://{(self.data_dir / 'officecloud.sqlite3').resolve()}"

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def dev_issuer(self) -> str:
        return f"{self.public_url.rstrip('/')}/auth/dev"

    def signing_secret(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(secrets.token_bytes(32))
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
            tmp.unlink()
        return path.read_bytes()

    def tortoise_config(self) -> dict[str, Any]:
        from tortoise.backends.base.config_generator import expand_db_url

        connection = expand_db_url(self.db_url)
        if connection["engine"] == "tortoise.backends.sqlite":
            connection["engine"] = "models.sqlite"  # plus the SQL functions statistics need
        else:
            connection["engine"] = "models.postgres"  # survives connections lost at release
            connection["credentials"].update(minsize=1, maxsize=self.db_pool_size)
        return {
            "connections": {"default": connection},
            "apps": {
                "officecloud": {
                    "models": MODEL_MODULES,
                    "migrations": "models.migrations",
                    "default_connection": "default",
                }
            },
            "use_tz": True,
            "timezone": "UTC",
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM` for Tortoise's own CLI (`tortoise makemigrations`), built lazily."""
    if name == "TORTOISE_ORM":
        return get_settings().tortoise_config()
    raise AttributeError(name)
