"""When a due verification reads the logs and when it re-reads every account (banbot.sources.SourceReader), with
the log read faked: the farm tests (tests/integration/test_drift.py) read the real logs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import parse_config
from banbot.drift import LogEntry, Unprovable
from banbot.errors import TransientWikiError
from banbot.journal import Journal
from banbot.sources import SourceReader, _earlier

NAMES = ["Mallory", "Eve", "Trent"]


class Client:
    has_globalusers = False  # CentralAuth REL1_39: one globaluserinfo an account

    def __init__(self, db: str) -> None:
        self.dbname = db

    def username(self) -> str:
        return "BanBot"


class Farm:
    def __init__(self, dbs: list[str], central: str) -> None:
        self.clients = {db: Client(db) for db in dbs}
        self.central = self.clients[central]

    def __getitem__(self, db: str) -> Client:
        return self.clients[db]


def stamp(ago_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - ago_s))


def reader(tmp_path: Path, mode: str = "plain", full_days: int = 7) -> SourceReader:
    wikis = {db: {"api": f"http://127.0.0.1:1/{db}/api.php"} for db in ("metawiki", "enwiki")}
    cfg = parse_config({"list": {"page": "Bans", "wiki": "metawiki"}, "farm": {"mode": mode, "central": "metawiki"},
                        "wikis": wikis, "run": {"full_verify_every_days": full_days}})
    journal = Journal.for_writes(tmp_path / "journal.sqlite", init=True)
    r = SourceReader(cfg, cfg.sources[0], Farm(["metawiki", "enwiki"], "metawiki"), journal)  # type: ignore[arg-type]
    r.memory_key = "verification:metawiki:Bans"
    r.started = stamp(0)
    return r


def bans() -> BanList:
    return BanList(ListSource("wiki", "metawiki", "Bans", 5), None,
                   tuple(BanEntry(n, None, False, i, f"* [[User:{n}]]") for i, n in enumerate(NAMES)), ())


def remember(r: SourceReader, since_ago: float, full_ago: float, wikis: dict[str, str] | None = None) -> None:
    assert r.journal is not None
    r.journal.remember(r._memory_key(), json.dumps({"since": stamp(since_ago), "full": stamp(full_ago),
                                                    "wikis": wikis or {}}))


def fake_logs(monkeypatch: pytest.MonkeyPatch, by_wiki: dict[str, list[LogEntry]] | Exception,
              rights: list[str] | None = None) -> list[tuple[str, str, bool]]:
    import banbot.wiki.logs as logs

    asked: list[tuple[str, str, bool]] = []

    def entries_since(client: Client, since: str, max_pages: int, *, rights: bool = False,
                      require: tuple[str, str] | None = None) -> tuple[list[LogEntry], list[str] | None]:
        rights = rights or require is not None
        asked.append((client.dbname, since, rights))
        if isinstance(by_wiki, Exception):
            raise by_wiki
        if require is not None and require[0] not in (granted or []):
            raise Unprovable(f"this login cannot read {require[1]} ({require[0]})")
        return by_wiki.get(client.dbname, []), (granted if rights else None)

    granted = rights
    monkeypatch.setattr(logs, "entries_since", entries_since)
    return asked


def block(db: str, name: str) -> LogEntry:
    return LogEntry(db, "block", "unblock", 2, f"User:{name}", stamp(60), {}, "Admin")


def test_a_due_verification_re_reads_only_the_accounts_the_logs_name(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=86400)
    asked = fake_logs(monkeypatch, {"enwiki": [block("enwiki", "Eve"), block("enwiki", "Not Listed")]})
    assert r.drift(bans()) == ["Eve"]
    assert [db for db, *_ in asked] == ["metawiki", "enwiki"]  # the central wiki and every configured wiki
    since = (r.memory() or {})["since"]
    assert asked[0][1] == _earlier(since, 15 * 60)  # from 15 minutes before the last verification began
    assert r.verification and "1 of 3 accounts re-read" in r.verification and r.from_logs


def test_without_a_recorded_verification_the_pass_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    asked = fake_logs(monkeypatch, {})
    assert r.drift(bans()) is None and asked == []
    assert r.verification == "full re-read: no verification from the logs is recorded yet"


def test_after_full_verify_every_days_the_pass_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=8 * 86400)
    asked = fake_logs(monkeypatch, {})
    assert r.drift(bans()) is None and asked == []
    assert r.verification and "run.full_verify_every_days" in r.verification


def test_full_verify_every_days_0_makes_every_verification_full(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, full_days=0)
    remember(r, since_ago=86400, full_ago=60)
    assert fake_logs(monkeypatch, {}) == [] and r.drift(bans()) is None


@pytest.mark.parametrize("error", [TransientWikiError("http-5xx", "down", wiki="enwiki"),
                                   Unprovable("enwiki has more log entries than 2 requests read")])
def test_a_log_that_cannot_be_read_makes_the_pass_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       error: Exception) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=86400)
    fake_logs(monkeypatch, error)
    assert r.drift(bans()) is None and not r.from_logs
    assert r.verification and r.verification.startswith("full re-read: the logs cannot prove nothing changed")


def test_on_centralauth_a_login_that_cannot_read_the_suppression_log_makes_the_pass_full(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400)
    asked = fake_logs(monkeypatch, {}, rights=["read", "centralauth-lock"])
    assert r.drift(bans()) is None and asked[0] == ("metawiki", asked[0][1], True)
    assert r.verification and "suppressionlog" in r.verification


def test_on_centralauth_the_wikis_where_listed_accounts_were_seen_are_read_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400, wikis={"enwiki": ""})
    asked = fake_logs(monkeypatch, {"metawiki": [LogEntry("metawiki", "globalauth", "setstatus", 2,
                                                          "User:Trent@global", "", {}, "Steward")]},
                      rights=["suppressionlog"])
    assert r.drift(bans()) == ["Trent"]
    assert [db for db, *_ in asked] == ["metawiki", "enwiki"]


def test_a_wiki_seen_without_a_known_address_makes_the_pass_full(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400, wikis={"dewiki": ""})
    fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    assert r.drift(bans()) is None
    assert r.verification and "dewiki" in r.verification


def test_a_full_pass_restarts_both_clocks_and_a_log_pass_only_the_logs(tmp_path: Path) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=3 * 86400, wikis={"enwiki": ""})
    r.from_logs, r.seen_wikis = True, {"zhwiki": "http://zh"}
    r.remember_verification(full=False)
    mem: dict[str, Any] = r.memory() or {}
    assert mem["since"] == r.started and mem["full"] == stamp(3 * 86400)
    assert mem["wikis"] == {"enwiki": "", "zhwiki": "http://zh"}
    r.remember_verification(full=True)
    mem = r.memory() or {}
    assert mem["since"] == mem["full"] == r.started and mem["wikis"] == {"zhwiki": "http://zh"}


def test_a_pass_that_read_only_a_new_revisions_entries_does_not_move_the_logs_clock(tmp_path: Path) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=86400)
    before = r.memory()
    r.remember_verification(full=False)  # neither full nor from the logs
    assert r.memory() == before


# --- the cross-check of a new revision resolves only the names it adds ---------------------------------------
def fake_crosscheck(monkeypatch: pytest.MonkeyPatch, moved: dict[str, str]) -> list[list[str]]:
    """The rendered revision shows every name linked; MediaWiki resolves a name to itself unless ``moved``
    says otherwise. Returns the names each resolution request asked about."""
    import banbot.wiki.pages as pages

    asked: list[list[str]] = []

    def resolve_names(client: Client, names: list[str]) -> dict[str, str | None]:
        asked.append(list(names))
        return {n: moved.get(n, n) for n in names}

    def rendered_html(client: Client, revid: int) -> str:
        return "".join(f'<li><a href="/wiki/User:{n.replace(" ", "_")}">{n}</a></li>' for n in NAMES + ["Walter"])

    monkeypatch.setattr(pages, "resolve_names", resolve_names)
    monkeypatch.setattr(pages, "rendered_html", rendered_html)
    return asked


def grown() -> BanList:
    return BanList(ListSource("wiki", "metawiki", "Bans", 6), None,
                   tuple(BanEntry(n, None, False, i, f"* [[User:{n}]]") for i, n in enumerate(NAMES + ["Walter"])),
                   ())


def test_a_new_revision_resolves_only_the_names_the_applied_one_did_not_have(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    remember(r, since_ago=3600, full_ago=3600)
    asked = fake_crosscheck(monkeypatch, {"Walter": "Walter Other"})
    found = r.objections(grown())
    assert asked == [["Walter"]]
    assert set(found) == {"Walter"} and "another account" in found["Walter"]  # a new name is still checked


def test_every_name_is_resolved_without_an_applied_revision_or_a_recent_full_verification(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    assert r.journal is not None
    asked = fake_crosscheck(monkeypatch, {})
    remember(r, since_ago=3600, full_ago=3600)
    assert r.resolved_before(grown()) == frozenset()  # nothing applied yet
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    assert r.resolved_before(grown()) == frozenset(NAMES)
    remember(r, since_ago=3600, full_ago=8 * 86400)  # the last full verification is older than 7 days
    assert r.resolved_before(grown()) == frozenset()
    r.journal.remember(r._memory_key(), "")  # no verification recorded
    assert r.resolved_before(grown()) == frozenset()
    r.objections(grown())
    assert asked == [NAMES + ["Walter"]]


def test_full_verify_every_days_0_resolves_every_name(tmp_path: Path) -> None:
    r = reader(tmp_path, full_days=0)
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    remember(r, since_ago=3600, full_ago=3600)
    assert r.resolved_before(grown()) == frozenset()


# --- the logs are read only where they cost less than the accounts --------------------------------------------
def test_on_centralauth_with_the_batch_read_many_wikis_of_logs_cost_more_than_the_accounts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400, wikis={"enwiki": ""})
    asked = fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    monkeypatch.setattr(Client, "has_globalusers", True)  # 3 accounts: one list=globalusers request
    assert r.drift(bans()) is None and not asked  # no log read at all
    assert r.verification == ("full re-read: reading the logs of 2 wikis (2 requests) costs more than reading the 3 "
                              "accounts")


def test_on_centralauth_without_the_batch_read_the_logs_of_fewer_wikis_than_accounts_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400, wikis={"enwiki": ""})
    asked = fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    assert r.drift(bans()) == [] and len(asked) == 2  # 2 wikis against 3 globaluserinfo requests
    r.farm.clients["zhwiki"] = Client("zhwiki")  # type: ignore[attr-defined]
    r.farm.clients["dewiki"] = Client("dewiki")  # type: ignore[attr-defined]
    asked.clear()
    remember(r, since_ago=86400, full_ago=86400, wikis={"enwiki": "", "zhwiki": "", "dewiki": ""})
    assert r.drift(bans()) is None and not asked  # 4 wikis against 3 accounts
    assert r.verification and "costs more than reading the 3 accounts" in r.verification


def test_on_a_plain_farm_the_logs_never_cost_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=86400)
    monkeypatch.setattr(Client, "has_globalusers", True)
    asked = fake_logs(monkeypatch, {})
    assert r.drift(bans()) == [] and len(asked) == 2


def test_a_wiki_never_opened_costs_its_siteinfo_as_well_as_its_log(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    new = Client("zhwiki")
    new.knows_site = False  # type: ignore[attr-defined]
    r.farm.clients["zhwiki"] = new  # type: ignore[attr-defined]
    remember(r, since_ago=86400, full_ago=86400, wikis={"zhwiki": ""})
    asked = fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    assert r.drift(bans()) is None and not asked  # 1 + 1 + 2 requests against 3 accounts
    assert r.verification and "3 wikis (4 requests) costs more" in r.verification
