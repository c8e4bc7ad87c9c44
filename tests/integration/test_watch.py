"""`banbot watch` on the real farm: a trusted edit is enforced within seconds, waiting costs one request per
poll, a stop ends it within a second."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, baseline

pytestmark = pytest.mark.integration


def test_watch_enforces_a_trusted_edit_within_seconds_and_costs_a_request_a_poll_while_waiting(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    name = f"{uniq} Watched"
    farm.make_users("metawiki", [{"name": name, "groups": ["rollbacker"]}])
    page = f"Bans/{uniq}"
    cfg = configure("plain", page)
    baseline(farm, cfg, page)
    proc = subprocess.Popen([sys.executable, "-m", "banbot", "watch", "--config", str(cfg), "--poll", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        time.sleep(6)  # the first pass (nothing to do), then polls
        farm.edit("metawiki", page, f"* [[User:{name}]], since {LISTED}")
        edited = time.monotonic()
        while not farm.blocked("metawiki", name) and time.monotonic() - edited < 30 and proc.poll() is None:
            time.sleep(0.2)
        took = time.monotonic() - edited
        assert farm.blocked("metawiki", name) and farm.groups("metawiki", name) == []
        assert took < 10, took
        time.sleep(2)
        stopped = time.monotonic()
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
        assert time.monotonic() - stopped < 1.5 and proc.returncode == 0, out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    m = re.search(r"watch: stopped after (\d+) polls \((\d+) requests\) and (\d+) passes", out)
    assert m, out
    polls, requests, passes = map(int, m.groups())
    assert requests == polls and passes == 2, out  # one request a poll; a pass at the start and one for the edit
    print(f"\nwatch: edit to last write {took:.1f} s; {polls} polls, {requests} requests while waiting")
