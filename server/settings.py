"""Settings from the environment (and an optional `.env`).

With nothing set the server runs on a SQLite file under `DATA_DIR` and an in-process bus;
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MODEL_MODULES = ["models.tenants", "models.directory", "models.audit", "models.outbox"]


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
    public_url: str = "http://127.0.0.1:8000"

    oidc_issuer: str | None = _env("OIDC_ISSUER")
    oidc_audience: str = _env("OIDC_AUDIENCE", "officecloud")
    oidc_jwks_url: str | None = _env("OIDC_JWKS_URL")
    oidc_algorithms: list[str] = ["RS256", "PS256", "ES256", "EdDSA"]
    oidc_leeway_seconds: int = 30
    oidc_jwks_min_refresh_seconds: float = 30.0
    oidc_tenant_claim: str = "tenant"

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    max_subscriptions_per_connection: int = 20
    db_pool_size: int = 10

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

    log_level: str = "INFO"
    log_json: bool = True

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

    def tortoise_config(self) -> dict[str, Any]:
        url = self.db_url
        credentials: dict[str, Any] = {}
        if url.startswith("postgres"):
            credentials = {"minsize": 1, "maxsize": self.db_pool_size}
        return {
            "connections": {"default": _connection(url, credentials)},
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


def _connection(url: str, extra: dict[str, Any]) -> Any:
    if not extra:
        return url
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(url)
    config["credentials"].update(extra)
    return config


@lru_cache
def get_settings() -> Settings:
    return Settings()


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM` for Tortoise's own CLI (`tortoise makemigrations`), built lazily."""
    if name == "TORTOISE_ORM":
        return get_settings().tortoise_config()
    raise AttributeError(name)
