"""The tenant's API rate (its package's requests per window): counted for metering, refused
with 429 and `Retry-After` over the rate, across processes when the limiter is in Redis."""

from __future__ import annotations

import logging
import uuid

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from auth.clients import RateLimiter, Rule
from i18n import _
from server.refusals import Refused
from services import usage

log = logging.getLogger("officecloud.view")
TENANT_API_RULE = "tenantApi"


class TenantRate:
    def __init__(self, limiter: RateLimiter | None, window: int) -> None:
        self.limiter = limiter
        self.window = window
        self.unchecked = False
        """Redis was unreachable at the last check (logged once per outage)."""

    async def meter(self, tenant_id: uuid.UUID) -> None:
        """Count the request for its tenant, and refuse it over the tenant's API rate."""
        usage.requests.add(tenant_id, usage.Meter.API_REQUESTS)
        rate = await usage.api_rate(tenant_id)
        if rate is None or self.limiter is None:
            return
        try:
            retry = await self.limiter.hit_rule(
                TENANT_API_RULE, Rule(rate, self.window), str(tenant_id)
            )
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if not self.unchecked:
                log.warning("tenant API rate not checked, Redis is unreachable: %s", exc)
            self.unchecked = True
            return  # a rate is a fairness limit: Redis down must not stop every request
        self.unchecked = False
        if retry is not None:
            raise Refused(
                429,
                _(
                    "Your tenant's package allows {rate} API requests per "
                    "{window} s; retry in {retry} s",
                    rate=rate,
                    window=self.window,
                    retry=retry,
                ),
                "RATE_LIMITED",
                {"Retry-After": str(retry)},
            )
