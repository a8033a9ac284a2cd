"""A request refused before it runs, with the `extensions.code` of its JSON error: every HTTP
refusal of the view (body, idempotency key, trusted documents, tenant rate) is one of these."""

from __future__ import annotations

from collections.abc import Mapping

from cross_web import HTTPException


class Refused(HTTPException):
    """A request refused before parsing, with the `extensions.code` of its JSON error."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        code: str = "BAD_REQUEST",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.headers = dict(headers or {})
