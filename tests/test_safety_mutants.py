"""The rails at their edges: what mutation testing (scripts/mutation safety) found no test pinning down — an
unreadable kill switch, the order of protection levels, the limits of max_new_entries and max_actions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from banbot.banlist import BanEntry, BanList, ListSource, Protection
from banbot.config import SafetyConfig
from banbot.plan import Lock, Plan
from banbot.safety import (
    Blocker,
    ListHistory,
    Revision,
    Rule,
    SwitchPage,
    kill_switch_blocker,
    protection_level,
    switch_word,
    trust_blockers,
)

LEVELS = ["autoconfirmed", "extendedconfirmed", "templateeditor", "sysop"]  # weakest first


def protected(*levels: str, kind: str = "edit") -> tuple[Protection, ...]:
    return tuple(Protection(kind, level, "infinity") for level in levels)


def source(protection: tuple[Protection, ...] = protected("sysop"), kind: str = "wiki",
           user: str | None = "Admin") -> ListSource:
    return ListSource(kind, "metawiki", "Global bans/List", 30, "2026-03-05T00:00:00Z", user, protection)


def listing(*names: str, src: ListSource | None = None, lifted: tuple[str, ...] = ()) -> BanList:
    entries = tuple(BanEntry(n, dt.date(2026, 3, 5), n in lifted, i + 1) for i, n in enumerate(names))
    return BanList(src or source(), None, entries, ())


def plan_of(actions: int) -> Plan:
    return Plan(source(), tuple(Lock(f"U{i}", "metawiki", "r") for i in range(actions)))


SETTLED = ListHistory(20, "aaa", (), frozenset({"Admin"}))  # nothing new since the last applied revision


DEFAULTS = SafetyConfig()


def rails(bans: BanList, cfg: SafetyConfig = DEFAULTS, *, plan: Plan | None = None,
          history: ListHistory | None = SETTLED, last_applied: list[str] | None = None) -> list[Blocker]:
    applied = [e.user for e in bans.active] if last_applied is None else last_applied
    return trust_blockers(bans, plan or plan_of(0), cfg, history=history, last_applied=applied)


def rules(blockers: list[Blocker]) -> list[str]:
    return [str(b.rule) for b in blockers]


# --- protection levels ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("have", range(len(LEVELS)))
@pytest.mark.parametrize("want", range(len(LEVELS)))
def test_the_list_must_be_protected_at_least_at_the_required_level(have: int, want: int) -> None:
    cfg = SafetyConfig(require_protection=LEVELS[want])
    found = rails(listing("A", src=source(protected(LEVELS[have]))), cfg)
    assert rules(found) == ([] if have >= want else ["protection"])


def test_templateeditor_protection_is_not_sysop_protection() -> None:
    found = rails(listing("A", src=source(protected("templateeditor"))))
    assert rules(found) == ["protection"]
    assert "protected at templateeditor" in found[0].message and "wants sysop" in found[0].message


def test_protection_levels_rank_weakest_first_and_unknown_or_other_kinds_count_as_none() -> None:
    assert [protection_level(protected(level)) for level in LEVELS] == [1, 2, 3, 4]
    assert protection_level(()) == 0
    assert protection_level(protected("superprotect-ish")) == 0
    assert protection_level(protected("sysop", kind="move")) == 0
    assert protection_level(protected("autoconfirmed", "sysop")) == 4  # the strongest counts
    assert protection_level(protected("sysop", "autoconfirmed")) == 4


def test_an_unknown_level_does_not_pass_even_the_weakest_requirement() -> None:
    cfg = SafetyConfig(require_protection="autoconfirmed")
    assert rules(rails(listing("A", src=source(protected("superprotect-ish"))), cfg)) == ["protection"]
    assert rules(rails(listing("A", src=source(())), cfg)) == ["protection"]
    assert "not protected" in rails(listing("A", src=source(())), cfg)[0].message


def test_only_edit_protection_protects_the_list() -> None:
    found = rails(listing("A", src=source(protected("sysop", kind="move"))))
    assert rules(found) == ["protection"] and "not protected" in found[0].message


def test_no_required_protection_turns_the_rule_off() -> None:
    assert rails(listing("A", src=source(())), SafetyConfig(require_protection="")) == []


# --- which lists the rails look at ------------------------------------------------------------------------------

def test_a_list_from_a_file_or_without_history_has_no_revision_rails() -> None:
    unprotected_file = listing("A", src=source((), kind="file"))
    assert rails(unprotected_file, plan=plan_of(500)) == []
    assert rails(listing("A", src=source(())), history=None, plan=plan_of(500)) == []


# --- trusted editors ---------------------------------------------------------------------------------------------

def test_with_no_trusted_groups_the_editors_are_not_checked() -> None:
    vandal = ListHistory(20, "aaa", (Revision(21, 20, "Vandal", "t", "bbb"),), frozenset(), {21: ("A",)})
    cfg = SafetyConfig(trusted_groups=())
    assert rails(listing("A"), cfg, history=vandal) == []
    assert rules(rails(listing("A"), history=vandal)) == ["editor"]


def test_on_the_first_run_the_newest_editor_is_named_and_a_trusted_one_passes() -> None:
    first = ListHistory(None, trusted=frozenset({"Admin"}))
    assert rules(rails(listing("A", src=source(user="Admin")), history=first)) == []
    found = rails(listing("A", src=source(user="Vandal")), history=first)
    assert rules(found) == ["editor"] and "last edited by Vandal" in found[0].message
    hidden = rails(listing("A", src=source(user=None)), history=first)
    assert rules(hidden) == ["editor"] and "(hidden)" in hidden[0].message


def test_a_null_revision_after_the_applied_one_is_no_change_but_a_revision_with_hidden_text_is() -> None:
    null = Revision(21, 20, "Vandal", "t", "aaa")  # same sha1 as the applied revision: protection or move
    hidden_text = Revision(22, 21, "Vandal", "t", None)
    assert ListHistory(20, "aaa", (null,)).changed() == []
    assert ListHistory(20, "aaa", (null, hidden_text)).changed() == [hidden_text]
    assert ListHistory(20, None, (null,)).changed() == [null]  # the applied revision's hash unknown: a change
    after_hidden = Revision(23, 22, "Vandal", "t", "ccc")
    assert ListHistory(20, "aaa", (hidden_text, after_hidden)).changed() == [hidden_text, after_hidden]
    history = ListHistory(20, "aaa", (null, Revision(22, 21, "Admin", "t", "bbb"), Revision(23, 22, None, "t", "c")),
                          frozenset({"Admin"}))
    assert [r.revid for r in history.untrusted()] == [23]


def test_an_untrusted_edit_is_named_with_what_it_added_that_is_still_listed() -> None:
    history = ListHistory(20, "aaa", (Revision(21, 20, "Vandal", "2026-03-05T01:00:00Z", "bbb"),),
                          frozenset({"Admin"}), {21: ("Gone", "Still")})
    found = rails(listing("Old", "Still"), history=history, last_applied=["Old"])
    assert rules(found) == ["editor"]
    assert "revision 21 (2026-03-05T01:00:00Z) by Vandal" in found[0].message
    assert "added Still" in found[0].message and "Gone" not in found[0].message
    lifted = rails(listing("Old", "Still", lifted=("Still",)), history=history, last_applied=["Old"])
    assert lifted == []  # what it added is struck: nothing it added is active


def test_every_untrusted_edit_is_named() -> None:
    history = ListHistory(20, "aaa", (Revision(21, 20, "Vandal", "t", "bbb"), Revision(22, 21, "Sock", "t", "ccc")),
                          frozenset({"Admin"}), {21: ("A",), 22: ("B",)})
    found = rails(listing("A", "B"), history=history, last_applied=[])
    assert [("Vandal" in b.message, "Sock" in b.message) for b in found] == [(True, False), (False, True)]


def test_each_doubt_about_a_new_rows_origin_holds_the_run_back_by_name() -> None:
    history = ListHistory(20, "aaa", (Revision(22, 21, "Admin", "t", "ccc"),), frozenset({"Admin"}),
                          doubts={"Vandalised": "written by Vandal in revision 21", "Hidden": "its editor is hidden"})
    found = rails(listing("Trusted", "Vandalised", "Hidden"), history=history, last_applied=[],
                  cfg=SafetyConfig(max_new_entries=-1))
    assert rules(found) == ["editor", "editor"]
    assert "row of Hidden, new since the last applied revision: its editor is hidden" in found[0].message
    assert "row of Vandalised" in found[1].message and "written by Vandal in revision 21" in found[1].message


# --- the first run, new entries, actions -------------------------------------------------------------------------

def test_the_first_run_is_held_only_when_something_is_listed() -> None:
    first = ListHistory(None, trusted=frozenset({"Admin"}))
    found = trust_blockers(listing("A", "B"), plan_of(0), SafetyConfig(), history=first, last_applied=None)
    assert rules(found) == ["first-run"] and "all 2 active entries" in found[0].message
    assert found[0].lifted_by_review and found[0].overridable
    assert trust_blockers(listing(), plan_of(0), SafetyConfig(), history=first, last_applied=None) == []


@pytest.mark.parametrize("limit, new, held", [(0, 0, False), (0, 1, True), (2, 2, False), (2, 3, True),
                                              (-1, 50, False)])
def test_max_new_entries_is_the_most_new_entries_a_run_accepts(limit: int, new: int, held: bool) -> None:
    names = ["Old"] + [f"New{i}" for i in range(new)]
    found = rails(listing(*names), SafetyConfig(max_new_entries=limit), last_applied=["Old"])
    assert rules(found) == (["new-entries"] if held else [])
    if held:
        assert f"{new} new active entries" in found[0].message and f"max_new_entries = {limit}" in found[0].message
        assert found[0].overridable and not found[0].lifted_by_review


def test_entries_that_were_listed_before_or_are_lifted_are_not_new() -> None:
    cfg = SafetyConfig(max_new_entries=0)
    assert rails(listing("Old", "Struck", lifted=("Struck",)), cfg, last_applied=["Old"]) == []


@pytest.mark.parametrize("limit, actions, held", [(0, 0, False), (0, 1, True), (3, 3, False), (3, 4, True),
                                                  (-1, 1000, False)])
def test_max_actions_is_the_most_actions_a_plan_may_have(limit: int, actions: int, held: bool) -> None:
    found = rails(listing("A"), SafetyConfig(max_actions=limit), plan=plan_of(actions))
    assert rules(found) == (["actions"] if held else [])
    if held:
        assert f"{actions} actions" in found[0].message and f"max_actions = {limit}" in found[0].message


def test_the_rails_report_in_a_fixed_order() -> None:
    vandal = ListHistory(20, "aaa", (Revision(21, 20, "Vandal", "t", "bbb"),), frozenset({"Admin"}), {21: ("N",)})
    found = rails(listing("N", src=source(())), SafetyConfig(max_new_entries=0, max_actions=0), plan=plan_of(1),
                  history=vandal, last_applied=[])
    assert rules(found) == ["protection", "editor", "new-entries", "actions"]


def test_a_blocker_reports_its_rule_message_and_whether_force_overrides_it() -> None:
    blocker = Blocker(Rule.ACTIONS, "too many")
    assert blocker.overridable and not blocker.lifted_by_review
    assert blocker.data() == {"rule": "actions", "message": "too many", "overridable": True}
    assert [str(r) for r in Rule] == ["kill-switch", "protection", "editor", "first-run", "new-entries", "actions"]


# --- the kill switch ---------------------------------------------------------------------------------------------

def page(text: str | None = "run", user: str | None = "Admin", protection: tuple[Protection, ...] = protected("sysop"),
         ) -> SwitchPage:
    return SwitchPage("Project:Banbot/Run", text, 5, user, protection)


def test_an_unreadable_kill_switch_stops_the_run_even_when_the_page_read_before_says_run() -> None:
    found = kill_switch_blocker(SafetyConfig(), page(), trusted={"Admin"}, error="HTTP 503")
    assert found is not None and found.rule == Rule.KILL_SWITCH and not found.overridable
    assert "could not be read (HTTP 503)" in found.message and "nothing is written" in found.message
    assert kill_switch_blocker(SafetyConfig(), None, trusted={"Admin"}, error="timeout") is not None


def test_a_missing_kill_switch_stops_the_run_and_says_how_to_create_it() -> None:
    for missing in (None, page(None)):
        found = kill_switch_blocker(SafetyConfig(), missing, trusted={"Admin"})
        assert found is not None and not found.overridable and found.rule == Rule.KILL_SWITCH
        assert "does not exist" in found.message and "'run'" in found.message


def test_a_kill_switch_protected_below_the_required_level_stops_the_run() -> None:
    found = kill_switch_blocker(SafetyConfig(), page(protection=protected("templateeditor")), trusted={"Admin"})
    assert found is not None and "is not protected at sysop" in found.message and not found.overridable
    cfg = SafetyConfig(require_protection="templateeditor")
    assert kill_switch_blocker(cfg, page(protection=protected("templateeditor")), trusted={"Admin"}) is None
    assert kill_switch_blocker(cfg, page(protection=protected("extendedconfirmed")), trusted={"Admin"}) is not None
    unprotected_ok = SafetyConfig(require_protection="")
    assert kill_switch_blocker(unprotected_ok, page(protection=()), trusted={"Admin"}) is None


def test_with_no_trusted_groups_anyone_may_have_written_run() -> None:
    cfg = SafetyConfig(trusted_groups=())
    assert kill_switch_blocker(cfg, page(user="Vandal"), trusted=()) is None
    assert kill_switch_blocker(SafetyConfig(), page(user="Vandal"), trusted={"Admin"}) is not None


def test_the_word_counts_whatever_its_case_and_comments_but_nothing_else_does() -> None:
    trusted = {"Admin"}
    assert kill_switch_blocker(SafetyConfig(), page("  RUN <!-- checked -->\n"), trusted=trusted) is None
    assert kill_switch_blocker(SafetyConfig(kill_switch_word="Go"), page("go"), trusted=trusted) is None
    said = kill_switch_blocker(SafetyConfig(), page("running <!-- x -->"), trusted=trusted)
    assert said is not None and "says 'running', not 'run'" in said.message and not said.overridable
    assert kill_switch_blocker(SafetyConfig(), page(""), trusted=trusted) is not None
    assert switch_word("  Run <!-- a --> ") == "run"


def test_no_kill_switch_page_configured_means_no_kill_switch() -> None:
    assert kill_switch_blocker(SafetyConfig(kill_switch=""), None, error="anything") is None


def test_the_default_rails_hold_a_plain_change_back_nowhere() -> None:
    history = dataclasses.replace(SETTLED, revisions=(Revision(21, 20, "Admin", "t", "bbb"),), added={21: ("B",)})
    assert rails(listing("A", "B"), history=history, last_applied=["A"], plan=plan_of(100)) == []
    assert rules(rails(listing("A", "B"), history=history, last_applied=["A"], plan=plan_of(101))) == ["actions"]


def test_a_protection_without_a_level_is_no_protection() -> None:
    assert protection_level(protected("")) == 0


def test_a_null_revision_after_a_change_is_no_further_change() -> None:
    change = Revision(21, 20, "Admin", "t", "bbb")
    null = Revision(22, 21, "Vandal", "t", "bbb")  # protects the page: same text
    history = ListHistory(20, "aaa", (change, null), frozenset({"Admin"}))
    assert history.changed() == [change] and history.untrusted() == []


def test_an_untrusted_revision_says_whether_its_editor_is_untrusted_or_hidden_or_its_text_hidden() -> None:
    history = ListHistory(20, "aaa", (Revision(21, 20, "Vandal", "t", "bbb"), Revision(22, 21, None, "t", "ccc"),
                                      Revision(23, 22, "Admin", "t", None)), frozenset({"Admin"}),
                          {21: ("A",), 22: ("B",), 23: None})
    found = rails(listing("A", "B"), history=history, last_applied=[], cfg=SafetyConfig(max_new_entries=-1))
    assert [b.message.split(",", 1)[0] for b in found] == [
        "revision 21 (t) by Vandal", "revision 22 (t) whose editor is hidden (hidden editors are never trusted)",
        "revision 23 (t) by Admin"]
    assert "who is not in safety.trusted_groups (sysop, steward, staff), added A" in found[0].message
    assert "whose text is hidden" in found[2].message and "could not read" in found[2].message
