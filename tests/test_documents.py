"""What a script reads: every command's stdout is one document in the chosen format, and a JSON document's
``exit_code`` is the process's; errors of every kind are one line on stderr, never a traceback."""

# ruff: noqa: F811  (the fixtures imported from test_commands are parameters here)
from __future__ import annotations

import json
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from banbot.cli import main
from banbot.state import AccountState
from test_commands import FakeFarm, cfg, fake, first_run  # noqa: F401  (the fake farm's fixtures)

LISTS = Path(__file__).resolve().parent / "banlists"


def one_document(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    """Run the command; its stdout must be exactly one JSON document."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    doc = json.loads(out)  # raises on an empty stdout or on anything after the document
    assert isinstance(doc, dict), out
    return code, doc, err


def test_every_command_prints_one_json_document_whose_exit_code_is_the_processs(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True)
    j = ("--format", "json")
    problems = LISTS / "bullets-must-link-an-account.wiki"  # a list with problem rows: exit 1
    cases: list[tuple[str, ...]] = [
        ("bans", "--source-file", str(problems), *j),
        ("plan", "--config", cfg, *j),
        ("run", "--config", cfg, "--init-journal", *j),  # held back: the first run is a human's (exit 3)
        ("run", "--config", cfg, "--dry-run", *j),
        ("audit", "--config", cfg, *j),
        ("lifted", "--config", cfg, *j),
        ("enforce", "Nobody Here", "--reason", "cross-wiki spam", "--yes", "--config", cfg, *j),  # no account: 1
        ("apply", "--config", cfg, "--yes", *j),  # the first run needs a reviewed plan: 3
        ("plan", "--config", str(tmp_path / "missing.toml"), *j),
        ("plan", "--config", cfg, "--no-such-option", *j),
        ("plan", "--config", cfg, "--out", str(tmp_path / "no" / "p.json"), *j),  # cannot write the plan file: 2
        ("audit", "--format", "json", "--config", cfg, "--anonymous", "--format=json", "--what"),
    ]
    seen = set()
    for argv in cases:
        code, doc, err = one_document(capsys, *argv)
        assert doc["exit_code"] == code, (argv, doc, err)
        assert doc["banbot_version"] == version("banbot")
        assert "Traceback" not in err
        seen.add(code)
    first_run(capsys, cfg, tmp_path)
    for argv in [("run", "--config", cfg, *j), ("lifted", "--config", cfg, *j),
                 ("enforce", "Vandal Three", "--reason", "cross-wiki spam", "--yes", "--config", cfg, *j)]:
        code, doc, _ = one_document(capsys, *argv)
        assert doc["exit_code"] == code == 0, (argv, doc)
    assert seen == {0, 1, 2, 3}


def test_a_missing_account_for_enforce_is_exit_1_in_the_json_too(fake: FakeFarm, cfg: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = one_document(capsys, "enforce", "Nobody Here", "--reason", "cross-wiki spam", "--yes",
                                "--init-journal", "--config", cfg, "--format", "json")
    assert code == doc["exit_code"] == 1 and doc["holds"][0]["code"] == "missing"


def test_a_usage_error_under_format_json_is_a_json_error_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, err = one_document(capsys, "plan", "--format", "json", "--user")
    assert code == doc["exit_code"] == 2 and doc["error"]["kind"] == "UsageError"
    assert "--user" in doc["error"]["message"] and err.splitlines()[-1].startswith("banbot: error: ")
    assert main(["plan", "--format", "table", "--user"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "usage: banbot" in err  # a table shows the usage on stderr only


def test_a_bug_anywhere_is_one_line_and_exit_70_never_a_traceback(fake: FakeFarm, cfg: str,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise KeyError("ratelimits")  # what pywikibot raised while reading a 'ratelimited' answer (issue 17)

    monkeypatch.setattr("test_commands.FakeApp.observe", broken)
    code, doc, err = one_document(capsys, "plan", "--config", cfg, "--format", "json")
    assert code == doc["exit_code"] == 70 and doc["error"]["kind"] == "InternalError"
    assert "KeyError: 'ratelimits'" in doc["error"]["message"]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "-v -v" in err
    assert main(["plan", "--config", cfg, "--format", "table", "-v", "-v"]) == 70
    assert "Traceback" in capsys.readouterr().err  # -v -v: the traceback, for the bug report


def test_a_reader_that_went_away_is_no_bug(fake: FakeFarm, cfg: str, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def gone(*_: Any, **__: Any) -> Any:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("banbot.terminal.show_plan", gone)
    monkeypatch.setattr("os.dup2", lambda *_: None)  # main() points stdout at /dev/null; not pytest's
    monkeypatch.setattr(sys.stdout, "fileno", lambda: 1, raising=False)
    assert main(["plan", "--config", cfg, "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_version_comes_from_the_package_and_is_in_the_journal_and_plan_file(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.strip() == f"banbot {version('banbot')}"
    first_run(capsys, cfg, tmp_path)
    assert json.loads((tmp_path / "p.json").read_text())["banbot_version"] == version("banbot")
    runs = sqlite3.connect(str(tmp_path / "journal.sqlite")).execute("SELECT banbot_version FROM runs").fetchall()
    assert runs and {r[0] for r in runs} == {version("banbot")}


def test_each_watch_pass_is_one_json_line_with_its_exit_code(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import argparse
    import threading

    from banbot import terminal
    from banbot.commands.run import guarded_pass

    config = terminal.config(argparse.Namespace(config=cfg))
    codes = []
    for init in (False, True):  # no journal yet (2); then the first run is a human's (3)
        args = argparse.Namespace(format="json", page=None, section=None, init_journal=init, verify=False)
        codes.append(guarded_pass(config, args, threading.Event()))
    lines = capsys.readouterr().out.splitlines()
    first_run(capsys, cfg, tmp_path)
    args = argparse.Namespace(format="json", page=None, section=None, init_journal=False, verify=False)
    codes.append(guarded_pass(config, args, threading.Event()))
    lines += capsys.readouterr().out.splitlines()
    assert codes == [2, 3, 0] and [json.loads(line)["exit_code"] for line in lines] == codes
