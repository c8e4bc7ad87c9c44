"""Integration helpers: run the real command line in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

_today = dt.datetime.now(dt.UTC).date()
# The date ban rows carry: the farm's accounts are created today, and an account registered on a later day
# than its entry's date is held ("the name may belong to someone else").
LISTED = f"{_today.day} {_today:%B %Y}"


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


def baseline(farm: Any, cfg: str | Path, page: str) -> None:
    """An operator's first run, before a test publishes its list: the page holds a list with nothing active
    yet, banbot's journal is created (--init-journal) and that revision is recorded as applied. Later list
    edits are then new entries of a trusted editor, as on a farm that has run banbot for a while."""
    farm.edit("metawiki", page, f"* <s>[[User:Baseline Placeholder]]</s>, since {LISTED}")
    farm.protect("metawiki", page)
    code, _, err = banbot("run", "--config", str(cfg), "--init-journal")
    assert code == 0, err
