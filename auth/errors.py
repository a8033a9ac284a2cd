"""Why a request could not be authenticated; the server answers 401/403 with this text."""

from __future__ import annotations

from typing import Any


class AuthError(Exception):
    def __init__(self, message: str, *, status: int = 401, code: str = "UNAUTHENTICATED") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.claims: dict[str, Any] | None = None
        """Verified claims when the refusal came after the signature was checked."""
        self.tenant: Any = None
        """The tenant the refused token named, once it is known (for the access log)."""

    @classmethod
    def forbidden(cls, message: str) -> AuthError:
        return cls(message, status=403, code="FORBIDDEN")
