"""Integration helpers: run the real command line in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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


class Watch:
    """`banbot watch` in a subprocess of its own session, its output (stdout and stderr) read line by line as it
    comes, so a test waits for what the watch says it did (a pass over a given revision) instead of sleeping for
    a guess of how long that takes."""

    def __init__(self, cfg: str | Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "banbot", "watch", "--config", str(cfg), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout or ()), daemon=True)
        self._reader.start()

    def wait_for(self, pred: Callable[[str], bool], timeout: float = 60) -> str:
        """The first output line ``pred`` accepts, once it has come (fails after ``timeout`` s or if the watch
        ended)."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            lines = list(self.lines)
            for ln in lines[seen:]:
                if pred(ln):
                    return ln
            seen = len(lines)
            ended = self.proc.poll() is not None and not self._reader.is_alive() and seen == len(self.lines)
            assert not ended, f"the watch ended ({self.proc.returncode}):\n" + "".join(self.lines)
            assert time.monotonic() < deadline, f"no such line within {timeout} s:\n" + "".join(self.lines)
            time.sleep(0.1)

    def passed(self, revid: int | None = None, timeout: float = 60) -> str:
        """Wait for the end of a pass (its one-line summary, ``run: <source> rev N (…``), over revision
        ``revid`` of the list if given."""
        tail = f" rev {revid} (" if revid is not None else " rev "
        return self.wait_for(lambda ln: ln.startswith("run: ") and tail in ln, timeout)

    def stop(self) -> str:
        """SIGTERM, as a service manager stops it; everything it said."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._reader.join(timeout=10)
        return "".join(self.lines)
