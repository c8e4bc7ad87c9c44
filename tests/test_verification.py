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
from banbot.sources import SourceReader, _age_s, _earlier

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


def reader(tmp_path: Path, mode: str = "plain", full_days: int = 7, hours: int = 24,
           section: str | None = None) -> SourceReader:
    wikis = {db: {"api": f"http://127.0.0.1:1/{db}/api.php"} for db in ("metawiki", "enwiki")}
    listed = {"page": "Bans", "wiki": "metawiki"} | ({"section": section} if section else {})
    cfg = parse_config({"list": listed, "farm": {"mode": mode, "central": "metawiki"}, "wikis": wikis,
                        "run": {"full_verify_every_days": full_days, "verify_every_hours": hours}})
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


# --- the clocks: ages measured to the second ------------------------------------------------------------------
NOW = 1_796_212_800.0  # 2026-12-02T12:00:00Z


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time stands still at NOW: an age is exactly what the test stamped."""
    monkeypatch.setattr(time, "time", lambda: NOW)


def settle(r: SourceReader, revid: int, verified: str, names: list[str] = NAMES) -> None:
    """The journal's last applied revision of the list: every account read at ``verified`` and found settled."""
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", revid, names, settled=True, verified=verified)


def vet(r: SourceReader, rows: dict[str, str], doubt: dict[str, str] | None = None) -> None:
    """The provenance the journal keeps of each entry's row (what vetting found at the applied revision)."""
    from banbot.journal import Vetted
    from banbot.provenance import Origin

    assert r.journal is not None
    r.journal.record_origins("metawiki", "Bans", None, {n: Vetted(row, Origin(n, row, ()), (doubt or {}).get(n), 5)
                                                       for n, row in rows.items()})


def revision(revid: int, rows: dict[str, str]) -> BanList:
    return BanList(ListSource("wiki", "metawiki", "Bans", revid), None,
                   tuple(BanEntry(n, None, False, i, row) for i, (n, row) in enumerate(rows.items())), ())


ROWS = {n: f"* [[User:{n}]]" for n in NAMES}


def test_a_verification_reads_the_logs_from_fifteen_minutes_before_the_last_one_began(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    assert r.journal is not None
    r.journal.remember(r._memory_key(), json.dumps({"since": "2026-12-01T00:10:00Z", "full": stamp(3600),
                                                    "wikis": {}}))
    asked = fake_logs(monkeypatch, {})
    assert r.drift(bans()) == []
    assert {since for _, since, _ in asked} == {"2026-11-30T23:55:00Z"}  # over midnight and the month's end


# --- reading the list -----------------------------------------------------------------------------------------
PAGE = "== Active ==\n* [[User:Mallory]]\n* [[User:Eve]]\n== Old ==\n* [[User:Trent]]\n"


def fake_page(monkeypatch: pytest.MonkeyPatch, r: SourceReader) -> list[str]:
    """The list page on the wiki (revision 5, by Admin), already cross-checked: the journal has its answer."""
    import banbot.wiki.pages as pages

    read: list[str] = []

    def read_ban_page(client: Client, title: str) -> tuple[str, ListSource]:
        read.append(title)
        return PAGE, ListSource("wiki", client.dbname, title, 5, user="Admin")

    monkeypatch.setattr(pages, "read_ban_page", read_ban_page)
    assert r.journal is not None
    for title in ("Bans", "Other"):
        for section in ("Active", "Old"):
            r.journal.record_list_check("metawiki", title, 5, section, {})
    return read


def test_a_list_is_read_in_the_configured_section_or_the_one_asked_for(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    r = reader(tmp_path, section="Active")
    r.started = None
    read = fake_page(monkeypatch, r)
    with caplog.at_level("INFO", logger="banbot.sources"):
        got = r.read()
    assert [e.user for e in got.active] == ["Mallory", "Eve"] and got.section == "Active" and read == ["Bans"]
    assert any("read Bans revision 5 by Admin" in m for m in caplog.messages)  # the run log says what it acts on
    assert [e.user for e in r.read(section="Old").active] == ["Trent"]


def test_a_page_asked_for_is_read_and_its_verifications_kept_apart(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, section="Active")
    r.memory_key = None
    read = fake_page(monkeypatch, r)
    r.read(page="Other")
    assert read == ["Other"] and r._memory_key() == "verification:metawiki:Other"  # --page: its own clocks


def test_a_run_is_as_of_when_its_first_read_began(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, section="Active")
    fake_page(monkeypatch, r)
    r.started = None
    r.read()
    first = r.started
    assert first is not None and abs(_age_s(first)) < 60
    r.started = "2026-12-02T10:00:00Z"  # a second read in the same run (another section) keeps the first time
    r.read(section="Old")
    assert r.started == "2026-12-02T10:00:00Z"


def test_a_reader_that_has_read_no_page_keeps_its_verifications_under_the_configured_page(tmp_path: Path) -> None:
    r = reader(tmp_path)
    r.memory_key = None
    r.remember_verification(full=True)
    assert r.journal is not None and r.journal.recall("verification:metawiki:Bans") is not None
    assert r.memory() is not None


# --- the cross-check of a revision -----------------------------------------------------------------------------
def test_a_list_read_from_a_file_is_not_cross_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    asked = fake_crosscheck(monkeypatch, {})
    listed = BanList(ListSource("file", "bans.txt"), None, bans().entries, ())
    assert r.objections(listed) == {} and asked == []


def test_a_revision_is_cross_checked_once_the_journal_keeps_the_answer(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    asked = fake_crosscheck(monkeypatch, {"Walter": "Walter Other"})
    first = r.objections(grown())
    assert set(first) == {"Walter"} and len(asked) == 1
    assert r.objections(grown()) == first and len(asked) == 1  # no request the second time


def test_without_a_journal_the_cross_check_is_made_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    r.journal = None
    asked = fake_crosscheck(monkeypatch, {"Walter": "Walter Other"})
    assert set(r.objections(grown())) == {"Walter"} and set(r.objections(grown())) == {"Walter"}
    assert asked == [NAMES + ["Walter"]] * 2


def test_the_wikis_interwiki_map_is_read_only_for_a_row_linked_through_a_prefix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import banbot.wiki.pages as pages

    r = reader(tmp_path)
    fake_crosscheck(monkeypatch, {})
    maps: list[str] = []
    monkeypatch.setattr(pages, "interwiki_rows", lambda client: maps.append(client.dbname) or [])

    def listed(revid: int, link: str) -> BanList:
        return BanList(ListSource("wiki", "metawiki", "Bans", revid), None,
                       (BanEntry("Mallory", None, False, 0, f"* [[{link}]]", links=(link,)),), ())

    r.objections(listed(7, ":User:Mallory"))  # a leading colon is no prefix
    assert maps == []
    r.objections(listed(8, "m:User:Mallory"))
    assert maps == ["metawiki"]


def test_a_revision_whose_entries_are_not_what_readers_see_is_logged_and_a_clean_one_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    r = reader(tmp_path)
    fake_crosscheck(monkeypatch, {"Walter": "Walter Other"})
    with caplog.at_level("WARNING", logger="banbot.sources"):
        r.objections(bans())
        assert caplog.messages == []
        r.objections(grown())
    assert [m for m in caplog.messages if "1 entries are not what readers see" in m]


# --- how long a verification is trusted, to the second -----------------------------------------------------------
@pytest.mark.usefixtures("frozen")
def test_names_resolved_before_are_trusted_for_less_than_full_verify_every_days(tmp_path: Path) -> None:
    r = reader(tmp_path)
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    remember(r, since_ago=3600, full_ago=7 * 86400 - 1)
    assert r.resolved_before(grown()) == frozenset(NAMES)
    remember(r, since_ago=3600, full_ago=7 * 86400)
    assert r.resolved_before(grown()) == frozenset()


@pytest.mark.usefixtures("frozen")
def test_the_full_verification_is_due_after_full_verify_every_days_to_the_second(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    asked = fake_logs(monkeypatch, {})
    remember(r, since_ago=3600, full_ago=7 * 86400 - 1)
    assert r.drift(bans()) == [] and len(asked) == 2
    remember(r, since_ago=3600, full_ago=7 * 86400)
    assert r.drift(bans()) is None and len(asked) == 2


def test_full_verify_every_days_1_trusts_a_full_verification_of_an_hour_ago(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, full_days=1)
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    remember(r, since_ago=3600, full_ago=3600)
    assert r.resolved_before(grown()) == frozenset(NAMES)
    fake_logs(monkeypatch, {})
    assert r.drift(bans()) == []


def test_full_verify_every_days_0_trusts_no_verification_even_one_stamped_ahead_of_our_clock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock set back (or a journal from a machine ahead of this one): 0 still means a full re-read."""
    r = reader(tmp_path, full_days=0)
    assert r.journal is not None
    r.journal.record_applied("metawiki", "Bans", 5, NAMES, settled=True)
    remember(r, since_ago=3600, full_ago=-3600)
    assert r.resolved_before(grown()) == frozenset()
    assert fake_logs(monkeypatch, {}) == [] and r.drift(bans()) is None


def test_a_memory_whose_wikis_are_not_a_table_is_no_memory(tmp_path: Path) -> None:
    r = reader(tmp_path)
    assert r.journal is not None
    r.journal.remember(r._memory_key(), json.dumps({"since": stamp(60), "full": stamp(60), "wikis": ["enwiki"]}))
    assert r.memory() is None


def test_a_log_pass_with_no_earlier_memory_records_its_start_as_the_last_full_one(tmp_path: Path) -> None:
    r = reader(tmp_path, mode="centralauth")
    r.from_logs, r.seen_wikis = True, {"zhwiki": "http://zh"}
    r.remember_verification(full=False)
    assert r.memory() == {"since": r.started, "full": r.started, "wikis": {"zhwiki": "http://zh"}}


@pytest.mark.parametrize("level", ["INFO", "WARNING"])
def test_how_a_pass_verified_is_in_the_run_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture, level: str) -> None:
    r = reader(tmp_path)
    with caplog.at_level(level, logger="banbot.sources"):
        r.drift(bans())  # no memory: full
        remember(r, since_ago=86400, full_ago=86400)
        fake_logs(monkeypatch, TransientWikiError("http-5xx", "down", wiki="enwiki"))
        r.drift(bans())  # a log that cannot be read: full (a warning)
        fake_logs(monkeypatch, {})
        r.drift(bans())  # verified from the logs
    said = [m for m in caplog.messages if m.startswith("verify: list: ")]
    if level == "WARNING":
        assert len(said) == 1 and "the logs cannot prove nothing changed" in said[0]
    else:
        assert [m.split(": ", 2)[2][:30] for m in said] == ["full re-read: no verification ",
                                                             "full re-read: the logs cannot ",
                                                             "verified from the logs since 2"]


# --- an unchanged list, and a new revision: what a pass reads ---------------------------------------------------
def test_without_a_journal_every_pass_is_full(tmp_path: Path) -> None:
    r = reader(tmp_path)
    settle(r, 5, stamp(60))
    r.journal = None
    assert r.unchanged(bans()) is None and r.changes_only(grown()) is None


@pytest.mark.usefixtures("frozen")
def test_an_unchanged_list_is_quiet_for_less_than_verify_every_hours_to_the_second(tmp_path: Path) -> None:
    r = reader(tmp_path)
    settle(r, 5, stamp(24 * 3600 - 1))
    assert r.unchanged(bans()) == stamp(24 * 3600 - 1) == r.quiet_since
    settle(r, 5, stamp(24 * 3600))
    assert r.unchanged(bans()) is None and r.quiet_since is None


def test_verify_every_hours_1_keeps_a_list_settled_half_an_hour_ago_quiet(tmp_path: Path) -> None:
    r = reader(tmp_path, hours=1)
    settle(r, 5, stamp(1800))
    assert r.unchanged(bans()) == stamp(1800)
    vet(r, ROWS)
    assert r.changes_only(grown()) == ["Walter"]


def test_verify_every_hours_0_makes_every_pass_full_even_after_a_pass_stamped_ahead_of_our_clock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, hours=0)
    remember(r, since_ago=60, full_ago=60)
    fake_logs(monkeypatch, {})
    vet(r, ROWS)
    for verified in (stamp(60), stamp(-3600)):
        settle(r, 5, verified)
        assert r.unchanged(bans()) is None
        assert r.changes_only(grown()) is None and r.changes_only(bans()) is None


def test_a_new_revision_reads_its_added_changed_and_unvetted_entries(tmp_path: Path) -> None:
    """Within verify_every_hours of the last full read: the entries the applied revision did not have, those
    whose row changed, and those whose provenance the journal does not hold or doubts — nothing else."""
    r = reader(tmp_path)
    settle(r, 5, stamp(3600), names=["Mallory", "Eve", "Trent", "Peggy", "Victor"])
    vet(r, {**ROWS, "Victor": "* [[User:Victor]]"}, doubt={"Trent": "revision 4 by Someone"})
    new = revision(6, {"Mallory": "  * [[User:Mallory]]  ", "Eve": "* [[User:Eve]] (again)",
                       "Trent": ROWS["Trent"], "Peggy": "* [[User:Peggy]]", "Walter": "* [[User:Walter]]",
                       "Victor": "* [[User:Victor]]"})
    assert r.changes_only(new) == ["Eve", "Trent", "Peggy", "Walter"]
    assert r.changed == (["Eve", "Trent", "Peggy", "Walter"], stamp(3600))  # the last full read stands


def test_the_applied_revision_within_verify_every_hours_is_unchanged_s_to_answer(tmp_path: Path) -> None:
    r = reader(tmp_path)
    settle(r, 5, stamp(3600))
    vet(r, ROWS)
    assert r.changes_only(bans()) is None and r.changed is None


@pytest.mark.usefixtures("frozen")
def test_a_verification_is_due_after_verify_every_hours_to_the_second(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=86400, full_ago=86400)
    fake_logs(monkeypatch, {"enwiki": [block("enwiki", "Eve")]})
    vet(r, ROWS)
    settle(r, 5, stamp(24 * 3600 - 1))
    assert r.changes_only(bans()) is None
    settle(r, 5, stamp(24 * 3600))
    assert r.changes_only(bans()) == ["Eve"]


def test_a_due_verification_of_a_new_revision_reads_its_changes_and_what_the_logs_name_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    r.started = stamp(120)
    remember(r, since_ago=2 * 86400, full_ago=2 * 86400)
    fake_logs(monkeypatch, {"enwiki": [block("enwiki", "Walter"), block("enwiki", "Eve")]})
    settle(r, 5, stamp(2 * 86400))
    vet(r, ROWS)
    assert r.changes_only(grown()) == ["Walter", "Eve"]
    assert r.changed == (["Walter", "Eve"], stamp(120))  # verified as of this run's reads now


def test_a_due_verification_of_the_same_revision_reads_only_what_the_logs_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the entries held for their origin, nor those whose provenance is unknown: they are never read."""
    r = reader(tmp_path)
    remember(r, since_ago=2 * 86400, full_ago=2 * 86400)
    fake_logs(monkeypatch, {"enwiki": [block("enwiki", "Eve")]})
    settle(r, 5, stamp(2 * 86400))
    vet(r, {"Mallory": ROWS["Mallory"], "Eve": ROWS["Eve"]}, doubt={"Mallory": "revision 4 by Someone"})
    assert r.changes_only(bans()) == ["Eve"]


def test_a_due_verification_the_logs_cannot_prove_is_a_full_pass(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path)
    remember(r, since_ago=2 * 86400, full_ago=2 * 86400)
    fake_logs(monkeypatch, Unprovable("enwiki has more log entries than 2 requests read"))
    settle(r, 5, stamp(2 * 86400))
    vet(r, ROWS)
    assert r.changes_only(grown()) is None and r.changed is None


# --- which logs are read, and how far ----------------------------------------------------------------------------
class Learning(dict[str, Client]):
    """A CentralAuth farm's clients: a wiki it does not know yet is learned from the server a read reported."""

    def __init__(self, dbs: list[str]) -> None:
        super().__init__({db: Client(db) for db in dbs})
        self.learned: list[tuple[str, str]] = []

    def learn(self, db: str, url: str) -> None:
        self.learned.append((db, url))
        self[db] = Client(db)


def test_a_wiki_seen_with_its_address_is_learned_and_its_logs_read(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    clients = Learning(["metawiki", "enwiki"])
    r.farm.clients = clients  # type: ignore[attr-defined]
    asked = fake_logs(monkeypatch, {"dewiki": [block("dewiki", "Trent")]}, rights=["suppressionlog"])
    names, wikis, entries = r.logged(stamp(3600), NAMES, {"dewiki": "http://de", "enwiki": "http://en"})
    assert names == ["Trent"] and (wikis, entries) == (3, 1)
    assert clients.learned == [("dewiki", "http://de")]  # a known wiki is not learned again
    assert [db for db, *_ in asked] == ["metawiki", "enwiki", "dewiki"]


def test_a_wiki_seen_without_an_address_is_not_learned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = reader(tmp_path, mode="centralauth")
    clients = Learning(["metawiki", "enwiki"])
    r.farm.clients = clients  # type: ignore[attr-defined]
    fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    with pytest.raises(Unprovable, match="frwiki"):
        r.logged(stamp(3600), NAMES, {"frwiki": ""})
    assert clients.learned == []


@pytest.mark.parametrize(("listed", "pages"), [(3, 2), (100, 2), (101, 3), (150, 3), (151, 4)])
def test_a_log_is_read_for_at_most_as_many_requests_as_reading_the_accounts_would_cost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: int, pages: int) -> None:
    import banbot.wiki.logs as logs

    r = reader(tmp_path)
    bounds: list[int] = []

    def entries_since(client: Client, since: str, max_pages: int, **_: Any) -> tuple[list[LogEntry], None]:
        bounds.append(max_pages)
        return [], None

    monkeypatch.setattr(logs, "entries_since", entries_since)
    r.logged(stamp(3600), [f"User {i}" for i in range(listed)], {})
    assert bounds == [pages, pages]


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


@pytest.mark.parametrize(("listed", "detail", "batch", "reads"), [
    (3, 1, True, True),  # 2 wikis against ⌈3/50⌉ = 1 request + 1 read one by one: the logs cost no more
    (3, 0, True, False),  # against 1 request: more
    (51, 0, True, True),  # against ⌈51/50⌉ = 2
    (50, 0, True, False),  # against 1
    (2, 0, False, True),  # without the batch read: 2 wikis against 2 accounts read one by one
    (1, 0, False, False),  # against 1
])
def test_the_logs_are_read_when_they_cost_no_more_than_the_accounts_to_the_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: int, detail: int, batch: bool, reads: bool) -> None:
    from banbot.sources import Costlier

    r = reader(tmp_path, mode="centralauth")
    monkeypatch.setattr(Client, "has_globalusers", batch)
    asked = fake_logs(monkeypatch, {}, rights=["suppressionlog"])
    names = [f"User {i}" for i in range(listed)]
    if reads:
        assert r.logged(stamp(3600), names, {}, detail=detail) == ([], 2, 0) and len(asked) == 2
    else:
        with pytest.raises(Costlier, match=f"of 2 wikis \\(2 requests\\) costs more than reading the {listed} acc"):
            r.logged(stamp(3600), names, {}, detail=detail)
        assert asked == []


def test_a_due_verification_with_the_batch_read_weighs_the_logs_against_the_batch_requests_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """drift() reads no account one by one: 2 wikis of logs against ⌈51/50⌉ = 2 batch requests are read, against
    ⌈50/50⌉ = 1 they are not — which the run log says, as information (a cost, not a doubt)."""
    r = reader(tmp_path, mode="centralauth")
    remember(r, since_ago=86400, full_ago=86400)
    monkeypatch.setattr(Client, "has_globalusers", True)
    asked = fake_logs(monkeypatch, {}, rights=["suppressionlog"])

    def listed(n: int) -> BanList:
        return BanList(ListSource("wiki", "metawiki", "Bans", 5), None,
                       tuple(BanEntry(f"User {i}", None, False, i, f"* [[User:User {i}]]") for i in range(n)), ())

    assert r.drift(listed(51)) == [] and len(asked) == 2
    with caplog.at_level("INFO", logger="banbot.sources"):
        assert r.drift(listed(50)) is None and len(asked) == 2
    assert [m for m in caplog.messages if "full re-read: reading the logs of 2 wikis (2 requests) costs more" in m]
    assert not [m for m in caplog.records if m.levelname == "WARNING"]
