"""Running a service call and keeping its expected failures as data for the payload."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from services.errors import Code, Problem, ServiceError

T = TypeVar("T")

__all__ = ["Code", "Problem", "attempt"]


async def attempt(call: Awaitable[T]) -> tuple[T | None, tuple[Problem, ...]]:
    try:
        return await call, ()
    except ServiceError as error:
        return None, error.problems
