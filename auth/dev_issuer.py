"""Dev mode signs its own tokens with a local key and publishes the key set.

The key lives in the data dir so every worker process and every CLI call shares it.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
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
    def load(cls, data_dir: Path, issuer: str, audience: str) -> DevIssuer:
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
