"""Checks of user input that collect every problem before anything is written."""

from __future__ import annotations

import re
import uuid
from types import TracebackType
from typing import Any

from i18n import _
from services.errors import Code, Problem, ServiceError

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Checks:
    """Use as `with Checks() as c:`; on exit it raises one ServiceError with all problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def __enter__(self) -> Checks:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and self.problems:
            raise ServiceError(*self.problems)

    def fail(self, code: Code, message: str, *field: str) -> None:
        self.problems.append(Problem(code, message, field or None))

    def text(self, value: str | None, *field: str, max_length: int = 200) -> str:
        """A required, trimmed, bounded text; '' when missing (with a problem recorded)."""
        cleaned = (value or "").strip()
        label = field[-1] if field else "value"
        if not cleaned:
            self.fail(Code.REQUIRED, _("{label} must not be empty", label=label), *field)
        elif len(cleaned) > max_length:
            self.fail(
                Code.TOO_LONG,
                _(
                    "{label} is longer than {max_length} characters",
                    label=label,
                    max_length=max_length,
                ),
                *field,
            )
        return cleaned

    def optional_text(self, value: str | None, *field: str, max_length: int = 200) -> str | None:
        if value is None or not value.strip():
            return None
        return self.text(value, *field, max_length=max_length)

    def code(self, value: str | None, *field: str) -> str:
        cleaned = (value or "").strip()
        label = field[-1] if field else "code"
        if not cleaned:
            self.fail(Code.REQUIRED, _("{label} must not be empty", label=label), *field)
        elif not CODE_RE.match(cleaned):
            self.fail(
                Code.INVALID,
                _(
                    "{label} must start with a letter and hold only letters, "
                    "digits, '_' or '-' (at most 64)",
                    label=label,
                ),
                *field,
            )
        return cleaned

    def username(self, value: str | None, *field: str) -> str:
        cleaned = (value or "").strip()
        label = field[-1] if field else "username"
        if not cleaned:
            self.fail(Code.REQUIRED, _("{label} must not be empty", label=label), *field)
        elif not USERNAME_RE.match(cleaned):
            self.fail(
                Code.INVALID,
                _(
                    "{label} may hold letters, digits, '.', '_', '@' or '-' (at most 64)",
                    label=label,
                ),
                *field,
            )
        return cleaned

    def email(self, value: str | None, *field: str, required: bool = False) -> str | None:
        cleaned = (value or "").strip()
        if not cleaned:
            if required:
                self.fail(Code.REQUIRED, _("email must not be empty"), *field)
            return None
        if len(cleaned) > 254 or not EMAIL_RE.match(cleaned):
            self.fail(
                Code.INVALID, _("'{cleaned}' is not an email address", cleaned=cleaned), *field
            )
        return cleaned


def parse_id(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class _Keep:
    """Marks an update argument the caller did not send (distinct from an explicit null)."""

    _instance: _Keep | None = None

    def __new__(cls) -> _Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP: Any = _Keep()


def apply_changes(row: Any, **values: Any) -> dict[str, Any]:
    """Set the given fields that differ from the row; returns them for the audit entry."""
    changes = {}
    for name, value in values.items():
        if value is KEEP or getattr(row, name) == value:
            continue
        setattr(row, name, value)
        changes[name] = str(value) if isinstance(value, uuid.UUID) else value
    return changes
