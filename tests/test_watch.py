"""The watch loop, with a clock and a fake farm: one poll per interval, a pass per new revision, quiet while
the farm is away (one line when it goes, one when it comes back), and a stop that ends the wait at once."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from banbot.errors import TransientWikiError
from banbot.watch import watch


class Script:
    """Answers the polls from a list of revisions (an exception: the farm is away), then stops the loop."""

    def __init__(self, answers: list[object], stop: threading.Event) -> None:
        self.answers = answers
        self.stop = stop
        self.passes: list[object] = []

    def peek(self) -> dict[str, int | None]:
        answer = self.answers.pop(0)
        if not self.answers:
            self.stop.set()
        if isinstance(answer, Exception):
            raise answer
        return {"List": int(answer), "Switch": 1}  # type: ignore[call-overload]

    def run_pass(self, verify: bool) -> int:
        self.passes.append(verify)
        return 0


def test_a_pass_runs_at_start_and_on_each_new_revision_only() -> None:
    stop = threading.Event()
    script = Script([10, 10, 10, 11, 11, 12, 12], stop)
    stats = watch(script.peek, script.run_pass, stop, poll_s=0)
    assert stats.polls == 7 and stats.passes == 3


def test_a_farm_that_goes_away_is_logged_once_each_way(caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    down = TransientWikiError("connection", "refused", wiki="metawiki")
    script = Script([10, down, down, down, down, 10, 10], stop)
    with caplog.at_level(logging.INFO, logger="banbot.watch"):
        stats = watch(script.peek, script.run_pass, stop, poll_s=0, max_backoff_s=0)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2 and "does not answer" in lines[0] and "answers again" in lines[1]
    assert stats.passes == 1  # the same revision after the outage: nothing to do


def test_verification_runs_a_pass_when_due_even_without_a_new_revision() -> None:
    stop = threading.Event()
    now = [0.0]
    script = Script([10, 10, 10], stop)

    def clock() -> float:
        now[0] += 10
        return now[0]

    stats = watch(script.peek, script.run_pass, stop, poll_s=0, verify_every_s=15, clock=clock)
    assert stats.passes == 2  # at the start (t=10), then when 15 s had passed since (t=40), none at t=30
    assert script.passes == [False, True]  # the second one re-reads every account


def test_a_stop_ends_the_wait_at_once() -> None:
    stop = threading.Event()
    polls = []
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    watch(lambda: polls.append(1) or {"List": 1}, lambda verify: 0, stop, poll_s=30)
    assert time.monotonic() - started < 1.0 and polls == [1]
