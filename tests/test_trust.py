"""Trust, pure: every revision since the last applied one, the kill switch, names taken after listing,
talk pages banbot must not write to, and a journal that never forgets silently."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from banbot.banlist import BanEntry, BanList, ListSource, Protection
from banbot.config import SafetyConfig
from banbot.enforce import settle_interrupted
from banbot.errors import JournalError
from banbot.journal import Journal
from banbot.plan import Plan
from banbot.safety import ListHistory, Revision, Rule, SwitchPage, kill_switch_blocker, trust_blockers
from banbot.state import LocalAccount
from test_plan import account, kinds, make_plan, settings, talk

SYSOP = (Protection("edit", "sysop", "infinity"),)
SOURCE = ListSource("wiki", "metawiki", "Global bans/List", 30, "2026-03-05T00:00:00Z", "Admin", SYSOP)


def listing(*names: str, source: ListSource = SOURCE) -> BanList:
    return BanList(source, None, tuple(BanEntry(n, dt.date(2026, 3, 5), False, i + 1) for i, n in enumerate(names)), ())


def empty_plan() -> Plan:
    return Plan(SOURCE, ())


def rules(blockers: list) -> set[str]:  # type: ignore[type-arg]
    return {str(b.rule) for b in blockers}


VANDAL_ADDS = Revision(21, 20, "Vandal", "2026-03-05T01:00:00Z", "bbb")
ADMIN_PROTECTS = Revision(22, 21, "Admin", "2026-03-05T02:00:00Z", "bbb")  # a null revision: same sha1


def test_a_trusted_null_revision_does_not_launder_an_untrusted_edit_before_it() -> None:
    history = ListHistory(20, "aaa", (VANDAL_ADDS, ADMIN_PROTECTS), frozenset({"Admin"}), {21: ("Innocent",)})
    found = trust_blockers(listing("Listed", "Innocent"), empty_plan(), SafetyConfig(), history=history,
                           last_applied=["Listed"])
    assert rules(found) == {"editor"}
    assert "revision 21" in found[0].message and "Vandal" in found[0].message and "Innocent" in found[0].message


def test_a_trusted_later_edit_does_not_launder_it_either() -> None:
    admin_adds = Revision(22, 21, "Admin", "2026-03-05T02:00:00Z", "ccc")
    history = ListHistory(20, "aaa", (VANDAL_ADDS, admin_adds), frozenset({"Admin"}), {21: ("Innocent",)})
    found = trust_blockers(listing("Listed", "Innocent", "Other"), empty_plan(), SafetyConfig(), history=history,
                           last_applied=["Listed"])
    assert rules(found) == {"editor"}


def test_an_untrusted_edit_whose_additions_are_gone_holds_nothing_back() -> None:
    reverted = ListHistory(20, "aaa", (VANDAL_ADDS, Revision(22, 21, "Admin", "t", "aaa")), frozenset({"Admin"}),
                           {21: ("Innocent",)})
    assert trust_blockers(listing("Listed"), empty_plan(), SafetyConfig(), history=reverted,
                          last_applied=["Listed"]) == []


def test_an_unreadable_untrusted_edit_holds_the_run_back() -> None:
    history = ListHistory(20, "aaa", (VANDAL_ADDS,), frozenset({"Admin"}), {21: None})
    found = trust_blockers(listing("Listed"), empty_plan(), SafetyConfig(), history=history, last_applied=["Listed"])
    assert rules(found) == {"editor"} and "could not read" in found[0].message


def test_a_hidden_editor_is_not_trusted() -> None:
    hidden = Revision(21, 20, None, "t", "bbb")
    history = ListHistory(20, "aaa", (hidden,), frozenset({"Admin"}), {21: ("Innocent",)})
    assert rules(trust_blockers(listing("Innocent"), empty_plan(), SafetyConfig(), history=history,
                                last_applied=[])) == {"editor"}


def test_a_new_entry_whose_row_an_untrusted_editor_wrote_holds_the_run_back() -> None:
    """The vandal wrote the row outside the list; an admin's edit later made it part of the list."""
    joined = ListHistory(20, "aaa", (Revision(22, 21, "Admin", "t", "ccc"),), frozenset({"Admin"}),
                         doubts={"Innocent": "revision 21 by Vandal, who is not in safety.trusted_groups, wrote "
                                             "the row"})
    found = trust_blockers(listing("Listed", "Innocent"), empty_plan(), SafetyConfig(), history=joined,
                           last_applied=[])
    assert rules(found) == {"editor"} and len(found) == 1
    assert "row of Innocent" in found[0].message and "Vandal" in found[0].message


def test_trusted_revisions_pass() -> None:
    history = ListHistory(20, "aaa", (Revision(21, 20, "Admin", "t", "bbb"),), frozenset({"Admin"}))
    assert trust_blockers(listing("New"), empty_plan(), SafetyConfig(), history=history, last_applied=[]) == []


def test_the_first_run_is_a_humans_and_a_reviewed_plan_lifts_it() -> None:
    history = ListHistory(None, trusted=frozenset({"Admin"}))
    found = trust_blockers(listing("One"), empty_plan(), SafetyConfig(), history=history, last_applied=None)
    assert rules(found) == {"first-run"} and found[0].lifted_by_review and found[0].overridable


def test_with_no_applied_revision_the_newest_editor_must_be_trusted() -> None:
    history = ListHistory(None, trusted=frozenset())
    found = trust_blockers(listing("One"), empty_plan(), SafetyConfig(), history=history, last_applied=None)
    assert rules(found) == {"editor", "first-run"}


def test_an_unknown_protection_level_counts_as_none() -> None:
    odd = dataclasses.replace(SOURCE, protection=(Protection("edit", "superprotect-ish", "infinity"),))
    history = ListHistory(20, "aaa", (), frozenset({"Admin"}))
    found = trust_blockers(listing("One", source=odd), empty_plan(), SafetyConfig(), history=history,
                           last_applied=["One"])
    assert rules(found) == {"protection"}


def switch(text: str | None = "run", user: str | None = "Admin",
           protection: tuple[Protection, ...] = SYSOP) -> SwitchPage:
    return SwitchPage("Project:Banbot/Run", text, 5, user, protection)


@pytest.mark.parametrize("page, why", [
    (switch(), None),
    (switch("run <!-- all good -->"), None),
    (switch("stop"), "says 'stop'"),
    (switch(None), "does not exist"),
    (switch(protection=()), "is not protected"),
    (switch(user="192.0.2.1"), "last edited by 192.0.2.1"),
    (switch(user=None), "last edited by (hidden)"),
])
def test_the_kill_switch_says_run_only_when_protected_and_trusted(page: SwitchPage, why: str | None) -> None:
    blocker = kill_switch_blocker(SafetyConfig(), page, trusted={"Admin"})
    if why is None:
        assert blocker is None
    else:
        assert blocker is not None and why in blocker.message and not blocker.overridable
        assert blocker.rule == Rule.KILL_SWITCH


def test_an_account_registered_after_it_was_listed_is_held() -> None:
    late = account("V", registered="2026-03-06T10:00:00Z")
    plan = make_plan(listing("V"), {"V": late}, settings())
    assert plan.actions == () and "registered 2026-03-06, after it was listed" in plan.holds[0].reason


def test_the_same_day_is_not_later_and_no_date_means_no_check() -> None:
    same_day = account("V", registered="2026-03-05T23:59:59Z")
    assert kinds(make_plan(listing("V"), {"V": same_day}, settings()))[0] == ("lock", "V", "metawiki")
    undated = BanList(SOURCE, None, (BanEntry("V", None, False, 1),), ())
    late = account("V", registered="2030-01-01T00:00:00Z")
    assert make_plan(undated, {"V": late}, settings()).actions


def test_on_a_plain_farm_each_wikis_late_account_is_held_on_its_own() -> None:
    state = account("V", local=(LocalAccount("enwiki", ("sysop",), registered="2026-03-01T00:00:00Z"),
                                LocalAccount("metawiki", registered="2026-04-01T00:00:00Z")),
                    talk=(talk("enwiki", "V"), talk("metawiki", "V")))
    plan = make_plan(listing("V"), {"V": state}, settings("plain"))
    assert {a.wiki for a in plan.actions} == {"enwiki"}
    assert [(h.wiki, "after it was listed" in h.reason) for h in plan.holds] == [("metawiki", True)]


@pytest.mark.parametrize("page, why", [
    (dict(redirect=True), "is a redirect"),
    (dict(content_model="json"), "content model 'json'"),
    (dict(has_notice=True), "the journal records no notice"),
])
def test_talk_pages_banbot_must_not_write_to_are_held(page: dict[str, object], why: str) -> None:
    state = account("V", talk=(talk("enwiki", "V", **page),))
    plan = make_plan(listing("V"), {"V": state}, settings())
    assert "notify" not in {a.kind for a in plan.actions}
    assert any(why in h.reason and h.wiki == "enwiki" for h in plan.holds)


def test_banbots_own_notice_is_not_held() -> None:
    state = account("V", talk=(talk("enwiki", "V", has_notice=True),))
    plan = make_plan(listing("V"), {"V": state}, settings(), completed={"notify|V|enwiki": "2026-03-05"})
    assert plan.holds == () and "notify" not in {a.kind for a in plan.actions}


def test_a_missing_or_empty_journal_is_refused_without_init(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with pytest.raises(JournalError, match="--init-journal"):
        Journal.for_writes(path)
    assert not path.exists()
    Journal(path).close()  # created by something else, never used: empty
    with pytest.raises(JournalError, match="empty"):
        Journal.for_writes(path)
    Journal.for_writes(path, init=True).close()
    Journal.for_writes(path).close()  # initialised on purpose: accepted from now on


def test_a_partial_plan_settles_only_the_accounts_it_observed(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    full = make_plan(listing("V", "W"), {"V": account("V"), "W": account("W")}, settings())
    run = journal.start_run("apply")
    for action in full.actions:
        journal.intend(run, action)  # a crash: nothing recorded after
    only_w = make_plan(listing("V", "W"), {"V": account("V"), "W": account("W", locked=True)}, settings(),
                       only=["W"])
    settled = settle_interrupted(journal, only_w)
    assert settled and all(s.split("|")[1] == "W" for s in settled)
    assert {r.user for r in journal.pending()} == {"V"}
