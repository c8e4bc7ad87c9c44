"""Each command end to end, in seconds: the real command modules, lifecycle, planner, rails, executor,
journal and renderers, with a fake farm behind ``banbot.app.connect`` (as pip-tools tests ``sync`` with a fake
repository). The fake reads a golden list and hand-built account states and records what it is asked to send;
the integration tier does the same against the real farm."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from banbot import app
from banbot.banlist import BanList, ListSource, Protection, parse
from banbot.cli import main
from banbot.config import Config
from banbot.errors import PermanentWikiError, WikiError
from banbot.journal import Status
from banbot.plan import Action, Plan, PlanSettings
from banbot.rails import Rails
from banbot.safety import Blocker, ListHistory, SwitchPage, kill_switch_blocker
from banbot.state import AccountState, LocalAccount

SYSOP = (Protection("edit", "sysop", "infinity"),)
LIST = "\n".join(f"* [[User:{n}]], since 5 March 2026" for n in ("Vandal One", "Vandal Two"))


class FakeFarm:
    """What the fake App reads and what it was asked to write, shared across the commands of one test."""

    def __init__(self) -> None:
        self.revid = 100
        self.editor = "Admin"
        self.text = LIST
        self.switch = SwitchPage("Project:Banbot/Run", "run", 5, "Admin", SYSOP)
        self.trusted = {"Admin"}
        self.states = {n: AccountState(n, exists=True, local=(LocalAccount("metawiki", ("sysop",)),))
                       for n in ("Vandal One", "Vandal Two")}
        self.sent: list[str] = []
        self.calls: list[str] = []
        self.fail: dict[str, WikiError] = {}
        self.doubts: dict[str, str] = {}  # entries whose rows untrusted editors wrote (banbot.vetting's answer)

    def perform(self, action: Action) -> Status:  # the gateway
        self.calls.append("send")
        self.sent.append(action.key)
        if action.key in self.fail:
            raise self.fail[action.key]
        self.states[action.user] = dataclasses.replace(
            self.states[action.user], local=tuple(dataclasses.replace(a, groups=(), blocked=True)
                                                  for a in self.states[action.user].local))
        return Status.DONE


class FakeRails(Rails):
    """The real rails with the list's history, its rows' writers and the kill switch answered by a FakeFarm."""

    fake: FakeFarm

    def list_history(self, bans: BanList) -> ListHistory:
        last = self.last_applied(bans)
        if last is None or last[0] == bans.source.revid:
            return ListHistory(None, trusted=frozenset(self.fake.trusted))
        return ListHistory(last[0], "old", (), frozenset(self.fake.trusted))

    def doubts(self, bans: BanList) -> dict[str, str]:
        return {e.user: self.fake.doubts[e.user] for e in bans.active if e.user in self.fake.doubts}

    def kill_switch(self, max_age_s: float = 10.0) -> Blocker | None:
        return kill_switch_blocker(self.config.safety, self.fake.switch, trusted=self.fake.trusted)


class FakeApp(app.App):
    """The real App with its reads and writes answered by a FakeFarm."""

    fake: FakeFarm

    def read_list(self, page: str | None = None, section: str | None = None) -> BanList:
        self.fake.calls.append("read")
        src = ListSource("wiki", "metawiki", "Global bans/List", self.fake.revid, "2026-03-05T00:00:00Z",
                         self.fake.editor, SYSOP)
        return parse(self.fake.text, source=src)

    def settings(self) -> PlanSettings:
        return PlanSettings(mode="plain", central="metawiki", wikis=("metawiki",), langs={"metawiki": "en"},
                            enforce=dataclasses.replace(self.config.enforce, notify=False), list_link="L",
                            bot_name="BanBot")

    def check_mode(self) -> None:
        return None

    def observe(self, names: Sequence[str], s: PlanSettings | None = None) -> dict[str, AccountState]:
        self.fake.calls.append("observe")
        return {n: self.fake.states.get(n, AccountState(n, exists=False)) for n in names}

    def rails(self, bans: BanList, plan: Plan) -> list[Blocker]:
        self.fake.calls.append("rails")
        return super().rails(bans, plan)

    def apply(self, bans: BanList, plan: Plan, policy: app.Policy, progress: Any = None) -> Any:
        self.fake.calls.append("apply")
        return super().apply(bans, plan, policy, progress)

    def gateway(self) -> FakeFarm:
        return self.fake


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeFarm:
    farm = FakeFarm()

    def connect(config: Config, journal: Any, **_: Any) -> FakeApp:
        a = FakeApp(config, None, journal)  # type: ignore[arg-type]
        a.fake = farm
        a.vetting = FakeRails(config, a.source, None, journal, a.reader.parse)  # type: ignore[arg-type]
        a.vetting.fake = farm
        return a

    monkeypatch.setattr(app, "connect", connect)
    return farm


@pytest.fixture
def cfg(tmp_path: Path) -> str:
    path = tmp_path / "banbot.toml"
    path.write_text('[list]\npage = "Global bans/List"\n[farm]\nmode = "plain"\n'
                    '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
                    f'[journal]\npath = "{tmp_path / "journal.sqlite"}"\n')
    return str(path)


def banbot(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def first_run(capsys: pytest.CaptureFixture[str], cfg: str, tmp_path: Path) -> None:
    code, plan, _ = banbot(capsys, "plan", "--config", cfg, "--format", "json", "--out", str(tmp_path / "p.json"))
    assert code == 1 and {b["rule"] for b in plan["held_back_by"]} == {"first-run"}
    code, report, err = banbot(capsys, "apply", "--config", cfg, "--plan", str(tmp_path / "p.json"),
                               "--init-journal", "--format", "json")
    assert code == 0, err


def test_the_first_run_is_a_reviewed_apply_and_run_then_keeps_up(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = banbot(capsys, "run", "--config", cfg)
    assert code == 2 and "--init-journal" in err and fake.sent == []
    code, out, err = banbot(capsys, "run", "--config", cfg, "--init-journal")
    assert code == 3 and "first-run" in err and fake.sent == []
    first_run(capsys, cfg, tmp_path)
    assert len(fake.sent) == 4  # groups and a block for each
    fake.text += "\n* [[User:Vandal Three]], since 5 March 2026"
    fake.revid += 1
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True, local=(LocalAccount("metawiki"),))
    code, out, err = banbot(capsys, "run", "--config", cfg)
    assert code == 0, err
    assert out.startswith("run: metawiki:Global bans/List rev 101") and "1 blocked" in out
    fake.calls.clear()
    code, out, _ = banbot(capsys, "run", "--config", cfg)  # unchanged and settled: the list read, nothing else
    assert code == 0 and "unchanged since the full pass" in out and fake.calls == ["read"] and len(fake.sent) == 5
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True,
                                               local=(LocalAccount("metawiki", ("sysop",)),))  # re-added by hand
    code, out, _ = banbot(capsys, "run", "--config", cfg, "--verify")  # a verification pass finds the drift
    assert code == 0 and fake.calls[-4:] == ["observe", "rails", "apply", "send"] and len(fake.sent) == 6


def test_apply_shows_and_checks_the_rails_before_it_asks_to_confirm(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("banbot.terminal.Terminal.confirm", lambda self, plan: asked.append("confirm") or True)
    first_run(capsys, cfg, tmp_path)
    fake.text += "\n* [[User:Vandal Three]], since 5 March 2026"
    fake.revid += 1
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True, local=(LocalAccount("metawiki"),))
    fake.switch = dataclasses.replace(fake.switch, protection=())  # anyone could have written "run"
    fake.calls.clear()
    code, out, err = banbot(capsys, "apply", "--config", cfg, "--format", "table")
    assert code == 3 and asked == [] and "kill switch" in err
    assert "block indefinitely: Vandal Three" in out and "apply is held back by" in out  # shown first
    assert fake.calls == ["read", "observe", "rails"]
    fake.switch = dataclasses.replace(fake.switch, protection=SYSOP)
    fake.calls.clear()
    code, out, err = banbot(capsys, "apply", "--config", cfg, "--format", "table")
    assert code == 0, err
    assert fake.calls == ["read", "observe", "rails", "apply", "send"] and asked == ["confirm"]


def test_a_declined_confirmation_writes_nothing(fake: FakeFarm, cfg: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("banbot.terminal.Terminal.confirm", lambda self, plan: False)
    code, _, err = banbot(capsys, "apply", "--config", cfg, "--init-journal", "--format", "table")
    assert code == 2 and "declined" in err and fake.sent == []


def test_a_fatal_answer_stops_the_run_at_once(fake: FakeFarm, cfg: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    fake.fail["block|Vandal One|metawiki"] = PermanentWikiError(
        "blocked", "You have been blocked from editing", wiki="metawiki")
    code, report, err = banbot(capsys, "apply", "--config", cfg, "--digest", _digest(capsys, cfg),
                               "--init-journal", "--format", "json")
    assert code == 5 and report["stopped"].startswith("blocked on metawiki")
    assert fake.sent == ["block|Vandal One|metawiki"]
    assert {o["status"] for o in report["outcomes"][1:]} == {"skipped"}


def _digest(capsys: pytest.CaptureFixture[str], cfg: str) -> str:
    code, plan, _ = banbot(capsys, "plan", "--config", cfg, "--format", "json")
    return str(plan["digest"])


def test_enforce_records_who_asked_and_why(fake: FakeFarm, cfg: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fake.states["Spammer"] = AccountState("Spammer", exists=True, local=(LocalAccount("metawiki"),))
    code, report, err = banbot(capsys, "enforce", "spammer", "--reason", "cross-wiki spam", "--by", "Stew",
                               "--yes", "--init-journal", "--config", cfg, "--format", "json")
    assert code == 0, err
    assert fake.sent == ["block|Spammer|metawiki"]
    db = sqlite3.connect(str(tmp_path / "journal.sqlite"))
    assert db.execute("SELECT command, requested_by, why FROM runs").fetchall() == [("enforce", "Stew",
                                                                                     "cross-wiki spam")]
    assert db.execute("SELECT COUNT(*) FROM applied_lists").fetchone()[0] == 0  # a request is not a list


def test_audit_and_lifted_read_only(fake: FakeFarm, cfg: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, audit, _ = banbot(capsys, "audit", "--config", cfg, "--format", "json")
    assert code == 1 and audit["out_of_place"] == ["Vandal One", "Vandal Two"] and fake.sent == []
    first_run(capsys, cfg, tmp_path)
    code, audit, _ = banbot(capsys, "audit", "--config", cfg, "--format", "json")
    assert code == 0 and audit["out_of_place"] == []
    fake.text = "* <s>[[User:Vandal One]]</s>, since 5 March 2026\n* [[User:Vandal Two]], since 5 March 2026"
    fake.revid += 1
    code, lifted, _ = banbot(capsys, "lifted", "--config", cfg, "--format", "json")
    assert code == 1 and [r["user"] for r in lifted["lifted"]] == ["Vandal One"]
    assert lifted["lifted"][0]["state"] == "blocked on metawiki" and len(fake.sent) == 4


@pytest.mark.parametrize("edit", [
    lambda p: p["actions"][1].update(expiry="1 day"),  # a field apply would drop
    lambda p: p["actions"][0].update(comment="x"),  # a field apply does not know
    lambda p: p["actions"][0].update(reason="edited"),
    lambda p: p.update(users=p["users"][:1]),
])
def test_a_plan_file_changed_in_any_meaningful_byte_is_refused(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                edit: Any) -> None:
    code, plan, _ = banbot(capsys, "plan", "--config", cfg, "--format", "json")
    edit(plan)
    (tmp_path / "p.json").write_text(json.dumps(plan))
    code, _, err = banbot(capsys, "apply", "--config", cfg, "--plan", str(tmp_path / "p.json"), "--init-journal")
    assert code == 2 and ("does not match its digest" in err or "unexpected keyword argument 'comment'" in err)
    assert fake.sent == []


def test_enforcing_an_account_that_does_not_exist_is_not_success(fake: FakeFarm, cfg: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = banbot(capsys, "enforce", "Nobody Here", "--reason", "cross-wiki spam", "--yes",
                          "--init-journal", "--config", cfg, "--format", "table")
    assert code == 1 and "held: Nobody Here: no such account" in out and fake.sent == []


def test_banbot_creates_no_folder_but_its_own(fake: FakeFarm, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "banbot.toml"
    path.write_text('[list]\npage = "Global bans/List"\n[farm]\nmode = "plain"\n'
                    '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
                    f'[journal]\npath = "{tmp_path / "no" / "such" / "journal.sqlite"}"\n')
    code, _, err = banbot(capsys, "run", "--config", str(path), "--init-journal")
    assert code == 2 and "does not exist" in err and str(tmp_path / "no") in err
    assert not (tmp_path / "no").exists() and fake.sent == []


def test_config_goes_before_or_after_the_command(fake: FakeFarm, cfg: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert banbot(capsys, "--config", cfg, "plan", "--format", "json")[0] == 1
    assert banbot(capsys, "plan", "--config", cfg, "--format", "json")[0] == 1


def test_an_error_with_json_output_is_a_json_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = banbot(capsys, "plan", "--config", str(tmp_path / "missing.toml"), "--format", "json")
    assert code == 2 and out["exit_code"] == 2 and "cannot read config file" in out["error"]["message"]
    assert err.startswith("banbot: error: cannot read config file")


def test_a_list_with_nothing_active_is_recorded_as_applied(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    fake.text = "* <s>[[User:Vandal One]]</s>, since 5 March 2026"
    code, _, err = banbot(capsys, "run", "--config", cfg, "--init-journal")
    assert code == 0, err
    db = sqlite3.connect(str(tmp_path / "journal.sqlite"))
    assert db.execute("SELECT list_revid, active FROM applied_lists").fetchall() == [(100, "[]")]


def test_a_refused_first_apply_creates_no_journal(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    journal = tmp_path / "journal.sqlite"
    code, _, _ = banbot(capsys, "plan", "--config", cfg, "--format", "json", "--out", str(tmp_path / "p.json"))
    fake.revid += 1  # the list moved on after the review
    code, _, err = banbot(capsys, "apply", "--config", cfg, "--plan", str(tmp_path / "p.json"), "--init-journal",
                          "--format", "table")
    assert code == 2 and "the ban list changed" in err and not journal.exists()
    code, _, err = banbot(capsys, "apply", "--config", cfg, "--yes", "--init-journal", "--format", "table")
    assert code == 3 and "first-run" in err and not journal.exists()  # unreviewed: the first run is a human's
    code, _, err = banbot(capsys, "run", "--config", cfg, "--init-journal")
    assert code == 3 and not journal.exists()
    monkeypatch.setattr("banbot.terminal.Terminal.confirm", lambda self, plan: False)
    code, _, err = banbot(capsys, "apply", "--config", cfg, "--init-journal", "--format", "table")
    assert code == 2 and "declined" in err and not journal.exists()
    assert fake.sent == [] and not [p for p in tmp_path.iterdir() if p.name.startswith(".journal")]
    first_run(capsys, cfg, tmp_path)  # reviewed again: the journal is created by the run it records
    assert journal.exists() and len(fake.sent) == 4


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB filesystem of its own (tmpfs), to fill up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_one_line_and_exit_7_and_the_journal_stays_usable(
        fake: FakeFarm, small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "banbot.toml"
    cfg.write_text('[list]\npage = "Global bans/List"\n[farm]\nmode = "plain"\n'
                   '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
                   f'[journal]\npath = "{small_disk / "journal.sqlite"}"\n')
    first_run(capsys, str(cfg), tmp_path)
    fake.text += "\n* [[User:Vandal Three]], since 5 March 2026"
    fake.revid += 1
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True, local=(LocalAccount("metawiki"),))
    filler = fill(small_disk)
    for fmt in ("table", "json"):
        code, out, err = banbot(capsys, "run", "--config", str(cfg), "--format", fmt)
        assert code == 7, err
        assert err.count("\n") == 1 and "Traceback" not in err and "disk is full" in err and "free space" in err
        assert "move it aside" not in err and "unreadable" not in err
    assert out["exit_code"] == 7 and out["error"]["kind"] == "JournalUnwritable"
    filler.unlink()  # space again: the same journal carries on
    code, out, err = banbot(capsys, "run", "--config", str(cfg))
    assert code == 0 and "1 blocked" in out, err
