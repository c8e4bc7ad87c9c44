"""A preview over several sources (plan.union): a write two lists require is shown once, naming both."""

from __future__ import annotations

from banbot.actions import Block, Lock, Plan, RemoveLocalGroups
from banbot.banlist import ListSource

A = ListSource("wiki", "metawiki", "Bans", 1)
B = ListSource("wiki", "metawiki", "Rights removals", 2)


def removal(groups: tuple[str, ...], source: str, wiki: str = "enwiki", user: str = "V") -> RemoveLocalGroups:
    return RemoveLocalGroups(user, wiki, "r", groups=groups, sources=(source,))


def test_the_same_write_is_shown_once_naming_both_lists() -> None:
    from banbot.plan import union

    first, second = union([Plan(A, (Lock("V", "metawiki", "r", sources=("a",)),), users=("V",)),
                           Plan(B, (Lock("V", "metawiki", "r", sources=("b",)),), users=("V",))])
    assert first.actions == (Lock("V", "metawiki", "r", sources=("a", "b")),) and second.actions == ()
    assert second.users == ("V",) and second.source == B


def test_a_removal_of_the_same_or_fewer_groups_is_covered_and_more_groups_is_not() -> None:
    from banbot.plan import union

    ban = Plan(A, (removal(("bureaucrat", "sysop"), "a"),))
    for groups in (("sysop",), ("bureaucrat", "sysop")):
        first, second = union([ban, Plan(B, (removal(groups, "b"),))])
        assert second.actions == () and first.actions[0].sources == ("a", "b"), groups
    wider = removal(("bureaucrat", "sysop", "interface-admin"), "b")
    first, second = union([ban, Plan(B, (wider,))])
    assert second.actions == (wider,) and first.actions[0].sources == ("a",)


def test_another_wiki_account_or_kind_is_not_covered() -> None:
    from banbot.plan import union

    ban = Plan(A, (removal(("sysop",), "a"), Block("V", "enwiki", "r", sources=("a",))))
    others = (removal(("sysop",), "b", wiki="zhwiki"), removal(("sysop",), "b", user="W"),
              Block("V", "zhwiki", "r", sources=("b",)))
    first, second = union([ban, Plan(B, others)])
    assert second.actions == others and [a.sources for a in first.actions] == [("a",), ("a",)]


def test_one_plan_and_no_overlap_are_returned_as_they_were() -> None:
    from banbot.plan import union

    only = Plan(A, (removal(("sysop",), "a"),), users=("V",))
    assert union([only]) == [only] and union([only])[0].digest == only.digest
    assert union([]) == []
