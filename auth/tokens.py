"""Bearer-token validation: JWT access tokens from the portal's OpenID Provider (and, in dev
mode, from our own dev issuer). Only allow-listed asymmetric algorithms are accepted."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from auth.errors import AuthError
from auth.jwks import JwksCache

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


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

    async def validate(self, token: str) -> tuple[dict[str, Any], TrustedIssuer]:
        header, unverified = _peek(token)
        alg = header.get("alg")
        if alg not in self._algorithms:
            raise AuthError(f"Token algorithm {alg!r} is not accepted")
        trusted = self._issuers.get(str(unverified.get("iss")))
        if trusted is None:
            raise AuthError("Token issuer is not trusted")
        kid = header.get("kid")
        keys = trusted.keys
        key_set = await keys.key_set(kid) if isinstance(keys, JwksCache) else keys
        if kid is not None and not any(k.kid == kid for k in key_set.keys):
            raise AuthError("Token is signed with an unknown key id")
        try:
            verified = jwt.decode(token, key_set, algorithms=self._algorithms)
            jwt.JWTClaimsRegistry(
                leeway=self._leeway,
                iss={"essential": True, "value": trusted.issuer},
                aud={"essential": True, "value": trusted.audience},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(verified.claims)
        except JoseError as exc:
            raise AuthError(f"Token rejected: {exc.description or exc.error}") from exc
        return verified.claims, trusted


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: only to choose the issuer, key and algorithm."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("Token is not a compact JWS")
    try:
        header, claims = (orjson.loads(_b64(p)) for p in parts[:2])
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as exc:
        raise AuthError("Token is malformed") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AuthError("Token is malformed")
    return header, claims


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
