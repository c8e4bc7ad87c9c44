"""Ctrl-C (SIGINT) or SIGTERM during an apply: the write in flight is answered and journaled, the run stops
before the next one, and stdout shows what was done, in the chosen format, with exit 130 (issue 17)."""

# ruff: noqa: F811  (the fixtures imported from test_commands are parameters here)
from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from banbot.cli import main
from banbot.journal import Status
from banbot.plan import Action
from test_commands import FakeFarm, _digest, cfg, fake  # noqa: F401  (the fake farm's fixtures)


def interrupt_during(fake: FakeFarm, n: int, monkeypatch: pytest.MonkeyPatch, times: int = 1) -> None:
    """The operator presses Ctrl-C (``times`` times) while the ``n``-th write is on its way."""
    perform = FakeFarm.perform

    def pressed(self: FakeFarm, action: Action) -> Status:
        if len(self.sent) == n - 1:
            for _ in range(times):
                os.kill(os.getpid(), signal.SIGINT)
        return perform(self, action)

    monkeypatch.setattr(FakeFarm, "perform", pressed)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_ctrl_c_during_apply_shows_what_was_done_and_exits_130(fake: FakeFarm, cfg: str, tmp_path: Path, fmt: str,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    digest = _digest(capsys, cfg)
    interrupt_during(fake, 2, monkeypatch)
    code = main(["apply", "--config", cfg, "--digest", digest, "--init-journal", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 130 and len(fake.sent) == 2 and "Ctrl-C again stops at once" in err
    if fmt == "json":
        report: dict[str, Any] = json.loads(out)
        assert report["exit_code"] == 130
        assert [o["status"] for o in report["outcomes"]] == ["done", "done", "skipped", "skipped"]
        assert report["outcomes"][2]["code"] == "interrupted" and report["summary"]["skipped"] == 2
    else:
        assert "block indefinitely: Vandal One" in out and "stopped: interrupted" in out
    rows = sqlite3.connect(str(tmp_path / "journal.sqlite")).execute("SELECT status FROM actions").fetchall()
    assert rows == [("done",), ("done",)]  # the two sent, confirmed; nothing else was sent


def test_a_second_ctrl_c_stops_at_once_and_the_journal_keeps_the_write_in_flight(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    digest = _digest(capsys, cfg)
    interrupt_during(fake, 2, monkeypatch, times=2)
    code = main(["apply", "--config", cfg, "--digest", digest, "--init-journal", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == doc["exit_code"] == 130 and doc["error"]["kind"] == "Interrupted"
    rows = sqlite3.connect(str(tmp_path / "journal.sqlite")).execute("SELECT status FROM actions").fetchall()
    assert rows == [("done",), ("intended",)]  # settled against the wiki by the next run


def test_ctrl_c_before_the_first_write_stops_at_once(fake: FakeFarm, cfg: str, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("test_commands.FakeApp.observe", lambda *a, **k: os.kill(os.getpid(), signal.SIGINT))
    before = signal.getsignal(signal.SIGINT)  # Python's own, or "ignore" when the suite runs as a background job
    code = main(["run", "--config", cfg, "--init-journal", "--format", "json"])
    assert code == 130 and json.loads(capsys.readouterr().out)["exit_code"] == 130 and fake.sent == []
    assert signal.getsignal(signal.SIGINT) is before  # the handler is put back
