"""Expected failures of a use case. The schema turns them into `errors: [UserError!]!` payloads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import asyncpg
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tortoise.exceptions import DBConnectionError

from i18n import _
from models.access import Actor, Permission

RETRY_AFTER_SECONDS = 5
"""What a client is told to wait (`Retry-After`) when a service the request needs is down."""


class Unavailable(Exception):
    """A service the request needs (the database, the blob store, Redis) cannot be reached:
    the client should retry later (`SERVICE_UNAVAILABLE`, HTTP 503 with `Retry-After`)."""


OUTAGES: tuple[type[BaseException], ...] = (
    Unavailable,
    OSError,  # refused, reset, timed out (TimeoutError is an OSError)
    DBConnectionError,
    asyncpg.PostgresConnectionError,  # lost connections included
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    RedisConnectionError,
    RedisTimeoutError,
)


def is_outage(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, means a service is down rather
    than a bug: retrying later may work."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OUTAGES):
            return True
        if isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


class Code(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    CYCLE = "CYCLE"
    IN_USE = "IN_USE"
    INVALID_STATE = "INVALID_STATE"
    RATE_LIMITED = "RATE_LIMITED"
    LAST_SIGNER = "LAST_SIGNER"
    """减签 would leave a countersign without signers."""
    SEPARATION_OF_DUTIES = "SEPARATION_OF_DUTIES"
    """The initiator may not approve (or be handed) her own document at that step."""
    CANNOT_READ = "CANNOT_READ"
    """Someone a document would be circulated to may not read it (secrecy, another tenant, a
    disabled account); the message names them."""
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    """The tenant's package (服务套餐) or allocation does not allow more; the message names the
    limit, the usage and the package."""


@dataclass(frozen=True, slots=True)
class Problem:
    code: Code
    message: str
    field: tuple[str, ...] | None = None
    retry_after: int | None = None
    """Seconds until a RATE_LIMITED call may be tried again."""


class ServiceError(Exception):
    """Raised inside a transaction, so everything the use case wrote is rolled back."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    @classmethod
    def of(cls, code: Code, message: str, *field: str) -> ServiceError:
        return cls(Problem(code, message, field or None))


def not_found(what: str, *field: str) -> ServiceError:
    return ServiceError.of(Code.NOT_FOUND, _("{what} not found", what=what), *field)


def signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise ServiceError.of(Code.UNAUTHENTICATED, _("Sign in first"))
    return actor


def require(actor: Actor | None, permission: Permission, **target: object) -> Actor:
    """The actor, if it holds `permission` over the target (org paths / user); else FORBIDDEN."""
    actor = signed_in(actor)
    allowed = actor.may(permission, **target) if target else actor.has(permission)  # type: ignore[arg-type]
    if not allowed:
        raise ServiceError.of(
            Code.FORBIDDEN, _("You lack the permission {permission}", permission=permission.value)
        )
    return actor


def check_version(current: int, expected: int | None) -> None:
    """Optimistic concurrency: a client that read version N may only change version N."""
    if expected is not None and expected != current:
        raise ServiceError.of(
            Code.CONFLICT,
            _(
                "The record changed meanwhile (version {current}, you sent {expected}); reload it",
                current=current,
                expected=expected,
            ),
            "expectedVersion",
        )
