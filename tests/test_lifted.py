"""`banbot lifted` is state-based: an account banbot sanctioned that is no longer listed stays in view until a
human lifts the sanction on the wiki or dismisses it; banbot never lifts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from banbot.banlist import ListSource, parse
from banbot.journal import Dismissal, Journal, Sanction
from banbot.review import lifted_rows
from banbot.state import AccountState, LocalAccount
from test_commands import FakeFarm, banbot, cfg, fake, first_run  # noqa: F401  (fixtures)

SRC = ListSource("wiki", "metawiki", "L", 7)


OTHER = "* [[User:Other]], since 5 March 2026"


def blocked(name: str, wiki: str = "enwiki", groups: tuple[str, ...] = ()) -> AccountState:
    return AccountState(name, exists=True, local=(LocalAccount(wiki, groups=groups, blocked=True),))


def rows(sanctions: list[Sanction], text: str, states: dict[str, AccountState],
         dismissed: dict[str, Dismissal] | None = None) -> list[dict[str, object]]:
    return lifted_rows(sanctions, parse(text or OTHER, source=SRC), states, dismissed or {})


BLOCK = Sanction("Gone", "enwiki", "block", (), "2026-03-05T00:00:00Z", "run")


def test_a_struck_entry_still_blocked_is_shown_with_how_it_left() -> None:
    got = rows([BLOCK], "* <s>[[User:Gone]]</s>, since 5 March 2026", {"Gone": blocked("Gone")})
    assert got == [{"user": "Gone", "change": "struck on line 1", "state": "blocked on enwiki",
                    "sanctioned": "2026-03-05T00:00:00Z"}]


def test_an_entry_removed_from_the_list_is_shown_as_no_longer_listed() -> None:
    got = rows([BLOCK], "* [[User:Other]], since 5 March 2026", {"Gone": blocked("Gone")})
    assert [r["change"] for r in got] == ["no longer on the list"]


def test_an_active_entry_is_never_shown() -> None:
    assert rows([BLOCK], "* [[User:Gone]], since 5 March 2026", {"Gone": blocked("Gone")}) == []


def test_a_block_a_human_lifted_is_no_longer_shown() -> None:
    unblocked = AccountState("Gone", exists=True, local=(LocalAccount("enwiki"),))
    assert rows([BLOCK], "", {"Gone": unblocked}) == []


def test_a_block_elsewhere_than_banbot_placed_it_does_not_count() -> None:
    assert rows([BLOCK], "", {"Gone": blocked("Gone", wiki="zhwiki")}) == []


def test_a_lock_is_shown_while_locked_and_gone_once_unlocked() -> None:
    lock = Sanction("Gone", "metawiki", "lock", (), "2026-03-05T00:00:00Z", "run")
    locked = AccountState("Gone", exists=True, locked=True)
    assert [r["state"] for r in rows([lock], "", {"Gone": locked})] == ["locked"]
    assert rows([lock], "", {"Gone": dataclasses.replace(locked, locked=False)}) == []


def test_an_account_this_key_cannot_see_stays_in_view() -> None:
    lock = Sanction("Hidden", "metawiki", "lock", (), "2026-03-05T00:00:00Z", "run")
    unseen = AccountState("Hidden", exists=False, problem="unseen")
    assert "not visible to this key" in rows([lock], "", {"Hidden": unseen})[0]["state"]


def test_groups_taken_alone_stay_in_view_until_they_are_given_back() -> None:
    groups = Sanction("Gone", "enwiki", "remove-local-groups", ("sysop",), "2026-03-05T00:00:00Z", "run")
    without = AccountState("Gone", exists=True, local=(LocalAccount("enwiki"),))
    assert [r["state"] for r in rows([groups], "", {"Gone": without})] == ["groups sysop removed on enwiki"]
    back = AccountState("Gone", exists=True, local=(LocalAccount("enwiki", groups=("sysop",)),))
    assert rows([groups], "", {"Gone": back}) == []


def test_a_dismissal_hides_the_account_until_banbot_sanctions_it_again() -> None:
    state = {"Gone": blocked("Gone")}
    assert rows([BLOCK], "", state, {"Gone": Dismissal("Gone", "Stew", "kept", "2026-03-06T00:00:00Z")}) == []
    again = dataclasses.replace(BLOCK, at="2026-03-07T00:00:00Z")
    assert rows([BLOCK, again], "", state, {"Gone": Dismissal("Gone", "Stew", "kept", "2026-03-06T00:00:00Z")})


def test_an_account_enforced_on_request_says_who_asked() -> None:
    req = dataclasses.replace(BLOCK, command="enforce", requested_by="Stew")
    assert rows([req], "", {"Gone": blocked("Gone")})[0]["change"] == "enforced on request by Stew, not on the list"


def test_the_journal_lists_confirmed_sanctions_and_keeps_dismissals(tmp_path: Path) -> None:
    from banbot.actions import Block, Notify
    from banbot.journal import Status

    j = Journal(tmp_path / "j.sqlite")
    run = j.start_run("run")
    for action, status in ((Block("A", "enwiki", "r"), Status.DONE), (Block("B", "enwiki", "r"), Status.FAILED),
                           (Notify("A", "enwiki", "r"), Status.DONE)):
        j.record(j.intend(run, action), status)
    assert [(s.user, s.kind, s.command) for s in j.sanctions()] == [("A", "block", "run")]
    j.dismiss("A", "Stew", "reviewed")
    assert j.dismissals()["A"].by == "Stew"
    j.close()


def test_each_source_reviews_only_the_sanctions_its_own_runs_placed(tmp_path: Path) -> None:
    from banbot.actions import Block, RemoveLocalGroups
    from banbot.journal import Status

    j = Journal(tmp_path / "j.sqlite")
    bans = j.start_run("run", location="metawiki", title="Bans")
    j.record(j.intend(bans, Block("A", "enwiki", "r")), Status.DONE)
    rights = j.start_run("run", location="metawiki", title="Rights removals")
    j.record(j.intend(rights, RemoveLocalGroups("B", "enwiki", "r", groups=("sysop",))), Status.DONE)
    assert [s.user for s in j.sanctions("metawiki", "Rights removals")] == ["B"]
    assert [s.user for s in j.sanctions("metawiki", "Bans")] == ["A"]
    assert [s.user for s in j.sanctions()] == ["A", "B"]
    j.close()


def test_lifted_without_a_journal_has_nothing_to_show_in_either_format(cfg: str,  # noqa: F811
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = banbot(capsys, "lifted", "--config", cfg, "--format", "json")
    assert code == 0 and out["lifted"] == [] and out["current_revid"] is None and out["exit_code"] == 0
    code, out, _ = banbot(capsys, "lifted", "--config", cfg, "--format", "table")
    assert code == 0 and "banbot has sanctioned nothing" in out


def test_lifted_keeps_a_struck_entry_after_runs_until_dismissed(fake: FakeFarm, cfg: str, tmp_path: Path,  # noqa: F811
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    first_run(capsys, cfg, tmp_path)
    fake.text = "* <s>[[User:Vandal One]]</s>, since 5 March 2026\n* [[User:Vandal Two]], since 5 March 2026"
    for _ in range(3):
        fake.revid += 1
        assert banbot(capsys, "run", "--config", cfg)[0] == 0
    code, lifted, _ = banbot(capsys, "lifted", "--config", cfg, "--format", "json")
    assert code == 1 and [r["user"] for r in lifted["lifted"]] == ["Vandal One"]
    code, _, err = banbot(capsys, "lifted", "--config", cfg, "--dismiss", "Vandal Two", "--reason", "x")
    assert code == 2 and "active entry" in err
    code, _, err = banbot(capsys, "lifted", "--config", cfg, "--dismiss", "Vandal One")
    assert code == 2 and "--reason" in err
    code, _, err = banbot(capsys, "lifted", "--config", cfg, "--dismiss", "vandal One", "--by", "Stew",
                          "--reason", "ban stays on this wiki")
    assert code == 0, err
    code, lifted, _ = banbot(capsys, "lifted", "--config", cfg, "--format", "json")
    assert code == 0 and lifted["lifted"] == []
    assert all(a.blocked for a in fake.states["Vandal One"].local)  # banbot lifted nothing
