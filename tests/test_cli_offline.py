"""The command line without a farm: `banbot bans --source-file`, exit codes and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from banbot.cli import main

LISTS = Path(__file__).resolve().parent / "banlists"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bans_json_exit_1_when_rows_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bans", "--source-file", str(LISTS / "wmf-global-ban-list.wiki"), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [p["line"] for p in data["problems"]] == [15, 16]
    assert data["source"]["kind"] == "file"


def test_bans_exit_0_when_the_list_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bans", "--source-file", str(LISTS / "community-list-tables.wiki"), "--section",
                       "Currently banned by the Wikimedia Foundation", "--format", "table")
    assert code == 0
    assert "Office Banned One" in out and "2 entries (2 active, 0 lifted), 0 problems" in out


def test_bans_table_shows_problems_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bans", "--source-file", str(LISTS / "wmf-global-ban-list.wiki"), "--format", "table")
    assert "listed again" in out and "9 entries (8 active, 1 lifted), 2 problems" in out


def test_ambiguous_page_exits_2_and_names_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "bans", "--source-file", str(LISTS / "policy-page-with-table.wiki"))
    assert code == 2 and "'See also'" in err and "--section" in err


@pytest.mark.parametrize("content, words", [
    (b"", "holds no ban list"),
    (b"\x00\x01\x02binary\xff", "binary"),
    (b"\xff\xfe caf\xe9", "not UTF-8"),
    (b"just some prose\nno lists here\n", "holds no ban list"),
])
def test_bad_input_is_a_clear_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    content: bytes, words: str) -> None:
    f = tmp_path / "list.wiki"
    f.write_bytes(content)
    code, _, err = run(capsys, "bans", "--source-file", str(f))
    assert code == 2 and words in err and "Traceback" not in err


def test_missing_file_and_missing_config_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "bans", "--source-file", str(tmp_path / "nope.wiki"))
    assert code == 2 and "cannot read" in err
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BANBOT_CONFIG", raising=False)
    code, _, err = run(capsys, "plan")
    assert code == 2 and "--config" in err


def test_python_dash_m_banbot_runs_the_cli() -> None:
    res = subprocess.run([sys.executable, "-m", "banbot", "bans", "--source-file",
                          str(LISTS / "table-date-cell-spanning-rows.wiki"), "--format", "json"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["active"] == 3


def test_apply_refuses_a_plan_file_that_is_not_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "banbot.toml"
    cfg.write_text('[list]\npage = "L"\n[farm]\nmode = "plain"\n[journal]\npath = "j.sqlite"\n'
                   '[wikis.a]\napi = "http://127.0.0.1:9/api.php"\n')
    junk = tmp_path / "plan.json"
    junk.write_text('{"digest": "abc", "actions": [')
    code, _, err = run(capsys, "apply", "--config", str(cfg), "--plan", str(junk))
    assert code == 2 and "not a banbot plan" in err
