"""Dev mode signs its own tokens with a local key and publishes the key set.

With `OFFICECLOUD_SECRET_KEY` set the key is derived from it, so every host (and every CLI
call) that shares the secret signs and accepts the same tokens; without it the key is made
once in the data dir, which every worker process and CLI call on that host shares.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"


class DevIssuer:
    def __init__(self, issuer: str, key: ECKey, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self._key = key
        self.key_set = KeySet([key])

    @classmethod
    def load(
        cls, data_dir: Path, issuer: str, audience: str, secret: str | None = None
    ) -> DevIssuer:
        if secret:
            return cls(issuer, _derived_key(secret), audience)
        path = data_dir / "dev-signing-key.json"
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            key = ECKey.generate_key("P-256", parameters={"kid": uuid.uuid4().hex[:16]})
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(orjson.dumps(key.as_dict(private=True)))
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        key = ECKey.import_key(orjson.loads(path.read_bytes()))
        return cls(issuer, key, audience)

    def public_jwks(self) -> dict[str, Any]:
        return dict(self.key_set.as_dict(private=False))

    def issue(
        self, *, subject: str, tenant: str, ttl_seconds: int = 8 * 3600, **claims: Any
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "tenant": tenant,
            "client_id": "officecloud-dev",
            "iat": now,
            "nbf": now,
            "exp": now + ttl_seconds,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        header = {"alg": ALGORITHM, "kid": self._key.kid, "typ": "at+jwt"}
        return jwt.encode(header, payload, self._key)


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _derived_key(secret: str) -> ECKey:
    """A P-256 key that is a function of the secret alone (HMAC-SHA256, counter until the
    scalar is in range), with a kid derived the same way."""
    for counter in range(256):
        digest = hmac.new(
            secret.encode(), f"officecloud dev issuer {counter}".encode(), hashlib.sha256
        ).digest()
        scalar = int.from_bytes(digest, "big")
        if 0 < scalar < P256_ORDER:
            key = ec.derive_private_key(scalar, ec.SECP256R1())
            kid = hashlib.sha256(digest).hexdigest()[:16]
            return ECKey.import_key(key, parameters={"kid": kid})
    raise ValueError("no usable key")  # pragma: no cover (probability 2^-8192)
