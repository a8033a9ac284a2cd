"""Each session of the workflow tests starts with empty caches of compiled conditions and parsed
definitions. Mutation testing needs it: mutmut forks every mutant's run from the process that
ran these tests once already, and a condition compiled there would hide a mutant of the code
that compiles it (docs/testing.md)."""

from __future__ import annotations

import pytest

from workflow.definition import _load
from workflow.expressions.conditions import _compile_cached


@pytest.fixture(autouse=True, scope="session")
def _fresh_caches() -> None:
    _compile_cached.cache_clear()
    _load.cache_clear()
