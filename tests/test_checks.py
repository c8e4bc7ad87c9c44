"""`banbot check`'s row logic (pure): what each sanction needs, a key's rights against it, the journal's rows."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from banbot.checks import (
    Check,
    journal_check,
    login_check,
    needed_rights,
    rights_check,
    summary,
    verify_logs_check,
    warnings,
)
from banbot.commands.check import journal
from banbot.config import Config, load_config
from banbot.journal import SCHEMA_VERSION, Journal

CONFIG = """
[list]
wiki = "metawiki"
page = "Global bans/List"
[farm]
mode = "{mode}"
central = "metawiki"
user_agent = "banbot-tests/0.1 (mailto:banbot@localhost)"
[journal]
path = "{journal}"
[wikis.metawiki]
api = "http://127.0.0.1:1/api.php"
[wikis.enwiki]
api = "http://127.0.0.1:2/api.php"
"""


def config(tmp_path: Path, mode: str = "plain", extra: str = "") -> Config:
    path = tmp_path / "banbot.toml"
    path.write_text(CONFIG.format(mode=mode, journal=tmp_path / "journal.sqlite") + extra)
    return load_config(path)


def test_a_plain_farm_needs_block_userrights_and_notice_rights_on_every_wiki(tmp_path: Path) -> None:
    needed = needed_rights(config(tmp_path))
    assert set(needed) == {"metawiki", "enwiki"}
    assert set(needed["enwiki"]) == {"block", "userrights", "edit", "createtalk"}


def test_a_centralauth_farm_needs_the_global_rights_on_the_central_wiki_only(tmp_path: Path) -> None:
    needed = needed_rights(config(tmp_path, "centralauth"))
    assert {"centralauth-lock", "centralauth-suppress", "globalgroupmembership",
            "userrights-interwiki"} <= set(needed["metawiki"])
    assert "block" not in needed["metawiki"] and set(needed["enwiki"]) == {"edit", "createtalk"}


def test_opt_outs_drop_what_a_wiki_needs(tmp_path: Path) -> None:
    cfg = config(tmp_path, extra='[enforce]\nno_block_wikis = ["enwiki"]\nno_notice_wikis = ["enwiki"]\n'
                 'remove_groups = []\n')
    needed = needed_rights(cfg)
    assert needed["enwiki"] == {} and set(needed["metawiki"]) == {"block", "edit", "createtalk"}
    assert rights_check("enwiki", needed["enwiki"], []).ok


def test_a_read_only_key_lacks_every_right_and_says_which_and_what_for() -> None:
    needed = {"block": "block the account", "edit": "post the notice"}
    row = rights_check("enwiki", needed, ["read", "edit"])
    assert not row.ok and row.detail == "this key lacks block (block the account)"
    assert "grants" in row.fix and rights_check("enwiki", needed, ["block", "edit"]).ok


def test_login_rows_name_the_account_or_the_error() -> None:
    assert login_check("enwiki", "BanBot", {"id": 3, "name": "BanBot", "groups": ["*", "user", "bot"]}, None) \
        == Check("login", "enwiki", True, "logged in as BanBot (groups bot)")
    assert not login_check("enwiki", "BanBot", {"id": 0, "name": "127.0.0.1"}, None).ok
    assert "not 'BanBot'" in login_check("enwiki", "BanBot", {"id": 4, "name": "Other"}, None).detail
    dead = login_check("enwiki", "BanBot", None, "cannot log in to enwiki: the wiki refused it")
    assert not dead.ok and "Special:BotPasswords" in dead.fix


def test_every_failing_check_is_one_problem_line_with_what_to_do() -> None:
    rows = [Check("login", "enwiki", True, "ok"), Check("journal", "/j", False, "does not exist", "init it")]
    ok, problems = summary(rows)
    assert not ok and problems == ["journal (/j): does not exist; init it"]
    assert summary(rows[:1]) == (True, [])


@pytest.mark.parametrize(("version", "words"), [(SCHEMA_VERSION - 1, "upgrades the journal"), (99, "upgrade banbot")])
def test_a_journal_of_another_schema_fails_the_check(version: int, words: str) -> None:
    row = journal_check("/j", exists=True, writable=True, version=version, current=SCHEMA_VERSION)
    assert not row.ok and words in row.fix


def test_the_journal_row_reads_a_real_journal_without_changing_it(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert not journal(cfg).ok and "--init-journal" in journal(cfg).fix
    Journal(cfg.journal).close()
    assert journal(cfg) == Check("journal", str(cfg.journal), True, f"writable, schema version {SCHEMA_VERSION}")
    db = sqlite3.connect(str(cfg.journal))
    db.execute("PRAGMA user_version = 3")
    db.close()
    row = journal(cfg)
    assert not row.ok and "schema version 3" in row.detail
    assert int(sqlite3.connect(str(cfg.journal)).execute("PRAGMA user_version").fetchone()[0]) == 3  # untouched
    cfg.journal.write_bytes(b"not a database at all" * 100)
    assert not journal(dataclasses.replace(cfg)).ok


def test_check_is_a_command_with_the_documented_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from banbot.cli import main
    from banbot.commands import check

    cfg = config(tmp_path)
    monkeypatch.setattr(check, "gather", lambda c: [Check("login", "metawiki", True, "logged in as BanBot")])
    assert main(["check", "--config", str(cfg.path), "--format", "table"]) == 0
    assert "logged in as BanBot" in capsys.readouterr().out
    monkeypatch.setattr(check, "gather", lambda c: [Check("journal", "/j", False, "does not exist", "init it")])
    assert main(["check", "--config", str(cfg.path), "--format", "json"]) == 1
    assert '"problems": [\n    "journal (/j): does not exist; init it"' in capsys.readouterr().out


def test_a_wiki_that_does_not_answer_is_not_blamed_on_the_password() -> None:
    row = login_check("enwiki", "BanBot", None, "connection on enwiki: connection refused", fix="")
    assert not row.ok and row.problem() == "login (enwiki): connection on enwiki: connection refused"


def test_a_failing_password_skips_the_logins_and_an_error_is_a_row_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from banbot import app
    from banbot.commands import check
    from banbot.errors import SourceUnreadable

    cfg = config(tmp_path, extra='[report]\npage = "User:BanBot/Status"\n')
    monkeypatch.setattr(app, "connect", lambda *a, **k: object())
    logged: list[str] = []

    def unreadable(*_: object) -> Check:
        raise SourceUnreadable("the page 'Global bans/List' does not exist on metawiki")

    monkeypatch.setattr(check, "password", lambda c, b: Check("password", "p", False, "no user-password.py"))
    monkeypatch.setattr(check, "logins", lambda c, b: logged.append("login") or [])
    monkeypatch.setattr(check, "ban_list", unreadable)
    monkeypatch.setattr(check, "kill_switch", lambda c, r: Check("kill-switch", "K", True, "says 'run'"))
    monkeypatch.setattr(check, "report_page", lambda c, b, p: Check("report-page", p, True, "editable"))
    found = check.gather(cfg)
    assert logged == [] and [c.check for c in found] == ["password", "list", "kill-switch", "journal"]
    assert found[1] == Check("list", "metawiki:Global bans/List", False,
                             "the page 'Global bans/List' does not exist on metawiki")
    monkeypatch.setattr(check, "password", lambda c, b: Check("password", "p", True, "accepted"))
    monkeypatch.setattr(check, "logins", lambda c, b: [Check("login", "metawiki", True, "logged in as BanBot")])
    assert [c.check for c in check.gather(cfg)] == ["password", "login", "list", "kill-switch", "report-page",
                                                    "journal"]


def test_a_centralauth_key_without_suppressionlog_is_a_warning_that_says_the_cost_and_the_fix(
        tmp_path: Path) -> None:
    """Without suppressionlog every due verification is a full re-read (banbot.drift): correct, so not a failure,
    but it costs a request an account on REL1_39; the warning names the right and the grant that fix it."""
    cfg = config(tmp_path, "centralauth")
    row = verify_logs_check(cfg, ["centralauth-lock", "block"])
    assert row is not None and row.ok and row.warning and row.target == "metawiki"
    assert "lacks suppressionlog" in row.detail and "re-reads every listed account" in row.detail
    assert "105 requests instead of 7" in row.detail
    assert "suppressionlog" in row.fix and "viewrestrictedlogs" in row.fix and "metawiki" in row.fix
    assert summary([row]) == (True, []) and warnings([row]) == [row.problem()]
    held = verify_logs_check(cfg, ["suppressionlog"])
    assert held is not None and held.ok and not held.warning and warnings([held]) == []


def test_no_suppressionlog_warning_where_the_logs_are_not_read(tmp_path: Path) -> None:
    assert verify_logs_check(config(tmp_path), []) is None  # a plain farm: no suppression log to read
    off = verify_logs_check(config(tmp_path, "centralauth", "[run]\nverify_every_hours = 0\n"), [])
    assert off is not None and off.ok and not off.warning and "not used" in off.detail
    off = verify_logs_check(config(tmp_path, "centralauth", "[run]\nfull_verify_every_days = 0\n"), [])
    assert off is not None and not off.warning


def test_a_warning_is_a_line_of_its_own_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from banbot.cli import main
    from banbot.commands import check

    cfg = config(tmp_path, "centralauth")
    row = verify_logs_check(cfg, [])
    assert row is not None
    monkeypatch.setattr(check, "gather", lambda c: [Check("login", "metawiki", True, "logged in as BanBot"), row])
    assert main(["check", "--config", str(cfg.path), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert " WARN " in out and "check: warning: verify-logs (metawiki): this key lacks suppressionlog" in out
    assert "check: 2 checks, 0 failed, 1 warning" in out
    assert main(["check", "--config", str(cfg.path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["problems"] == [] and data["warnings"] == [row.problem()]
