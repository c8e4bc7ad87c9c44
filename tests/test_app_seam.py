"""The application layer's own seams (issue 18): what `watch` polls through (:class:`banbot.app.Poll`) and how a
write outside a plan is journaled (:func:`banbot.app.journaled_run`), with fake sessions behind
``banbot.app.connect``; the integration tier runs both against the farm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from banbot import app
from banbot.config import parse_config
from banbot.errors import TransientWikiError
from banbot.journal import Journal


class Session:
    """One read-only App as `watch` opens it: the wiki it may use, and the pages it was asked about."""

    def __init__(self, only: list[str]) -> None:
        self.only = only
        self.asked: list[tuple[str, list[str]]] = []

    def latest_revisions(self, db: str, titles: list[str]) -> dict[str, int | None]:
        assert db in self.only
        self.asked.append((db, titles))
        return {t: 7 for t in titles}

    def requests(self) -> int:
        return len(self.asked)


def poll(monkeypatch: pytest.MonkeyPatch, central: str, on_list: list[str],
         on_central: list[str]) -> tuple[app.Poll, list[Session]]:
    wikis = {db: {"api": f"http://127.0.0.1:1/{db}/api.php"} for db in {"metawiki", central}}
    cfg = parse_config({"list": {"page": "Bans", "wiki": "metawiki"}, "farm": {"mode": "plain", "central": central},
                        "wikis": wikis})
    opened: list[Session] = []

    def connect(config: Any, journal: Any, *, login: bool, simulate: bool, only: list[str]) -> Session:
        assert journal is None and not login and simulate  # read-only, and no journal for a poll
        opened.append(Session(only))
        return opened[-1]

    monkeypatch.setattr(app, "connect", connect)
    pages: dict[str, list[str]] = {"metawiki": on_list}
    if on_central:
        pages.setdefault(central, []).extend(on_central)
    return app.Poll(cfg, pages), opened


def test_a_poll_is_one_request_when_the_kill_switch_is_on_the_lists_wiki(monkeypatch: pytest.MonkeyPatch) -> None:
    p, opened = poll(monkeypatch, "metawiki", ["Bans", "Approvals"], ["Project:Run"])
    assert p() == {"metawiki:Bans": 7, "metawiki:Approvals": 7, "metawiki:Project:Run": 7}
    assert [s.asked for s in opened] == [[("metawiki", ["Bans", "Approvals", "Project:Run"])]]
    assert p.requests() == 1


def test_a_kill_switch_on_another_wiki_is_polled_there(monkeypatch: pytest.MonkeyPatch) -> None:
    p, opened = poll(monkeypatch, "loginwiki", ["Bans"], ["Project:Run"])
    assert p() == {"metawiki:Bans": 7, "loginwiki:Project:Run": 7}
    assert [(s.only, s.asked) for s in opened] == [(["metawiki"], [("metawiki", ["Bans"])]),
                                                  (["loginwiki"], [("loginwiki", ["Project:Run"])])]
    assert p.requests() == 2  # one request a poll on each wiki


def test_without_a_kill_switch_only_the_lists_wiki_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    p, opened = poll(monkeypatch, "loginwiki", ["Bans"], [])
    assert p() == {"metawiki:Bans": 7} and [s.only for s in opened] == [["metawiki"]]


def test_every_sources_list_and_approval_page_is_watched_with_the_kill_switch() -> None:
    cfg = parse_config({"sources": [{"name": "foundation", "page": "Bans", "wiki": "metawiki"},
                                    {"name": "rights", "page": "Rights removals", "wiki": "metawiki"},
                                    {"name": "community", "page": "Global bans", "wiki": "loginwiki"}],
                        "farm": {"mode": "plain", "central": "metawiki"}, "approval": {"first_run": True},
                        "wikis": {db: {"api": f"http://127.0.0.1:1/{db}/api.php"} for db in ("metawiki", "loginwiki")}})
    assert app.watched_pages(cfg, cfg.sources) == {
        "metawiki": ["Bans", "Project:Banbot/Approvals", "Rights removals", "Project:Banbot/Approvals",
                     "Project:Banbot/Run"],
        "loginwiki": ["Global bans", "Project:Banbot/Approvals"]}


def summaries(path: Path) -> list[tuple[str, dict[str, Any]]]:
    j = Journal(path)
    try:
        rows = j.db.execute("SELECT command, summary FROM runs ORDER BY id").fetchall()
    finally:
        j.close()
    return [(c, json.loads(s)) for c, s in rows]


def test_a_journaled_run_is_finished_with_its_summary_or_its_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    j = Journal.for_writes(path, init=True)
    try:
        with app.journaled_run(j, "report", why="publish") as summary:
            summary["revid"] = 5
        with pytest.raises(TransientWikiError), app.journaled_run(j, "report", why="publish") as summary:
            summary["published"] = None
            raise TransientWikiError("http", "502 Bad Gateway", wiki="metawiki")
        with pytest.raises(OSError), app.journaled_run(j, "alerts", why="alert lines to page"):
            raise OSError("disk\nfull")
    finally:
        j.close()
    assert summaries(path) == [("report", {"revid": 5}),
                               ("report", {"published": None, "error": "http: 502 Bad Gateway"}),
                               ("alerts", {"error": "OSError: disk"})]
