"""The planner is pure: every test builds the observed state by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import EnforceConfig
from banbot.plan import (
    NOTICE_MARKER,
    Block,
    Lock,
    Notify,
    Plan,
    PlanSettings,
    RemoveGlobalGroups,
    RemoveLocalGroups,
    make_plan,
    opts_out,
    plan_from_json,
)
from banbot.state import AccountState, LocalAccount, TalkPage

SOURCE = ListSource("wiki", "metawiki", "Global bans/List", 42, "2026-03-05T00:00:00Z", "Admin")


def bans(*names: str, lifted: tuple[str, ...] = ()) -> BanList:
    entries = [BanEntry(n, dt.date(2026, 3, 5), n in lifted, i + 1) for i, n in enumerate(names)]
    return BanList(SOURCE, None, tuple(entries), ())


def settings(mode: str = "centralauth", **enforce: object) -> PlanSettings:
    return PlanSettings(mode=mode, central="metawiki", wikis=("metawiki", "enwiki", "zhwiki"),
                        langs={"metawiki": "en", "enwiki": "en", "zhwiki": "zh"},
                        enforce=dataclasses.replace(EnforceConfig(), **enforce), list_link="m:Global bans/List",
                        bot_name="BanBot")


def talk(wiki: str, name: str, **kw: object) -> TalkPage:
    return TalkPage(wiki, f"User talk:{name}", exists=True, revid=7, **kw)  # type: ignore[arg-type]


def account(name: str, **kw: object) -> AccountState:
    base = dict(exists=True, locked=False, home="enwiki",
                local=(LocalAccount("enwiki", ("sysop",)), LocalAccount("metawiki")),
                talk=(talk("enwiki", name),))
    base.update(kw)
    return AccountState(name, **base)  # type: ignore[arg-type]


def kinds(plan: Plan) -> list[tuple[str, str, str]]:
    return [(a.kind, a.user, a.wiki) for a in plan.actions]


def test_plan_locks_removes_groups_and_notifies_an_unenforced_account() -> None:
    plan = make_plan(bans("Vandal"), {"Vandal": account("Vandal", global_groups=("global-rollbacker",))}, settings())
    assert kinds(plan) == [("lock", "Vandal", "metawiki"), ("remove-global-groups", "Vandal", "metawiki"),
                           ("remove-local-groups", "Vandal", "enwiki"), ("notify", "Vandal", "enwiki")]
    assert plan.actions[2] == RemoveLocalGroups("Vandal", "enwiki", plan.actions[2].reason, groups=("sysop",),
                                                via_central=True)


def test_plan_skips_an_already_locked_account_with_nothing_left() -> None:
    state = account("Vandal", locked=True, local=(LocalAccount("enwiki"),), talk=(talk("enwiki", "Vandal",
                                                                                        has_notice=True),))
    assert make_plan(bans("Vandal"), {"Vandal": state}, settings()).actions == ()


def test_plain_farm_blocks_on_every_wiki_with_an_account() -> None:
    state = account("Vandal", locked=None, local=(LocalAccount("metawiki"), LocalAccount("zhwiki", ("rollbacker",))),
                    talk=(talk("metawiki", "Vandal"),))
    plan = make_plan(bans("Vandal"), {"Vandal": state}, settings("plain"))
    assert kinds(plan) == [("block", "Vandal", "metawiki"), ("block", "Vandal", "zhwiki"),
                           ("remove-local-groups", "Vandal", "zhwiki"), ("notify", "Vandal", "metawiki")]
    assert not any(isinstance(a, Lock) for a in plan.actions)


def test_plain_farm_respects_per_wiki_block_opt_outs() -> None:
    state = account("Vandal", locked=None, local=(LocalAccount("metawiki"), LocalAccount("zhwiki")), talk=())
    plan = make_plan(bans("Vandal"), {"Vandal": state}, settings("plain", no_block_wikis=("zhwiki",), notify=False))
    assert kinds(plan) == [("block", "Vandal", "metawiki")]


def test_a_partial_or_temporary_block_is_replaced_by_an_indefinite_one() -> None:
    state = account("V", locked=None, local=(LocalAccount("metawiki", blocked=True, block_partial=True),
                                             LocalAccount("enwiki", blocked=True, block_expiry="2027-01-01T00:00:00Z"),
                                             LocalAccount("zhwiki", blocked=True, block_expiry="infinite")), talk=())
    plan = make_plan(bans("V"), {"V": state}, settings("plain", notify=False))
    assert [(a.wiki, a.reblock) for a in plan.actions if isinstance(a, Block)] == [("metawiki", True),
                                                                                  ("enwiki", True)]


def test_missing_accounts_are_reported_not_acted_on() -> None:
    plan = make_plan(bans("Ghost"), {"Ghost": AccountState("Ghost", exists=False)}, settings())
    assert plan.actions == () and "no such account" in plan.holds[0].reason


def test_lifted_entries_are_never_planned() -> None:
    plan = make_plan(bans("Vandal", lifted=("Vandal",)), {"Vandal": account("Vandal")}, settings())
    assert plan.actions == () and plan.users == ()


def test_the_bot_itself_is_exempt_whatever_the_list_says() -> None:
    plan = make_plan(bans("BanBot"), {"BanBot": account("BanBot")}, settings())
    assert plan.actions == () and "own account" in plan.holds[0].reason


def test_accounts_in_exempt_groups_or_named_exempt_are_held_for_a_human() -> None:
    steward = account("Stew", global_groups=("steward",))
    named = account("Named")
    plan = make_plan(bans("Stew", "Named"), {"Stew": steward, "Named": named}, settings(exempt_users=("named",)))
    assert plan.actions == ()
    assert [h.user for h in plan.holds] == ["Stew", "Named"]


def test_only_configured_groups_are_removed() -> None:
    state = account("V", local=(LocalAccount("enwiki", ("rollbacker", "sysop")),), talk=())
    plan = make_plan(bans("V"), {"V": state}, settings(remove_groups=("sysop",), notify=False))
    assert [a.groups for a in plan.actions if isinstance(a, RemoveLocalGroups)] == [("sysop",)]


def test_unattached_local_accounts_are_held_not_stripped() -> None:
    state = account("V", locked=True, local=(LocalAccount("zhwiki", ("sysop",), attached=False),), talk=())
    plan = make_plan(bans("V"), {"V": state}, settings(notify=False))
    assert plan.actions == () and plan.holds[0].wiki == "zhwiki"


def test_notice_goes_to_the_home_wiki_in_its_language_with_the_marker() -> None:
    state = account("V", home="zhwiki", local=(LocalAccount("zhwiki"),), talk=(talk("zhwiki", "V"),), locked=True)
    plan = make_plan(bans("V"), {"V": state}, settings())
    (notice,) = plan.actions
    assert isinstance(notice, Notify) and notice.wiki == "zhwiki"
    assert "全域禁制" in notice.text and NOTICE_MARKER in notice.text and "42" in notice.text
    assert notice.base_revid == 7


def test_a_notice_already_on_the_page_is_not_planned_again() -> None:
    state = account("V", locked=True, local=(LocalAccount("enwiki"),), talk=(talk("enwiki", "V", has_notice=True),))
    assert make_plan(bans("V"), {"V": state}, settings()).actions == ()


def test_nobots_talk_pages_are_held_when_the_rule_is_skip() -> None:
    state = account("V", locked=True, local=(LocalAccount("enwiki"),), talk=(talk("enwiki", "V", nobots=True),))
    plan = make_plan(bans("V"), {"V": state}, settings())
    assert plan.actions == () and "nobots" in plan.holds[0].reason
    plan = make_plan(bans("V"), {"V": state}, settings(nobots="ignore"))
    assert kinds(plan) == [("notify", "V", "enwiki")]


def test_protected_talk_pages_are_held() -> None:
    state = account("V", locked=True, local=(LocalAccount("enwiki"),), talk=(talk("enwiki", "V", protection="sysop"),))
    assert "protected" in make_plan(bans("V"), {"V": state}, settings()).holds[0].reason


def test_the_nobots_rule() -> None:
    assert opts_out("{{nobots}}", "BanBot")
    assert opts_out("{{bots|deny=all}}", "BanBot")
    assert opts_out("{{bots|deny=Other,BanBot}}", "BanBot")
    assert not opts_out("{{bots|deny=Other}}", "BanBot")
    assert not opts_out("{{bots|allow=all}}", "BanBot")
    assert not opts_out("I like {{nobots-example}}".replace("{{nobots-example}}", "robots"), "BanBot")


def test_actions_done_before_are_never_planned_again_but_held_for_review() -> None:
    first = make_plan(bans("V"), {"V": account("V")}, settings())
    done = {first.actions[0].key: "2026-03-05T00:00:00Z"}
    again = make_plan(bans("V"), {"V": account("V")}, settings(), completed=done)
    assert first.actions[0] not in again.actions
    assert "a human may have reversed it" in again.holds[0].reason


def test_digest_is_stable_and_changes_with_actions_or_list_revision() -> None:
    a = make_plan(bans("V"), {"V": account("V")}, settings())
    b = make_plan(bans("V"), {"V": account("V")}, settings())
    assert a.digest == b.digest
    c = make_plan(bans("V"), {"V": account("V", locked=True)}, settings())
    assert c.digest != a.digest
    moved = BanList(dataclasses.replace(SOURCE, revid=43), None, bans("V").entries, ())
    assert make_plan(moved, {"V": account("V")}, settings()).digest != a.digest


def test_plan_json_round_trips_to_the_same_plan() -> None:
    plan = make_plan(bans("V", "W"), {"V": account("V", global_groups=("staff-x",)), "W": account("W")}, settings())
    again = plan_from_json(plan.to_json())
    assert again == plan and again.digest == plan.digest


def test_only_named_accounts_are_planned_when_asked() -> None:
    plan = make_plan(bans("V", "W"), {"V": account("V"), "W": account("W")}, settings(), only=["W"])
    assert {a.user for a in plan.actions} == {"W"} and plan.users == ("W",)


def test_every_action_has_a_one_line_description() -> None:
    plan = make_plan(bans("V"), {"V": account("V", global_groups=("g",))}, settings())
    for a in plan.actions:
        assert "\n" not in a.describe() and a.user in a.describe()
    assert isinstance(plan.actions[1], RemoveGlobalGroups)


def test_reasons_and_notices_link_the_exact_list_revision() -> None:
    plan = make_plan(bans("V"), {"V": account("V")}, settings())
    assert "[[Special:PermanentLink/42|revision 42]]" in plan.actions[0].reason
    notice = next(a for a in plan.actions if isinstance(a, Notify))
    assert "[[Special:PermanentLink/42|list revision 42]]" in notice.text


def test_protective_actions_come_first_for_every_account() -> None:
    """On a first run over a long list every account is locked before any group is removed or notice posted."""
    names = [f"V{i}" for i in range(5)]
    plan = make_plan(bans(*names), {n: account(n, global_groups=("global-rollbacker",)) for n in names}, settings())
    order = [a.kind for a in plan.actions]
    assert order[:5] == ["lock"] * 5 and [a.user for a in plan.actions[:5]] == names
    assert order.index("notify") > max(i for i, k in enumerate(order) if k != "notify")


def test_every_action_kind_carries_its_facts_and_round_trips_through_json() -> None:
    from banbot.actions import ACTION_TYPES, Scope, action_from_data

    samples = {Lock: Lock("V", "metawiki", "r", statecheck="abc"),
               RemoveGlobalGroups: RemoveGlobalGroups("V", "metawiki", "r", groups=("g",)),
               RemoveLocalGroups: RemoveLocalGroups("V", "enwiki", "r", groups=("sysop",), via_central=True),
               Block: Block("V", "enwiki", "r", noemail=False, reblock=True),
               Notify: Notify("V", "enwiki", "r", title="User talk:V", section_title="S", text="T", base_revid=7)}
    assert set(samples) == set(ACTION_TYPES.values())
    for cls, action in samples.items():
        assert cls.kind in ACTION_TYPES and cls.label and cls.scope in Scope and isinstance(cls.protective, bool)
        assert action_from_data(action.data()) == action and action_from_data(action.data()).data() == action.data()
        assert action.describe()


# --- hidden accounts: nothing published names them ------------------------------------------------------

def test_a_hidden_accounts_log_reasons_never_name_it() -> None:
    s = settings(reason="Global ban of {user}: see [[{list_link}]]")
    hidden = account("Secret Name", hidden=True, global_groups=("global-rollbacker",))
    plan = make_plan(bans("Secret Name", "Vandal"), {"Secret Name": hidden, "Vandal": account("Vandal")}, s)
    mine = [a for a in plan.actions if a.user == "Secret Name"]
    assert {a.kind for a in mine} == {"lock", "remove-global-groups", "remove-local-groups"}
    assert all(a.hidden and a.reason == "Global ban of this account: see [[m:Global bans/List]]" for a in mine)
    theirs = [a for a in plan.actions if a.user == "Vandal"]
    assert theirs and all(not a.hidden and "Global ban of Vandal" in a.reason for a in theirs)


def test_a_reason_that_spells_out_a_hidden_accounts_name_has_it_replaced() -> None:
    """A steward's `enforce --reason` may name the account; the log entry of a hidden one must not."""
    s = settings(reason="per the request about secret_name and Secret Name (not Secret Names)")
    plan = make_plan(bans("Secret Name"), {"Secret Name": account("Secret Name", hidden=True)}, s)
    assert {a.reason for a in plan.actions} == {
        "per the request about this account and this account (not Secret Names)"}


def test_every_hold_about_a_hidden_account_is_marked_and_round_trips() -> None:
    hidden = account("Secret Name", hidden=True, global_groups=("staff",))
    plan = make_plan(bans("Secret Name", "Locked Secret", "Ghost"),
                     {"Secret Name": hidden, "Locked Secret": account("Locked Secret", hidden=True)}, settings())
    held = {(h.user, h.why, h.hidden) for h in plan.holds}
    assert ("Secret Name", "exempt", True) in held and ("Locked Secret", "hidden", True) in held
    assert ("Ghost", "missing", False) in held
    again = plan_from_json(plan.to_json())
    assert again == plan and again.digest == plan.digest
    assert [a.data().get("hidden") for a in again.actions] == [True] * len(again.actions)


def test_an_account_that_is_not_hidden_keeps_the_json_form_it_had() -> None:
    plan = make_plan(bans("V"), {"V": account("V")}, settings())
    assert all("hidden" not in a.data() for a in plan.actions)
    assert all("hidden" not in h.data() for h in make_plan(bans("Ghost"), {}, settings()).holds)
