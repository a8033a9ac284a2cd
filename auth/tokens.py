"""Bearer-token validation: JWT access tokens (RFC 9068) from the portal's OpenID Provider (and,
in dev mode, from our own dev issuer). Only allow-listed asymmetric algorithms are accepted."""

from __future__ import annotations

import base64
import binascii
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from auth.errors import AuthError
from auth.jwks import JwksCache
from i18n import _

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
RFC9068_CLAIMS = ("iss", "exp", "aud", "sub", "client_id", "iat", "jti")


@dataclass(frozen=True)
class TrustedIssuer:
    issuer: str
    audience: str
    keys: JwksCache | KeySet
    dev: bool = False


class TokenValidator:
    def __init__(self, issuers: Iterable[TrustedIssuer], algorithms: Iterable[str], leeway: int):
        self._issuers = {i.issuer: i for i in issuers}
        self._algorithms = [a for a in algorithms if a in ASYMMETRIC]
        self._leeway = leeway

    @property
    def leeway(self) -> int:
        return self._leeway

    def issuer(self, name: str) -> TrustedIssuer | None:
        return self._issuers.get(name)

    async def verify(self, token: str) -> tuple[dict[str, Any], dict[str, Any], TrustedIssuer]:
        """Header and claims of a JWS signed by a trusted issuer; the claims are not checked."""
        header, unverified = _peek(token)
        alg = header.get("alg")
        if alg not in self._algorithms:
            raise AuthError(_("Token algorithm {alg} is not accepted", alg=repr(alg)))
        trusted = self._issuers.get(str(unverified.get("iss")))
        if trusted is None:
            raise AuthError(_("Token issuer is not trusted"))
        kid = header.get("kid")
        keys = trusted.keys
        key_set = await keys.key_set(kid) if isinstance(keys, JwksCache) else keys
        if kid is not None and not any(k.kid == kid for k in key_set.keys):
            raise AuthError(_("Token is signed with an unknown key id"))
        try:
            verified = jwt.decode(token, key_set, algorithms=self._algorithms)
        except JoseError as exc:
            raise AuthError(
                _(
                    "Token rejected: {reason}",
                    reason=exc.description or exc.error,
                )
            ) from exc
        return dict(verified.header), dict(verified.claims), trusted

    async def validate(self, token: str) -> tuple[dict[str, Any], TrustedIssuer]:
        """A JWT access token per RFC 9068: typed `at+jwt`, for our audience, unexpired, with
        `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti`. A refusal after the signature
        was verified carries the claims, so the failed sign-in can be recorded for its tenant."""
        header, claims, trusted = await self.verify(token)
        try:
            typ = str(header.get("typ", "")).lower()
            if typ not in ACCESS_TOKEN_TYPES:
                raise AuthError(
                    _(
                        "Token type {typ} is not a JWT access token (RFC "
                        "9068 requires typ 'at+jwt'; ID tokens are not access tokens)",
                        typ=repr(header.get("typ")),
                    )
                )
            missing = [name for name in RFC9068_CLAIMS if claims.get(name) in (None, "")]
            if missing:
                raise AuthError(
                    _("Token lacks the claims {missing} (RFC 9068)", missing=", ".join(missing))
                )
            check_audience(claims, trusted.audience)
            check_times(claims, self._leeway)
            check_bearer(claims)
        except AuthError as exc:
            exc.claims = claims
            raise
        return claims, trusted


def check_audience(claims: dict[str, Any], audience: str) -> None:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise AuthError(
            _(
                "Token audience {aud} does not include {audience}",
                aud=repr(aud),
                audience=repr(audience),
            )
        )


def check_bearer(claims: dict[str, Any]) -> None:
    """Sender-constrained tokens (`cnf`: DPoP's `jkt`, RFC 9449, or mutual TLS's `x5t#S256`,
    RFC 8705) are refused: we do not check proofs of possession, and accepting one as a plain
    bearer token would defeat the binding the provider put on it."""
    cnf = claims.get("cnf")
    if cnf is None:
        return
    kinds = ", ".join(sorted(cnf)) if isinstance(cnf, dict) else "cnf"
    raise AuthError(
        _(
            "Token is sender-constrained (cnf: {kinds}); Officecloud "
            "accepts bearer tokens only (no DPoP or mutual-TLS binding): "
            "configure the client for bearer access tokens",
            kinds=kinds,
        )
    )


def check_times(claims: dict[str, Any], leeway: int, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    exp, nbf, iat = (numeric_date(claims, name) for name in ("exp", "nbf", "iat"))
    if exp is not None and exp + leeway < now:
        raise AuthError(_("Token has expired"))
    if nbf is not None and nbf - leeway > now:
        raise AuthError(_("Token is not valid yet (nbf)"))
    if iat is not None and iat - leeway > now:
        raise AuthError(_("Token is issued in the future (iat)"))


def numeric_date(claims: dict[str, Any], name: str) -> float | None:
    """A NumericDate claim (RFC 7519 §2): a JSON number of seconds, finite. A string ("9e9"),
    a boolean or NaN/Infinity is refused rather than read as a number."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuthError(
            _("Token claim {name} is not a NumericDate (a number of seconds)", name=repr(name))
        )
    return float(value)


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: only to choose the issuer, key and algorithm."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError(_("Token is not a compact JWS"))
    try:
        header, claims = (orjson.loads(_b64(p)) for p in parts[:2])
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as exc:
        raise AuthError(_("Token is malformed")) from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AuthError(_("Token is malformed"))
    return header, claims


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
