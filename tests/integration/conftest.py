"""Integration helpers: run the real command line in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def banbot(*args: str, check: bool = False) -> tuple[int, Any, str]:
    """Run the real command line in a subprocess; JSON output is decoded."""
    res = subprocess.run([sys.executable, "-m", "banbot", *args], capture_output=True, text=True, timeout=300)
    try:
        out: Any = json.loads(res.stdout)
    except ValueError:
        out = res.stdout
    if check and res.returncode not in (0, 1):
        raise AssertionError(f"banbot {' '.join(args)} exited {res.returncode}:\n{res.stdout}\n{res.stderr}")
    return res.returncode, out, res.stderr
