"""From a request's credentials to a `Viewer` (or anonymous).

Credentials are, in this order: an `Authorization: Bearer` access token (a JWT per RFC 9068, or
an opaque token checked by introspection), else the browser session cookie set by `/auth/callback`.
A cookie-authenticated request that changes state must also send the session's CSRF token in a
header (double submit: the `oc_csrf` cookie is readable by the front end, a third-party site can
neither read it nor set the header).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from auth.cache import ViewerCache
from auth.errors import AuthError
from auth.introspection import Introspector
from auth.tokens import TokenValidator, looks_like_jwt
from auth.viewer import PortalDirectory, Viewer, load_viewer, viewer_for
from i18n import _
from models.directory import User
from models.scope import TenantScope, across_tenants
from models.sso import PortalSession
from models.tenants import Tenant, TenantStatus

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "oc_csrf"


class AuthHooks(Protocol):
    """What the server does around authentication (the access log); optional."""

    async def signed_in(self, viewer: Viewer, *, method: str, token: str) -> None: ...

    async def refused(self, error: AuthError, *, method: str) -> None: ...


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Authenticator:
    def __init__(
        self,
        validator: TokenValidator,
        *,
        tenant_claim: str,
        introspector: Introspector | None = None,
        directory: PortalDirectory | None = None,
        hooks: AuthHooks | None = None,
        session_cookie: str = "oc_session",
        cache: ViewerCache | None = None,
    ) -> None:
        self.validator = validator
        self.tenant_claim = tenant_claim
        self.introspector = introspector
        self.directory = directory
        self.hooks = hooks
        self.session_cookie = session_cookie
        self.cache = cache if cache is not None else ViewerCache(0)

    async def viewer(self, authorization: str | None) -> Viewer | None:
        """None when no credentials were sent; AuthError when they are wrong."""
        if not authorization:
            return None
        scheme, _space, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(_("Send 'Authorization: Bearer <access token>'"))
        token = token.strip()
        cached = self.cache.get(token)
        if cached is not None:
            return cached
        begun = self.cache.begin()
        method = "bearer"
        try:
            if looks_like_jwt(token) or self.introspector is None:
                claims, issuer = await self.validator.validate(token)
                dev = issuer.dev
            else:
                method = "introspection"
                claims, dev = await self.introspector.validate(token), False
            viewer = await load_viewer(
                claims, dev=dev, tenant_claim=self.tenant_claim, directory=self.directory
            )
        except AuthError as exc:
            if self.hooks is not None:
                if exc.tenant is None and exc.claims:
                    code = exc.claims.get(self.tenant_claim)
                    exc.tenant = await Tenant.get_or_none(code=code) if code else None
                await self.hooks.refused(exc, method=method)
            raise
        if self.hooks is not None:
            await self.hooks.signed_in(viewer, method=method, token=token)
        self.cache.put(token, viewer, begun)
        return viewer

    async def request_viewer(
        self, method: str, headers: Mapping[str, str], cookies: Mapping[str, str], csrf_header: str
    ) -> Viewer | None:
        """The bearer token if one is sent, else the session cookie (with CSRF for writes)."""
        if headers.get("Authorization"):
            return await self.viewer(headers.get("Authorization"))
        raw = cookies.get(self.session_cookie)
        if not raw:
            return None
        csrf = None if method.upper() in SAFE_METHODS else headers.get(csrf_header, "")
        return await self.session_viewer(raw, csrf=csrf, csrf_name=f"the {csrf_header} header")

    async def socket_viewer(
        self, params: Mapping[str, Any], cookies: Mapping[str, str]
    ) -> Viewer | None:
        """`connection_init` carries `authorization`, or `csrfToken` for the session cookie."""
        header = params.get("authorization") or params.get("Authorization")
        if isinstance(header, str) and header:
            return await self.viewer(header)
        raw = cookies.get(self.session_cookie)
        if not raw:
            return None
        csrf = params.get("csrfToken")
        return await self.session_viewer(
            raw, csrf=csrf if isinstance(csrf, str) else "", csrf_name="csrfToken"
        )

    async def session_viewer(self, raw: str, *, csrf: str | None, csrf_name: str) -> Viewer:
        """A live session; `csrf` (when not None) must equal the session's CSRF token."""
        session = await across_tenants(PortalSession).get_or_none(token_hash=token_hash(raw))
        now = datetime.now(UTC)
        if session is None or session.revoked_at is not None or session.expires_at <= now:
            raise AuthError(_("The session has ended or was revoked; sign in again at /auth/login"))
        if csrf is not None and not hmac.compare_digest(csrf, session.csrf_token):
            raise AuthError.forbidden(
                f"Cookie-authenticated writes need the CSRF token (cookie {CSRF_COOKIE}) "
                f"in {csrf_name}"
            )
        tenant = await Tenant.get(id=session.tenant_id)
        if tenant.status != TenantStatus.ACTIVE:
            raise AuthError.forbidden(f"Tenant '{tenant.code}' is {tenant.status.value}")
        user = await TenantScope(tenant.id).query(User).get(id=session.user_id)
        claims = {"sub": session.subject, "sid": session.sid, "exp": session.expires_at.timestamp()}
        return await viewer_for(tenant, user, claims, session_id=session.id)
