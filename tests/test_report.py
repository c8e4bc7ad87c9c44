"""`banbot report`: the journal as results rows, printed as every command prints, published with hidden
accounts counted and never named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from banbot import app, render
from banbot.actions import Action, Lock, RemoveLocalGroups
from banbot.cli import main
from banbot.config import Config
from banbot.errors import WikiError
from banbot.journal import Journal, Status
from banbot.results import results
from banbot.safety import Blocker, Rule


def journal_with(path: Path, *done: tuple[Action, Status]) -> Journal:
    journal = Journal(path)
    run = journal.start_run("apply")
    for action, status in done:
        journal.record(journal.intend(run, action), status)
    return journal


def hidden_lock(name: str) -> Lock:
    return Lock(name, "metawiki", "Global ban of this account", hidden=True)


def a_journal(path: Path) -> Journal:
    return journal_with(path, (hidden_lock("Secret One"), Status.DONE), (hidden_lock("Secret Two"), Status.ALREADY),
                        (RemoveLocalGroups("Secret Two", "enwiki", "r", groups=("sysop",), hidden=True), Status.DONE),
                        (Lock("Vandal", "metawiki", "Global ban of Vandal"), Status.DONE),
                        (hidden_lock("Secret Three"), Status.FAILED))


def test_the_published_report_counts_hidden_accounts_and_never_names_them(tmp_path: Path) -> None:
    res = results(a_journal(tmp_path / "j.sqlite").history(), 500)
    text = render.results_wikitext(res, centralauth=True)
    assert "Secret" not in text
    assert "[[Special:CentralAuth/Vandal|Vandal]] || metawiki || lock || done" in text
    assert "* 2 hidden accounts: locked" in text and "* 1 hidden account: local groups removed" in text
    assert "* 1 hidden account: lock failed" in text


def test_an_account_journaled_as_hidden_once_is_named_in_none_of_its_rows(tmp_path: Path) -> None:
    """A row journaled before CentralAuth hid the account is not published either."""
    journal = journal_with(tmp_path / "j.sqlite", (Lock("Later Hidden", "metawiki", "r"), Status.DONE),
                           (RemoveLocalGroups("Later Hidden", "enwiki", "r", groups=("x",), hidden=True), Status.DONE))
    text = render.results_wikitext(results(journal.history(), 1), centralauth=False)  # the old row is outside too
    assert "Later Hidden" not in text and "* 1 hidden account: local groups removed" in text


def test_names_are_escaped_in_the_published_report(tmp_path: Path) -> None:
    journal = journal_with(tmp_path / "j.sqlite", (Lock("A=B", "metawiki", "r"), Status.DONE))
    text = render.results_wikitext(results(journal.history(), 10), centralauth=False)
    assert "[[User:A&#61;B|A&#61;B]]" in text


def config(tmp_path: Path, report_page: str = "User:BanBot/Status") -> str:
    path = tmp_path / "banbot.toml"
    path.write_text('[list]\npage = "Global bans/List"\n[farm]\nmode = "centralauth"\n'
                    '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
                    f'[journal]\npath = "{tmp_path / "journal.sqlite"}"\n[report]\npage = "{report_page}"\n')
    return str(path)


def banbot(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def test_report_prints_json_with_its_exit_code_when_piped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path)
    a_journal(tmp_path / "journal.sqlite").close()
    code, out, _ = banbot(capsys, "report", "--config", cfg)  # stdout is no terminal here: JSON
    assert code == 0 and out["exit_code"] == 0 and out["published"] is None
    assert {(r["user"], r["hidden"]) for r in out["rows"]} >= {("Vandal", False), ("Secret One", True)}
    assert out["hidden"][0] == "2 hidden accounts: locked"
    from banbot import __version__
    assert out["banbot_version"] == __version__  # the first line of every bug report
    code, text, _ = banbot(capsys, "report", "--config", cfg, "--format", "wikitext")
    assert code == 0 and f"(banbot {__version__})" in text.splitlines()[0]


def test_report_table_names_hidden_accounts_for_the_operator(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path)
    a_journal(tmp_path / "journal.sqlite").close()
    code, out, _ = banbot(capsys, "report", "--config", cfg, "--format", "table")
    assert code == 0 and "Secret One (hidden)" in out and "Vandal" in out and "{|" not in out
    code, out, _ = banbot(capsys, "report", "--config", cfg, "--format", "wikitext")
    assert code == 0 and out.startswith("Results of banbot runs") and "Secret" not in out


def test_report_without_a_journal_is_still_a_json_document(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = banbot(capsys, "report", "--config", config(tmp_path))
    assert code == 0 and out["rows"] == [] and "nothing has been applied" in out["note"]


class Publisher:
    """The App as `report --publish` uses it: the kill switch and one page written on the central wiki."""

    def __init__(self, switch: Blocker | None = None, fail: WikiError | None = None) -> None:
        self.switch = switch
        self.fail = fail
        self.saved: list[tuple[str, str, str]] = []

    def connect(self, config: Config, journal: Any, **_: Any) -> Publisher:
        return self

    def kill_switch(self) -> Blocker | None:
        return self.switch

    def save_page(self, title: str, text: str, summary: str) -> int | None:
        if self.fail:
            raise self.fail
        self.saved.append((title, text, summary))
        return 77


def runs(path: Path) -> list[tuple[str, str | None, dict[str, Any]]]:
    journal = Journal(path)
    rows = journal.db.execute("SELECT command, why, summary FROM runs ORDER BY id").fetchall()
    journal.close()
    return [(c, w, json.loads(s) if s else {}) for c, w, s in rows]


def test_publish_writes_the_wikitext_and_journals_it_as_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(tmp_path)
    a_journal(tmp_path / "journal.sqlite").close()
    wiki = Publisher()
    monkeypatch.setattr(app, "connect", wiki.connect)
    code, out, err = banbot(capsys, "report", "--config", cfg, "--publish")
    assert code == 0 and out["published"] == {"wiki": "metawiki", "title": "User:BanBot/Status", "revid": 77}
    ((title, text, summary),) = wiki.saved
    assert title == "User:BanBot/Status" and "Secret" not in text and "2 hidden accounts: locked" in text
    assert "Secret" not in summary
    command, why, summary_json = runs(tmp_path / "journal.sqlite")[-1]
    assert command == "report" and why and "User:BanBot/Status" in why
    assert summary_json == {"published": "metawiki:User:BanBot/Status", "revid": 77}


def test_publish_held_by_the_kill_switch_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(tmp_path)
    a_journal(tmp_path / "journal.sqlite").close()
    wiki = Publisher(switch=Blocker(Rule.KILL_SWITCH, "the kill switch says stop", overridable=False))
    monkeypatch.setattr(app, "connect", wiki.connect)
    code, out, _ = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "json")
    assert code == 3 and out["exit_code"] == 3 and wiki.saved == []
    assert [r[0] for r in runs(tmp_path / "journal.sqlite")] == ["apply"]


def test_a_publish_the_wiki_refuses_is_journaled_with_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(tmp_path)
    a_journal(tmp_path / "journal.sqlite").close()
    monkeypatch.setattr(app, "connect", Publisher(fail=WikiError.from_code("protectedpage", "no")).connect)
    code, _, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "table")
    assert code == 5 and "protectedpage" in err
    assert runs(tmp_path / "journal.sqlite")[-1][2] == {"published": None, "error": "protectedpage: no"}


def test_publish_without_a_status_page_says_which_setting_to_set(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path, report_page="")
    a_journal(tmp_path / "journal.sqlite").close()
    code, _, err = banbot(capsys, "report", "--config", cfg, "--publish", "--format", "table")
    assert code == 2 and "report.page" in err


def test_the_report_names_the_source_of_each_action_with_several_sources(tmp_path: Path) -> None:
    from banbot.journal import Journal, Status
    from banbot.render import results_table, results_wikitext
    from banbot.results import results

    j = Journal(tmp_path / "j.sqlite")
    run = j.start_run("run", location="metawiki", title="Office actions/Rights removals")
    action = RemoveLocalGroups("Admin R", "enwiki", "r", groups=("sysop",), sources=("rights-removals",))
    j.record(j.intend(run, action), Status.DONE)
    res = results(j.history(), 10)
    j.close()
    assert res.rows[0].to_json()["sources"] == ["rights-removals"]
    assert "remove-local-groups (sysop) for rights-removals" in results_table(res)
    assert "remove-local-groups (sysop) for rights-removals" in results_wikitext(res, centralauth=True)
