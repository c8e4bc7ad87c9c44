"""The seam: every sanction and every action kind is complete, so a missing part fails here, in CI, and never
mid-apply (after the journal recorded the intent); and the restriction plans exactly what its row names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import pkgutil
from typing import Any

import pytest

import banbot.sanctions as sanctions
from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import EnforceConfig, FarmMode, SanctionKind
from banbot.errors import WikiError
from banbot.holds import Why
from banbot.plan import PlanSettings, make_plan
from banbot.sanctions import ACTION_MODULES, ACTION_TYPES, SANCTION_MODULES, SANCTIONS, Action, Status
from banbot.sanctions.base import Port
from banbot.state import AccountState, LocalAccount, TalkPage

SOURCE = ListSource("wiki", "metawiki", "Office actions/Rights removals", 7, "2026-03-05T00:00:00Z", "Admin")
MARCH_5 = dt.date(2026, 3, 5)


def test_every_module_of_the_package_is_registered() -> None:
    found = {m.name for m in pkgutil.iter_modules(sanctions.__path__)} - {"base"}
    registered = {m.__name__.rsplit(".", 1)[1] for m in (*ACTION_MODULES, *SANCTION_MODULES)}
    assert found == registered


def test_every_sanction_of_the_config_has_a_planner() -> None:
    assert set(SANCTIONS) == set(SanctionKind)


def test_every_action_kind_has_a_planner_a_performer_a_label_and_an_order() -> None:
    planned = {t for s in SANCTIONS.values() for t in s.plans}
    assert planned == set(ACTION_TYPES.values()), "an action kind no sanction plans (or plans one not registered)"
    orders = []
    for kind, cls in ACTION_TYPES.items():
        assert cls.kind == kind and cls.label and isinstance(cls.order, int), kind
        assert cls.perform is not Action.perform, f"{kind} has no performer"
        assert cls.describe is not Action.describe, f"{kind} does not say how it is shown"
        if cls.lasting:
            assert cls.in_place is not Action.in_place, f"{kind} lasts but cannot say whether it is still in place"
        orders.append(cls.order)
    assert len(set(orders)) == len(orders)


def test_every_port_method_the_kinds_call_is_one_the_wiki_adapter_implements() -> None:
    from banbot.wiki.gateway import WikiGateway

    wanted = {n for n, _ in inspect.getmembers(Port, inspect.isfunction) if not n.startswith("_")}
    assert wanted <= {n for n, _ in inspect.getmembers(WikiGateway, inspect.isfunction)}


def test_the_same_write_from_two_lists_has_one_key_and_names_both_in_its_record() -> None:
    a = ACTION_TYPES["remove-local-groups"]("V", "enwiki", "r", groups=("sysop",), sources=("foundation",))
    b = dataclasses.replace(a, sources=("foundation", "rights-removals"))
    assert a.key == b.key and b.data()["sources"] == ["foundation", "rights-removals"]
    assert sanctions.action_from_data(b.data()) == b


# --- the restriction ------------------------------------------------------------------------------------

def settings(mode: FarmMode = FarmMode.CENTRALAUTH, **enforce: Any) -> PlanSettings:
    return PlanSettings(mode=mode, central="metawiki", wikis=("metawiki", "enwiki", "dewiki"),
                        langs={"metawiki": "en", "enwiki": "en", "dewiki": "de"},
                        enforce=dataclasses.replace(EnforceConfig(notify=False), **enforce),
                        list_link="m:Office actions/Rights removals", bot_name="BanBot",
                        sanction=SanctionKind.RESTRICT, source="rights-removals")


def restricted(name: str, groups: tuple[str, ...], wikis: tuple[str, ...] = ()) -> BanList:
    entry = BanEntry(name, MARCH_5, False, 3, f"| [[User:{name}]] || {', '.join(groups)} || {', '.join(wikis)} ||",
                     groups=groups, wikis=wikis)
    return BanList(SOURCE, None, (entry,), ())


def admin(name: str = "Admin R", **kw: Any) -> AccountState:
    base: dict[str, Any] = dict(
        exists=True, locked=False, home="enwiki", global_groups=("global-rollbacker",),
        local=(LocalAccount("enwiki", ("sysop", "bureaucrat")), LocalAccount("dewiki", ("sysop",)),
               LocalAccount("metawiki")),
        talk=(TalkPage("enwiki", f"User talk:{name}", exists=False),))
    base.update(kw)
    return AccountState(name, **base)


def kinds(plan: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(a.kind, a.wiki, getattr(a, "groups", ())) for a in plan.actions]


def test_a_restriction_removes_only_the_named_groups_on_the_named_wikis() -> None:
    plan = make_plan(restricted("Admin R", ("sysop",), ("enwiki",)), {"Admin R": admin()}, settings())
    assert kinds(plan) == [("remove-local-groups", "enwiki", ("sysop",))]
    assert plan.actions[0].sources == ("rights-removals",) and plan.actions[0].data()["via_central"] is True
    assert not any(a.protective for a in plan.actions) and plan.holds == ()


def test_a_restriction_without_wikis_applies_on_every_wiki_and_to_a_named_global_group() -> None:
    plan = make_plan(restricted("Admin R", ("sysop", "global-rollbacker")), {"Admin R": admin()}, settings())
    assert kinds(plan) == [("remove-global-groups", "metawiki", ("global-rollbacker",)),
                           ("remove-local-groups", "enwiki", ("sysop",)), ("remove-local-groups", "dewiki", ("sysop",))]


def test_a_restriction_never_locks_blocks_or_notifies_even_on_a_plain_farm_that_blocks() -> None:
    state = admin(locked=None, global_groups=(), talk=(TalkPage("enwiki", "User talk:Admin R", exists=False),))
    plan = make_plan(restricted("Admin R", ("bureaucrat",)), {"Admin R": state}, settings(FarmMode.PLAIN))
    assert kinds(plan) == [("remove-local-groups", "enwiki", ("bureaucrat",))]
    assert plan.actions[0].data()["via_central"] is False


def test_a_restriction_already_in_place_plans_nothing() -> None:
    state = admin(global_groups=(), local=(LocalAccount("enwiki", ("bureaucrat",)),))
    assert make_plan(restricted("Admin R", ("sysop",), ("enwiki",)), {"Admin R": state}, settings()).actions == ()


def test_a_restriction_with_notify_posts_one_notice_with_its_own_reason() -> None:
    s = settings(notify=True, reason="Rights removed: see [[{list_link}]]")
    plan = make_plan(restricted("Admin R", ("sysop",), ("enwiki",)), {"Admin R": admin()}, s)
    assert [a.kind for a in plan.actions] == ["remove-local-groups", "notify"]
    assert plan.actions[0].reason == "Rights removed: see [[m:Office actions/Rights removals]]"


@pytest.mark.parametrize(("state", "why"), [
    (admin(local=(LocalAccount("enwiki", ("sysop",), attached=False),), global_groups=()), Why.UNATTACHED),
    (admin(global_groups=("steward",)), Why.EXEMPT),
    (admin(registered="2026-04-01T00:00:00Z"), Why.REGISTERED_AFTER_LISTING),
    (AccountState("Admin R", exists=False), Why.MISSING),
])
def test_a_restriction_holds_what_every_sanction_holds(state: AccountState, why: Why) -> None:
    plan = make_plan(restricted("Admin R", ("sysop",)), {"Admin R": state}, settings())
    assert plan.actions == () and [h.why for h in plan.holds] == [why]


def test_a_restriction_naming_a_wiki_nobody_knows_is_held_for_a_human() -> None:
    plan = make_plan(restricted("Admin R", ("sysop",), ("enwik",)), {"Admin R": admin()}, settings())
    assert plan.actions == () and [(h.why, h.wiki) for h in plan.holds] == [(Why.UNKNOWN_WIKI, "enwik")]


# --- performing through the port ------------------------------------------------------------------------

class FakePort:
    """The port, in memory: what the wiki would answer. Records every call."""

    def __init__(self, state: AccountState, kept: tuple[str, ...] = ()) -> None:
        self.state, self.kept, self.calls = state, kept, list[str]()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)

    def lock(self, user: str, reason: str, statecheck: str | None) -> Status:
        self.calls.append(f"lock {statecheck}")
        if statecheck != "right":
            raise WikiError.from_code("editconflict", "statecheck failed")
        return Status.DONE

    def global_account(self, user: str) -> AccountState:
        self.calls.append("read")
        return self.state

    def remove_global_groups(self, user: str, groups: Any, reason: str) -> list[str]:
        self.calls.append(f"unglobal {','.join(groups)}")
        return [g for g in groups if g not in self.kept]

    def remove_local_groups(self, user: str, wiki: str, groups: Any, reason: str, via_central: bool) -> list[str]:
        self.calls.append(f"unlocal {wiki} {','.join(groups)} {via_central}")
        return [g for g in groups if g not in self.kept]


def test_a_lock_retries_the_other_hidden_level_and_nothing_else() -> None:
    hidden = AccountState("V", exists=True, locked=False, hidden=True, lock_checks=("wrong", "right"))
    port = FakePort(hidden)
    assert ACTION_TYPES["lock"]("V", "metawiki", "r", statecheck="wrong").perform(port) == Status.DONE
    assert port.calls == ["lock wrong", "read", "lock right"]
    visible = dataclasses.replace(hidden, hidden=False)
    with pytest.raises(WikiError):
        ACTION_TYPES["lock"]("V", "metawiki", "r", statecheck="wrong").perform(FakePort(visible))


def test_a_group_the_wiki_silently_kept_fails_the_action_instead_of_passing_as_done() -> None:
    state = AccountState("V", exists=True, global_groups=("sysop-global",), local=(LocalAccount("enwiki", ("sysop",)),))
    action = ACTION_TYPES["remove-global-groups"]("V", "metawiki", "r", groups=("sysop-global",))
    with pytest.raises(WikiError, match="kept sysop-global"):
        action.perform(FakePort(state, kept=("sysop-global",)))
    local = ACTION_TYPES["remove-local-groups"]("V", "enwiki", "r", groups=("sysop",), via_central=True)
    assert local.perform(FakePort(state)) == Status.DONE
    gone = dataclasses.replace(state, local=(LocalAccount("enwiki"),))
    assert local.perform(FakePort(gone, kept=("sysop",))) == Status.ALREADY


def test_a_preview_of_two_lists_shows_a_write_both_require_once_naming_both() -> None:
    from banbot.plan import union

    state = admin()
    ban = make_plan(BanList(SOURCE, None, (BanEntry("Admin R", MARCH_5, False, 1),), ()), {"Admin R": state},
                    dataclasses.replace(settings(), sanction=SanctionKind.BAN, source="foundation"))
    restrict = make_plan(restricted("Admin R", ("sysop",), ("enwiki",)), {"Admin R": state}, settings())
    first, second = union([ban, restrict])
    assert second.actions == () and second.users == ("Admin R",)
    local = [a for a in first.actions if a.kind == "remove-local-groups" and a.wiki == "enwiki"]
    assert [a.sources for a in local] == [("foundation", "rights-removals")]
    assert [a.sources for a in first.actions if a.kind == "lock"] == [("foundation",)]
    # a restriction the ban does not cover stays the restriction's own
    other = make_plan(restricted("Admin R", ("global-rollbacker",)), {"Admin R": admin(global_groups=("x",))},
                      settings())
    assert union([other, restrict])[1].actions == restrict.actions


def test_audit_says_a_restricted_account_is_restricted_and_finds_the_named_group_still_held() -> None:
    from banbot.review import audit_rows

    plan = make_plan(restricted("Admin R", ("sysop",), ("enwiki",)), {"Admin R": admin()}, settings())
    rows, out = audit_rows(["Admin R"], ["Admin R"], {"Admin R": admin()}, plan, "restricted")
    assert out == {"Admin R"} and {r["required"] for r in rows} == {"restricted"}
    assert [r["wiki"] for r in rows if not r["ok"]] == ["enwiki"]
