"""`banbot report --publish` is a write like any other (:func:`banbot.app.publish_report`): under the run lock,
behind the kill switch, and journaled as a run of its own (command ``report``), as alert lines are. The fake farm
of :mod:`test_commands` stands behind ``banbot.app.connect``; the integration tier does the same on the farm."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import test_commands
from banbot.errors import PermanentWikiError
from banbot.safety import SwitchPage
from test_commands import FakeApp, FakeFarm, banbot, first_run

fake, cfg = test_commands.fake, test_commands.cfg  # the fake farm behind app.connect, and its config

STATUS = "User:BanBot/Status"


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """The pages the fake App was asked to save, in order; the first edit is revision 500, then 501, …"""
    pages: list[tuple[str, str, str]] = []

    def save_page(self: FakeApp, title: str, text: str, summary: str) -> int | None:
        self.fake.calls.append("save")
        if "save" in self.fake.fail:
            raise self.fake.fail["save"]
        unchanged = bool(pages) and pages[-1][:2] == (title, text)
        pages.append((title, text, summary))
        return None if unchanged else 499 + len(pages)

    monkeypatch.setattr(FakeApp, "save_page", save_page)
    return pages


def with_report_page(cfg: str) -> str:
    Path(cfg).write_text(Path(cfg).read_text() + f'[report]\npage = "{STATUS}"\n')
    return cfg


def report_runs(tmp_path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        rows = db.execute("SELECT requested_by, why, finished, summary FROM runs WHERE command = 'report' "
                          "ORDER BY id").fetchall()
    return [{"by": r[0], "why": r[1], "finished": r[2], "summary": json.loads(r[3]) if r[3] else None}
            for r in rows]


def test_a_published_report_is_saved_and_journaled_as_a_report_run(
        fake: FakeFarm, cfg: str, tmp_path: Path, saved: list[tuple[str, str, str]],
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    first_run(capsys, with_report_page(cfg), tmp_path)
    monkeypatch.setenv("SUDO_USER", "Operator")  # who asked: the operator behind sudo
    code, out, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "json")
    assert code == 0, err
    assert out["published"] == {"wiki": "metawiki", "title": STATUS, "revid": 500}
    assert [(t, s) for t, _, s in saved] == [(STATUS, "banbot: results table")]
    assert "Vandal One" in saved[0][1] and "{| class=\"wikitable sortable\"" in saved[0][1]
    assert {r["user"] for r in out["rows"]} == {"Vandal One", "Vandal Two"}  # what it printed is what it saved
    runs = report_runs(tmp_path)
    assert len(runs) == 1 and runs[0]["by"] == "Operator" and runs[0]["finished"]
    assert runs[0]["why"] == f"publish the results table to metawiki:{STATUS}"
    assert runs[0]["summary"] == {"published": f"metawiki:{STATUS}", "revid": 500}
    code, _, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "table")
    assert code == 0 and "(revision unchanged)" in err  # the page already says so: still journaled
    assert report_runs(tmp_path)[1]["summary"] == {"published": f"metawiki:{STATUS}", "revid": None}


def test_a_failed_edit_is_journaled_with_its_error(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                   saved: list[tuple[str, str, str]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first_run(capsys, with_report_page(cfg), tmp_path)
    fake.fail["save"] = PermanentWikiError("protectedpage", "This page has been protected", wiki="metawiki")
    code, out, _ = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "json")
    assert code != 0 and "protectedpage" in out["error"]["message"]
    runs = report_runs(tmp_path)
    assert len(runs) == 1 and runs[0]["finished"]
    assert runs[0]["summary"] == {"published": None, "error": "protectedpage: This page has been protected"}


def test_the_kill_switch_stops_a_publish_before_anything_is_written_or_journaled(
        fake: FakeFarm, cfg: str, tmp_path: Path, saved: list[tuple[str, str, str]],
        capsys: pytest.CaptureFixture[str]) -> None:
    first_run(capsys, with_report_page(cfg), tmp_path)
    fake.switch = SwitchPage("Project:Banbot/Run", "stop", 6, "Admin", fake.switch.protection)
    code, _, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "table")
    assert code != 0 and "kill" in err.lower()
    assert saved == [] and report_runs(tmp_path) == []


def test_publishing_without_a_report_page_is_a_usage_error(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                           saved: list[tuple[str, str, str]],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    first_run(capsys, cfg, tmp_path)
    code, _, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "table")
    assert code == 2 and "report.page is not set" in err
    assert saved == [] and report_runs(tmp_path) == []
