"""The planning rules at their edges: who gets a notice where, what a block replaces, which holds come first,
pinned down where mutation testing (scripts/mutation plan) found no test."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import Nobots
from banbot.plan import (
    NOTICE_MARKER,
    Block,
    Lock,
    Notify,
    PlanSettings,
    RemoveGlobalGroups,
    RemoveLocalGroups,
    Why,
    make_plan,
    notice_wikis,
    plan_account,
    protect_first,
)
from banbot.plan import registered_after as later
from banbot.state import AccountState, LocalAccount, TalkPage
from test_plan import SOURCE, account, bans, kinds, settings, talk

MARCH_5 = dt.date(2026, 3, 5)


def plan_one(state: AccountState, s: PlanSettings, since: dt.date | None = MARCH_5,
             source: ListSource = SOURCE) -> tuple[list[tuple[str, str]], list[tuple[Why, str | None]]]:
    actions, holds = plan_account(state, source, s, since)
    return [(a.kind, a.wiki) for a in actions], [(h.why, h.wiki) for h in holds]


# --- settings --------------------------------------------------------------------------------------------------

def test_blocks_follow_the_farm_unless_the_config_says() -> None:
    assert settings("plain").blocks and not settings("centralauth").blocks
    assert settings("centralauth", block=True).blocks and not settings("plain", block=False).blocks


def test_local_accounts_come_in_config_order_then_by_name() -> None:
    state = account("V", local=(LocalAccount("zzwiki"), LocalAccount("zhwiki"), LocalAccount("aawiki"),
                                LocalAccount("metawiki"), LocalAccount("enwiki")))
    assert [a.wiki for a in settings().local_in_order(state)] == ["metawiki", "enwiki", "zhwiki", "aawiki", "zzwiki"]


def test_exempt_users_are_matched_as_mediawiki_names_and_invalid_ones_ignored() -> None:
    s = settings(exempt_users=("marsh_wren", "Bad#Name"))
    assert s.exempt_names == frozenset({"Marsh wren"})
    _, holds = plan_one(account("Marsh wren"), s)
    assert holds == [(Why.EXEMPT, None)]


# --- holds before any action -----------------------------------------------------------------------------------

def test_an_account_the_central_wiki_rejects_is_held_as_invalid() -> None:
    state = AccountState("V", exists=False, problem="invalid", problem_info="bad name")
    actions, holds = plan_account(state, SOURCE, settings())
    assert actions == [] and holds[0].why == Why.INVALID and "(bad name)" in holds[0].reason


def test_an_account_this_key_cannot_see_is_held_as_not_visible_and_a_missing_one_as_missing() -> None:
    assert plan_one(AccountState("V", exists=False, problem="unseen"), settings()) == ([], [(Why.NOT_VISIBLE, None)])
    assert plan_one(AccountState("V", exists=False), settings()) == ([], [(Why.MISSING, None)])


def test_local_accounts_without_a_global_one_are_held_with_their_groups() -> None:
    state = account("V", local_only=True, local=(LocalAccount("zhwiki", ("sysop",)), LocalAccount("enwiki")))
    actions, holds = plan_account(state, SOURCE, settings())
    assert actions == [] and holds[0].why == Why.LOCAL_ONLY
    assert "zhwiki (sysop); enwiki (no groups)" in holds[0].reason


def test_the_bot_and_exempt_groups_hold_but_an_unattached_accounts_group_does_not_exempt() -> None:
    assert plan_one(account("BanBot"), settings())[1] == [(Why.OWN_ACCOUNT, None)]
    assert plan_one(account("V", global_groups=("staff",)), settings())[1] == [(Why.EXEMPT, None)]
    assert plan_one(account("V", local=(LocalAccount("enwiki", ("steward",)),)), settings())[1] == [(Why.EXEMPT, None)]
    unattached = account("V", local=(LocalAccount("enwiki", ("steward",), attached=False),), talk=())
    actions, holds = plan_one(unattached, settings())
    assert ("lock", "metawiki") in actions and holds == [(Why.UNATTACHED, "enwiki")]
    no_bot = dataclasses.replace(settings(), bot_name=None)
    assert ("lock", "metawiki") in plan_one(account("BanBot"), no_bot)[0]


@pytest.mark.parametrize("registered, since, result", [
    ("2026-03-06T00:00:00Z", MARCH_5, True), ("2026-03-05T23:59:59Z", MARCH_5, False),
    ("2026-03-04T00:00:00Z", MARCH_5, False), (None, MARCH_5, False), ("", MARCH_5, False),
    ("2030-01-01T00:00:00Z", None, False), ("not a date", MARCH_5, False)])
def test_registered_after_listing_means_a_later_day(registered: str | None, since: dt.date | None,
                                                     result: bool) -> None:
    assert later(registered, since) is result


def test_an_account_registered_after_listing_is_held_with_the_dates() -> None:
    actions, holds = plan_account(account("V", registered="2026-04-01T10:00:00Z"), SOURCE, settings(), MARCH_5)
    assert actions == [] and holds[0].why == Why.REGISTERED_AFTER_LISTING
    assert "registered 2026-04-01, after it was listed on 2026-03-05" in holds[0].reason
    plain = account("V", registered="2026-04-01T10:00:00Z", local=(LocalAccount("metawiki"),),
                    talk=(talk("metawiki", "V"),))
    assert plan_one(plain, settings("plain"))[0] == [("block", "metawiki"), ("notify", "metawiki")]


# --- actions ---------------------------------------------------------------------------------------------------

def test_a_lock_carries_the_statecheck_and_reasons_link_the_revision() -> None:
    s = settings(reason="{user}: {list_link} r{revid} {permalink} {nope}")
    actions, _ = plan_account(account("V", lock_check="abc"), SOURCE, s)
    assert actions[0] == Lock("V", "metawiki", "V: m:Global bans/List r42 Special:PermanentLink/42 {nope}",
                              statecheck="abc")


def test_a_list_without_a_revision_links_the_list_itself() -> None:
    s = settings(reason="{revid} {permalink}")
    source = ListSource("file", "bans.wiki")
    actions, _ = plan_account(account("V"), source, s)
    assert actions[0].reason == "file m:Global bans/List"


def test_global_and_local_groups_are_removed_as_configured() -> None:
    state = account("V", global_groups=("global-rollbacker", "ombuds"),
                    local=(LocalAccount("enwiki", ("sysop", "bot")),), talk=())
    actions, _ = plan_account(state, SOURCE, settings())
    assert actions[1] == RemoveGlobalGroups("V", "metawiki", actions[1].reason, groups=("global-rollbacker", "ombuds"))
    assert actions[2] == RemoveLocalGroups("V", "enwiki", actions[2].reason, groups=("bot", "sysop"), via_central=True)
    only_sysop, _ = plan_account(state, SOURCE, settings(remove_groups=("sysop",)))
    assert [(a.kind, getattr(a, "groups", ())) for a in only_sysop] == [("lock", ()), ("remove-local-groups",
                                                                                    ("sysop",))]
    plain, _ = plan_account(state, SOURCE, settings("plain"))
    assert [a for a in plain if isinstance(a, RemoveLocalGroups)][0].via_central is False


def test_an_unattached_account_without_groups_is_neither_held_nor_touched() -> None:
    state = account("V", local=(LocalAccount("enwiki", attached=False),), talk=())
    assert plan_one(state, settings("centralauth", block=True)) == ([("lock", "metawiki")], [])


@pytest.mark.parametrize("blocked, partial, expiry, needed", [
    (False, False, None, True), (True, False, None, False), (True, False, "infinite", False),
    (True, False, "infinity", False), (True, False, "indefinite", False), (True, False, "never", False),
    (True, False, "2026-04-01T00:00:00Z", True), (True, True, "infinity", True)])
def test_a_block_is_planned_unless_an_indefinite_sitewide_one_is_there(blocked: bool, partial: bool,
                                                                         expiry: str | None, needed: bool) -> None:
    state = account("V", locked=None, local=(LocalAccount("enwiki", blocked=blocked, block_partial=partial,
                                                          block_expiry=expiry),), talk=())
    actions, _ = plan_account(state, SOURCE, settings("plain", noemail=False))
    assert actions == ([Block("V", "enwiki", actions[0].reason, noemail=False, reblock=blocked)] if needed else [])


def test_no_block_on_an_unattached_account_or_an_opted_out_wiki() -> None:
    state = account("V", locked=None, local=(LocalAccount("enwiki", attached=False), LocalAccount("zhwiki"),
                                             LocalAccount("metawiki")), talk=())
    assert plan_one(state, settings("plain", no_block_wikis=("zhwiki",)))[0] == [("block", "metawiki")]


# --- notices ---------------------------------------------------------------------------------------------------

def test_no_notice_when_notices_are_off_or_the_account_is_missing_hidden_or_local_only() -> None:
    s = settings()
    assert notice_wikis(account("V"), s) == ["enwiki"]
    assert notice_wikis(account("V"), settings(notify=False)) == []
    assert notice_wikis(account("V", exists=False), s) == []
    assert notice_wikis(account("V", hidden=True), s) == []
    assert notice_wikis(account("V", local_only=True), s) == []


def test_on_centralauth_the_notice_goes_home_else_to_the_central_wiki_else_the_first_attached() -> None:
    s = settings()
    local = (LocalAccount("zhwiki"), LocalAccount("enwiki"), LocalAccount("metawiki", attached=False))
    assert notice_wikis(account("V", home="zhwiki", local=local), s) == ["zhwiki"]
    assert notice_wikis(account("V", home="elsewhere", local=local), s) == ["enwiki"]
    with_central = (LocalAccount("zhwiki"), LocalAccount("enwiki"), LocalAccount("metawiki"))
    assert notice_wikis(account("V", home="elsewhere", local=with_central), s) == ["metawiki"]
    assert notice_wikis(account("V", home="zhwiki", local=local), settings(no_notice_wikis=("zhwiki",))) == ["enwiki"]
    assert notice_wikis(account("V", home=None, local=(LocalAccount("enwiki", attached=False),)), s) == []


def test_on_a_plain_farm_every_wiki_gets_one_unless_told_to_use_one() -> None:
    state = account("V", locked=None, local=(LocalAccount("zhwiki"), LocalAccount("enwiki")))
    assert notice_wikis(state, settings("plain")) == ["enwiki", "zhwiki"]
    assert notice_wikis(state, settings("plain", notify_all_wikis=False)) == ["enwiki"]
    with_central = account("V", locked=None, local=(LocalAccount("zhwiki"), LocalAccount("metawiki")))
    assert notice_wikis(with_central, settings("plain", notify_all_wikis=False)) == ["metawiki"]


def test_a_hidden_unlocked_account_gets_a_hold_instead_of_a_notice() -> None:
    assert plan_one(account("V", hidden=True), settings())[1] == [(Why.HIDDEN, "enwiki")]
    assert plan_one(account("V", hidden=True, locked=True), settings())[1] == []
    assert plan_one(account("V", hidden=True), settings(notify=False))[1] == []
    plain = account("V", hidden=True, locked=None, local=(LocalAccount("enwiki"),), talk=())
    assert plan_one(plain, settings("plain"))[1] == []


def test_no_notice_where_the_account_was_registered_after_listing_or_no_talk_page_was_read() -> None:
    state = account("V", locked=None, local=(LocalAccount("enwiki", registered="2026-04-01T00:00:00Z"),
                                             LocalAccount("zhwiki")), talk=(talk("enwiki", "V"),))
    actions, holds = plan_one(state, settings("plain"))
    assert actions == [("block", "zhwiki")] and holds == [(Why.REGISTERED_AFTER_LISTING, "enwiki")]


def test_a_notice_is_written_in_the_wikis_language_with_banbots_marker() -> None:
    s = settings(notices={"en": "Hello {user}, see {permalink}", "zh": "你好 {user} {marker}"})
    page = talk("zhwiki", "V", text="old", timestamp="2026-03-01T00:00:00Z", read_at="2026-03-05T00:00:00Z")
    state = account("V", home="zhwiki", local=(LocalAccount("zhwiki"),), talk=(page,))
    note = [a for a in plan_account(state, SOURCE, s)[0] if isinstance(a, Notify)][0]
    assert note.text == f"你好 V {NOTICE_MARKER}" and note.wiki == "zhwiki" and note.title == "User talk:V"
    assert (note.base_revid, note.base_text, note.base_timestamp, note.start_timestamp) == (
        7, "old", "2026-03-01T00:00:00Z", "2026-03-05T00:00:00Z")
    english = plan_account(account("V"), SOURCE, s)[0][-1]
    assert isinstance(english, Notify)
    assert english.text == f"Hello V, see Special:PermanentLink/42 <!-- {NOTICE_MARKER} -->"


def test_a_notice_falls_back_to_the_pages_language_then_english() -> None:
    s = dataclasses.replace(settings(notices={"en": "en {marker}", "de": "de {marker}"}), langs={})
    de_page = account("V", talk=(talk("enwiki", "V", lang="de"),))
    assert plan_account(de_page, SOURCE, s)[0][-1].text == f"de {NOTICE_MARKER}"  # type: ignore[attr-defined]
    fr_page = account("V", talk=(talk("enwiki", "V", lang="fr"),))
    assert plan_account(fr_page, SOURCE, s)[0][-1].text == f"en {NOTICE_MARKER}"  # type: ignore[attr-defined]


def test_a_talk_page_that_does_not_exist_is_created() -> None:
    state = account("V", talk=(TalkPage("enwiki", "User talk:V", exists=False, text="stale"),))
    note = plan_account(state, SOURCE, settings())[0][-1]
    assert isinstance(note, Notify) and note.base_revid is None and note.base_text is None


@pytest.mark.parametrize("page, why", [
    (dict(redirect=True), Why.NOT_WIKITEXT), (dict(content_model="json"), Why.NOT_WIKITEXT),
    (dict(nobots=True), Why.OPTED_OUT), (dict(protection="sysop"), Why.PROTECTED),
    (dict(has_notice=True), Why.FOREIGN_MARKER), (dict(has_notice=True, redirect=True), Why.FOREIGN_MARKER),
    (dict(redirect=True, nobots=True), Why.NOT_WIKITEXT), (dict(nobots=True, protection="sysop"), Why.OPTED_OUT)])
def test_talk_pages_banbot_must_not_write_to_are_held_with_the_first_reason(page: dict[str, object],
                                                                           why: Why) -> None:
    assert plan_one(account("V", talk=(talk("enwiki", "V", **page),)), settings())[1] == [(why, "enwiki")]


def test_a_page_that_does_not_exist_is_no_redirect_and_has_no_content_model() -> None:
    ghost = TalkPage("enwiki", "User talk:V", exists=False, redirect=True, content_model="json")
    assert plan_one(account("V", local=(LocalAccount("enwiki"),), talk=(ghost,)), settings()) == (
        [("lock", "metawiki"), ("notify", "enwiki")], [])


def test_nobots_is_ignored_when_the_rule_says_so() -> None:
    state = account("V", talk=(talk("enwiki", "V", nobots=True),))
    assert plan_one(state, settings(nobots=Nobots.IGNORE))[0][-1] == ("notify", "enwiki")


def test_banbots_own_earlier_notice_or_one_it_was_posting_is_neither_held_nor_posted_again() -> None:
    state = account("V", local=(LocalAccount("enwiki"),), talk=(talk("enwiki", "V", has_notice=True),))
    for done in ({"completed": {"notify|V|enwiki": "2026-03-05"}}, {"pending": ["notify|V|enwiki"]}):
        plan = make_plan(bans("V"), {"V": state}, settings(), **done)  # type: ignore[arg-type]
        assert plan.holds == () and kinds(plan) == [("lock", "V", "metawiki")]


# --- the whole plan -------------------------------------------------------------------------------------------

def test_an_action_done_before_and_undone_since_is_held_with_when_it_was_done() -> None:
    plan = make_plan(bans("V"), {"V": account("V", talk=())}, settings(),
                     completed={"lock|V|metawiki": "2026-03-01T00:00:00Z"})
    assert kinds(plan) == [("remove-local-groups", "V", "enwiki")]
    assert plan.holds[0].why == Why.REVERSED and plan.holds[0].wiki == "metawiki"
    assert "done on 2026-03-01T00:00:00Z (journal)" in plan.holds[0].reason


def test_a_plan_names_every_account_it_considered_and_an_unobserved_one_is_missing() -> None:
    plan = make_plan(bans("A", "B", "C", lifted=("C",)), {"A": account("A")}, settings())
    assert plan.users == ("A", "B") and [(h.user, h.why) for h in plan.holds] == [("B", Why.MISSING)]
    only = make_plan(bans("A", "B"), {"A": account("A"), "B": account("B")}, settings(), only=["B"])
    assert only.users == ("B",) and {a.user for a in only.actions} == {"B"}
    assert make_plan(bans("A"), {"A": account("A")}, settings(), only=[]).users == ()


def test_locks_then_blocks_then_global_then_local_groups_then_notices() -> None:
    r = "r"
    mixed = [Notify("A", "w", r), RemoveLocalGroups("A", "w", r), RemoveGlobalGroups("A", "m", r), Block("B", "w", r),
             Lock("B", "m", r), Notify("B", "w", r), Lock("A", "m", r)]
    assert [(a.kind, a.user) for a in protect_first(mixed)] == [
        ("lock", "B"), ("lock", "A"), ("block", "B"), ("remove-global-groups", "A"), ("remove-local-groups", "A"),
        ("notify", "A"), ("notify", "B")]


def test_the_plan_comes_from_the_lists_revision() -> None:
    listing = BanList(SOURCE, None, (BanEntry("A", None, False, 1),), ())
    assert make_plan(listing, {}, settings()).source == SOURCE


def test_an_entry_whose_row_untrusted_editors_wrote_is_held_and_the_others_planned() -> None:
    plan = make_plan(bans("V", "W"), {"V": account("V"), "W": account("W")}, settings(),
                     doubts={"V": "written by Vandal in revision 21", "W": ""})
    assert {a.user for a in plan.actions} == {"W"} and plan.users == ("V", "W")
    assert [(h.user, h.why) for h in plan.holds] == [("V", Why.UNTRUSTED_ORIGIN)]
    assert "written by Vandal in revision 21" in plan.holds[0].reason


# --- which list asks ----------------------------------------------------------------------------------------

def test_every_action_names_the_list_that_requires_it_and_a_stewards_request_names_none() -> None:
    listed, _ = plan_account(account("V"), SOURCE, dataclasses.replace(settings(), source="foundation"), MARCH_5)
    assert listed and all(a.sources == ("foundation",) and a.data()["sources"] == ["foundation"] for a in listed)
    requested, _ = plan_account(account("V"), SOURCE, settings(), MARCH_5)
    assert requested and all(a.sources == () and "sources" not in a.data() for a in requested)
