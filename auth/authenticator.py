"""From an `Authorization` header to a `Viewer` (or anonymous)."""

from __future__ import annotations

from auth.errors import AuthError
from auth.tokens import TokenValidator
from auth.viewer import Viewer, load_viewer


class Authenticator:
    def __init__(self, validator: TokenValidator, *, tenant_claim: str) -> None:
        self.validator = validator
        self.tenant_claim = tenant_claim

    async def viewer(self, authorization: str | None) -> Viewer | None:
        """None when no credentials were sent; AuthError when they are wrong."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Send 'Authorization: Bearer <access token>'")
        claims, issuer = await self.validator.validate(token.strip())
        return await load_viewer(claims, dev=issuer.dev, tenant_claim=self.tenant_claim)
