"""Officecloud as a relying party of the portal's OpenID Provider: the authorization code flow
with PKCE (authlib's client), ID token and back-channel logout token validation, and the
RP-initiated logout URL."""

from __future__ import annotations

import hmac
import time
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.errors import AuthError
from auth.jwks import Discovery
from auth.tokens import TokenValidator, check_audience, check_times
from i18n import _

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TYPES = frozenset({"logout+jwt", "application/logout+jwt", "jwt"})
"""The spec says SHOULD for `logout+jwt`; several providers always send `JWT`. Other types
(`at+jwt`, ID tokens' `id_token+jwt`…) are refused: the `events` claim is checked as well."""
LOGOUT_TOKEN_MAX_AGE = 600
"""A logout token older than this (by `iat`) is refused, which bounds the replay store."""


class OidcClient:
    def __init__(
        self,
        discovery: Discovery,
        validator: TokenValidator,
        *,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        scope: str,
    ) -> None:
        self.discovery = discovery
        self.validator = validator
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.http = AsyncOAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=10,
        )

    @property
    def issuer(self) -> str:
        return self.discovery.issuer

    async def close(self) -> None:
        await self.http.aclose()

    async def authorization_url(
        self, *, state: str, code_verifier: str, nonce: str, resource: str | None
    ) -> str:
        extra = {"resource": resource} if resource else {}
        url, _ = self.http.create_authorization_url(
            await self.discovery.endpoint("authorization_endpoint"),
            state=state,
            code_verifier=code_verifier,
            nonce=nonce,
            **extra,
        )
        return str(url)

    async def exchange(self, code: str, code_verifier: str) -> dict[str, Any]:
        """The token response for an authorization code (PKCE verifier included)."""
        try:
            token = await self.http.fetch_token(
                await self.discovery.endpoint("token_endpoint"),
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                redirect_uri=self.redirect_uri,
            )
        except Exception as exc:
            raise AuthError(_("The portal refused the authorization code: {exc}", exc=exc)) from exc
        return dict(token)

    async def userinfo(self, access_token: str) -> dict[str, Any]:
        try:
            response = await self.http.request(
                "GET",
                await self.discovery.endpoint("userinfo_endpoint"),
                headers={"Authorization": f"Bearer {access_token}"},
                withhold_token=True,
            )
        except Exception as exc:
            raise AuthError(_("The portal's userinfo endpoint failed: {exc}", exc=exc)) from exc
        if response.status_code != 200:
            raise AuthError(
                _(
                    "The portal's userinfo endpoint answered {status_code}",
                    status_code=response.status_code,
                )
            )
        data: dict[str, Any] = response.json()
        return data

    async def id_token_claims(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """OpenID Connect Core 3.1.3.7: signature, issuer, audience, azp, times and nonce."""
        _header, claims, trusted = await self.validator.verify(id_token)
        self._ours(claims, trusted.issuer)
        if claims.get("exp") is None or claims.get("iat") is None:
            raise AuthError(_("ID token lacks exp or iat"))
        check_times(claims, self.validator.leeway)
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise AuthError(_("ID token nonce does not match the sign-in request"))
        return claims

    async def logout_token_claims(self, logout_token: str) -> dict[str, Any]:
        """OpenID Connect Back-Channel Logout 1.0, section 2.6 (replay is checked by the caller)."""
        header, claims, trusted = await self.validator.verify(logout_token)
        typ = header.get("typ")
        if typ is not None and str(typ).lower() not in LOGOUT_TOKEN_TYPES:
            raise AuthError(
                _("Logout token has typ {typ}, not 'logout+jwt' (or 'JWT')", typ=repr(typ))
            )
        self._ours(claims, trusted.issuer)
        if claims.get("iat") is None:
            raise AuthError(_("Logout token lacks iat"))
        check_times(claims, self.validator.leeway)
        if float(claims["iat"]) < time.time() - LOGOUT_TOKEN_MAX_AGE:
            raise AuthError(_("Logout token is too old"))
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(
            events.get(BACKCHANNEL_LOGOUT_EVENT), dict
        ):
            raise AuthError(
                _(
                    "Logout token lacks the {BACKCHANNEL_LOGOUT_EVENT} event",
                    BACKCHANNEL_LOGOUT_EVENT=BACKCHANNEL_LOGOUT_EVENT,
                )
            )
        if "nonce" in claims:
            raise AuthError(_("Logout token must not contain a nonce"))
        if not claims.get("sub") and not claims.get("sid"):
            raise AuthError(_("Logout token names neither sub nor sid"))
        if not claims.get("jti"):
            raise AuthError(_("Logout token lacks jti"))
        return claims

    def _ours(self, claims: dict[str, Any], issuer: str) -> None:
        if issuer != self.issuer:
            raise AuthError(_("Token comes from another issuer"))
        check_audience(claims, self.client_id)
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.client_id:
            raise AuthError(_("Token has several audiences and azp is not our client"))

    async def end_session_url(
        self, *, id_token_hint: str | None, post_logout_redirect_uri: str | None
    ) -> str | None:
        try:
            endpoint = await self.discovery.endpoint("end_session_endpoint")
        except KeyError:
            return None
        params = {"client_id": self.client_id}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        if post_logout_redirect_uri:
            params["post_logout_redirect_uri"] = post_logout_redirect_uri
        return f"{endpoint}?{urlencode(params)}"
