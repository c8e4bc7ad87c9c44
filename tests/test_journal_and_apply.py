"""The executor and the journal, with an in-memory gateway: each action once, recorded before and after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from banbot.enforce import apply_plan, settle_interrupted
from banbot.errors import JournalError, JournalUnwritable, PermanentWikiError, TransientWikiError
from banbot.exits import Exit
from banbot.journal import Journal, journal_error
from banbot.plan import Action, Lock, Plan
from test_plan import account, bans, make_plan, settings


class RecordingGateway:
    """Stands in for WikiGateway: records what it was asked to send, fails where told to."""

    def __init__(self, fail: dict[str, Exception] | None = None, journal: Journal | None = None) -> None:
        self.sent: list[str] = []
        self.fail = fail or {}
        self.journal = journal
        self.rows_seen: list[list[str]] = []

    def perform(self, action: Action) -> str:
        if self.journal:  # the row must already say "intended" when the write goes out
            self.rows_seen.append([r.status for r in self.journal.history([action.user]) if r.key == action.key])
        self.sent.append(action.key)
        if action.key in self.fail:
            raise self.fail[action.key]
        return "done"


def a_plan() -> Plan:
    return make_plan(bans("V", "W"), {"V": account("V"), "W": account("W")}, settings())


def test_each_action_is_journaled_as_intended_before_it_is_sent(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    gw = RecordingGateway(journal=journal)
    report = apply_plan(a_plan(), gw, journal)
    assert report.exit_code == Exit.OK
    assert all(seen == ["intended"] for seen in gw.rows_seen)
    assert [r.status for r in journal.history()] == ["done"] * len(a_plan().actions)


def test_a_failure_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    plan = a_plan()
    journal = Journal(tmp_path / "j.sqlite")
    gw = RecordingGateway({plan.actions[0].key: PermanentWikiError("permissiondenied", "no", wiki="metawiki")})
    report = apply_plan(plan, gw, journal)
    assert report.exit_code == Exit.PARTIAL
    assert len(gw.sent) == len(plan.actions)
    assert report.failed[0].code == "permissiondenied"
    assert report.summary()["failed"] == 1
    row = journal.history()[0]
    assert (row.status, row.code) == ("failed", "permissiondenied")


def test_a_transient_failure_fails_that_action_only(tmp_path: Path) -> None:
    plan = a_plan()
    gw = RecordingGateway({plan.actions[0].key: TransientWikiError("maxlag", "lagged")})
    report = apply_plan(plan, gw, Journal(tmp_path / "j.sqlite"))
    assert len(gw.sent) == len(plan.actions) and report.stopped is None and report.exit_code == Exit.PARTIAL


@pytest.mark.parametrize("code", ["blocked", "assertuserfailed", "readonly", "notloggedin",
                                  "mwoauth-invalid-authorization"])
def test_an_error_that_dooms_every_later_write_stops_the_run_at_once(tmp_path: Path, code: str) -> None:
    plan = a_plan()
    journal = Journal(tmp_path / "j.sqlite")
    gw = RecordingGateway({plan.actions[1].key: PermanentWikiError(code, "the bot cannot write", wiki="enwiki")})
    report = apply_plan(plan, gw, journal)
    assert gw.sent == [a.key for a in plan.actions[:2]]  # nothing sent after the fatal answer
    assert report.stopped and code in report.stopped and report.exit_code == Exit.ERROR
    assert [o.status for o in report.outcomes[2:]] == ["skipped"] * (len(plan.actions) - 2)
    assert journal.last_applied(plan.source.location, plan.source.title) is None  # not applied as a whole


def test_a_second_apply_of_the_same_plan_sends_nothing(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    apply_plan(a_plan(), RecordingGateway(), journal)
    gw = RecordingGateway()
    report = apply_plan(a_plan(), gw, journal)
    assert gw.sent == [] and {o.status for o in report.outcomes} == {"skipped"}


def test_an_interrupted_action_is_settled_by_the_fresh_plan(tmp_path: Path) -> None:
    plan = a_plan()
    journal = Journal(tmp_path / "j.sqlite")
    run = journal.start_run("apply")
    journal.intend(run, plan.actions[0])  # sent, then the process died before recording the outcome
    journal.intend(run, plan.actions[1])
    # the fresh observation no longer needs action 0 (it took effect) but still needs action 1
    fresh = Plan(plan.source, plan.actions[1:], (), plan.users)
    assert sorted(settle_interrupted(journal, fresh)) == sorted(
        [f"{plan.actions[0].key}: verified", f"{plan.actions[1].key}: interrupted"])
    assert journal.pending() == []
    assert plan.actions[0].key in journal.completed()


def test_a_corrupt_journal_is_a_clear_error_before_anything_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match="unreadable"):
        Journal(path)


def test_a_locked_journal_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path, timeout=0.1)
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(JournalError, match="locked"):
            journal.start_run("apply")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_summary_counts_by_kind() -> None:
    plan = a_plan()
    from banbot.enforce import Outcome, Report

    report = Report(plan.digest, tuple(Outcome(a, "done") for a in plan.actions))
    summary = report.summary()
    assert summary["locked"] == 2 and summary["notified"] == 2
    assert report.line().startswith("apply: 2 locked")


def test_a_guard_that_says_stop_halts_the_run_and_skips_the_rest(tmp_path: Path) -> None:
    plan = a_plan()
    answers = iter([None, None, "the kill switch says 'stop'"])
    gw = RecordingGateway()
    report = apply_plan(plan, gw, Journal(tmp_path / "j.sqlite"), guard=lambda: next(answers))
    assert len(gw.sent) == 2
    assert [o.status for o in report.outcomes] == ["done", "done"] + ["skipped"] * (len(plan.actions) - 2)
    assert report.exit_code == 3


def test_small_facts_are_remembered(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    journal.remember("k", "v")
    assert journal.recall("k") == "v" and journal.recall("missing") is None


def test_the_journal_carries_its_schema_version_and_upgrades_an_old_one(tmp_path: Path) -> None:
    from banbot.journal import MIGRATIONS, SCHEMA_VERSION

    old = sqlite3.connect(str(tmp_path / "old.sqlite"))
    old.executescript(MIGRATIONS[0])  # a journal from before versioning: user_version 0
    old.execute("INSERT INTO meta (key, value, at) VALUES ('has-globalusers:metawiki', 'yes', 'then')")
    old.commit()
    old.close()
    journal = Journal(tmp_path / "old.sqlite")
    assert journal.version == SCHEMA_VERSION >= 2
    assert journal.recall("has-globalusers:metawiki") is None  # a cached farm fact is no longer kept
    journal.record_list_check("metawiki", "L", 5, None, {"X": "hidden"})
    assert journal.list_check("metawiki", "L", 5, None) == {"X": "hidden"}
    assert journal.list_check("metawiki", "L", 6, None) is None


def test_a_journal_from_a_newer_banbot_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(str(tmp_path / "new.sqlite"))
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(JournalError, match="newer"):
        Journal(tmp_path / "new.sqlite")


def test_an_unchanged_list_revision_is_recorded_as_applied_once(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    for _ in range(3):
        journal.record_applied("metawiki", "L", 7, ["A", "B"])
    journal.record_applied("metawiki", "L", 8, ["A", "B", "C"])
    count = journal.db.execute("SELECT COUNT(*) FROM applied_lists").fetchone()[0]
    assert count == 2 and journal.last_applied("metawiki", "L") == (8, ["A", "B", "C"])


def test_a_full_disk_is_named_as_one_and_never_called_a_journal_to_move_aside(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    run = journal.start_run("apply")
    pages = journal.db.execute("PRAGMA page_count").fetchone()[0]
    journal.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL: no page more to write
    with pytest.raises(JournalUnwritable) as e:
        journal.intend(run, Lock("V", "metawiki", "r" * 20_000))
    assert "disk is full" in str(e.value) and "free space" in str(e.value)
    assert "move it aside" not in str(e.value) and "unreadable" not in str(e.value)
    assert e.value.exit_code == Exit.STORAGE
    journal.db.execute("PRAGMA max_page_count = 1073741823")  # space again: the journal was never harmed
    assert journal.pending() == [] and journal.intend(run, Lock("V", "metawiki", "r"))


def test_a_disk_io_error_is_named_as_one(tmp_path: Path) -> None:
    ioerr = sqlite3.OperationalError("disk I/O error")
    ioerr.sqlite_errorcode, ioerr.sqlite_errorname = 778, "SQLITE_IOERR_WRITE"  # as SQLite raises it
    error = journal_error(tmp_path / "j.sqlite", ioerr)
    assert isinstance(error, JournalUnwritable) and "disk I/O error" in str(error)
    assert "move it aside" not in str(error)
