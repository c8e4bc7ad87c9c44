"""Shared fixtures. Tests marked ``integration`` use the local farm (scripts/wikifarm), started once."""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

from farm import FarmHandle, start  # noqa: E402

_counter = itertools.count()


@pytest.fixture(scope="session")
def farm() -> FarmHandle:
    """The running local farm (started if needed); its farm.json, and helpers that act as its Admin."""
    info = start()
    return FarmHandle(info)


@pytest.fixture
def uniq(request: pytest.FixtureRequest) -> str:
    """A short prefix unique to this test run and test, for clean accounts on the shared farm."""
    return f"T{os.getpid() % 10000}x{int(time.time()) % 100000}x{next(_counter)}"
