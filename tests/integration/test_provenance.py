"""Attack tests: a row that causes no action today is still vetted, and a row is its first writer's, whoever
brings it back. Each plays the attack on the real farm through the real command line (an ordinary account
created through the API is the vandal or the sock; the admin uses the wiki's own protect, rollback, undo and
revision deletion), then asserts BOTH that the innocent is untouched AND that a legitimately listed account
is enforced, so a bot that does nothing fails every test."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import Watch, banbot
from integration.test_trust import AC, central, enforced, listed, make, row, rows, start, untouched, vandal_session

pytestmark = pytest.mark.integration

NOTICES_OFF = "[enforce]\nnotify = false\n"


def latest(farm: FarmHandle, page: str) -> int:
    data = farm.get("metawiki", action="query", prop="revisions", titles=page, rvprop="ids")
    return int(data["query"]["pages"][0]["revisions"][0]["revid"])


def held(out: Any, name: str) -> dict[str, Any]:
    found = [h for h in out.get("held", out.get("holds", [])) if h["user"] == name]
    assert found, out
    return dict(found[0])


def plan_hold(cfg: str, name: str) -> dict[str, Any]:
    """How a fresh preview holds ``name``."""
    code, out, err = banbot("plan", "--config", cfg, "--format", "json")
    assert code in (0, 1), err
    return held(out, name)


def enforced_ok(farm: FarmHandle, names: list[str], mode: str, notify: bool) -> None:
    if notify:
        for n in names:
            enforced(farm, n, mode=mode)
        return
    for n in names:  # no notices: the lock or blocks and the groups
        for db in ("metawiki", "enwiki"):
            assert farm.groups(db, n) == [], (n, db)
            if mode == "plain":
                assert farm.blocked(db, n), (n, db)
        if mode == "centralauth":
            assert farm.global_info(n).get("locked") is True, n


# --- 1. a name nobody has registered yet ------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_vandals_row_for_an_unregistered_name_never_locks_whoever_registers_it(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    future, legit, legit2 = f"{uniq} Future", f"{uniq} Legit", f"{uniq} Legit Two"
    make(farm, [legit, legit2], ["rollbacker"])
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    cfg, page = start(farm, configure, uniq, mode, AC)
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")  # protection lowered (or expired)
    farm.edit_as(session, "metawiki", page, listed([legit, future]))

    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3, err  # nothing to do for Future today, but the revision is not vetted: never the baseline
    assert f"by {vandal}, who is not in safety.trusted_groups" in err and f"added {future}" in err, err

    farm.protect("metawiki", page, level="sysop")  # the admin restores protection...
    farm.edit("metawiki", page, listed([legit, future, legit2]))  # ...and adds an unrelated, legitimate entry
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3 and f"by {vandal}" in err, err

    # the operator reviews and forces the run: the listed accounts are enforced, Future is held for its row
    code, out, err = banbot("apply", "--config", cfg, "--yes", "--force", "--format", "json")
    assert code == 0, err
    enforced(farm, legit, mode=mode)
    enforced(farm, legit2, mode=mode)

    make(farm, [future], ["sysop"])  # an innocent person registers the name
    if mode == "centralauth":
        central(farm, {future: {}})
    legit3 = make(farm, [f"{uniq} Legit Three"], ["rollbacker"])[0]
    farm.edit("metawiki", page, listed([legit, future, legit2, legit3]))  # a later, unrelated trusted edit
    for verify in ([], ["--verify"]):
        code, out, err = banbot("run", "--config", cfg, "--format", "json", *verify)
        assert code == 0, err
        h = held(out, future)
        assert h["code"] == "untrusted-origin" and vandal in h["reason"], h
    untouched(farm, future, ["sysop"], mode=mode)
    enforced(farm, legit3, mode=mode)


# --- 2. a rollback that resurrects a vandal's row -----------------------------------------------------------

@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_rollback_that_resurrects_a_socks_row_does_not_lock_the_innocent(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    innocent, legit = f"{uniq} Innocent", f"{uniq} Legit"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    sock_a, sock_b = vandal_session(farm, f"{uniq} Sock A"), vandal_session(farm, f"{uniq} Sock B")
    cfg, page = start(farm, configure, uniq, mode, AC)
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(sock_a, "metawiki", page, listed([legit, innocent]))
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3 and f"added {innocent}" in err, err

    farm.edit_as(sock_b, "metawiki", page, listed([legit]))  # sock B removes the row: the list is clean again
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    enforced(farm, legit, mode=mode)

    r = farm.post("metawiki", token="rollback", action="rollback", title=page, user=f"{uniq} Sock B",
                  summary="rv removal from the ban list")
    assert "rollback" in r, r
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3, err
    assert f"row of {innocent}" in err and f"{uniq} Sock A" in err, err
    code, out, err = banbot("apply", "--config", cfg, "--yes", "--force", "--format", "json")
    assert code == 0, err
    assert plan_hold(cfg, innocent)["code"] == "untrusted-origin"
    untouched(farm, innocent, ["sysop"], mode=mode)
    enforced(farm, legit, mode=mode)


# --- 4. a trusted undo of a revert ---------------------------------------------------------------------------

def test_a_trusted_undo_of_a_revert_does_not_vouch_for_the_vandals_row(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    innocent, legit = f"{uniq} Innocent", f"{uniq} Legit"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    session = vandal_session(farm, f"{uniq} Vandal")
    cfg, page = start(farm, configure, uniq, "plain", AC)
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, innocent]))
    revert = farm.edit("metawiki", page, listed([legit]), summary="rv vandalism")
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    enforced(farm, legit)

    r = farm.post("metawiki", action="edit", title=page, undo=revert, summary="undo")  # restores the row verbatim
    assert r.get("edit", {}).get("result") == "Success", r
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3 and f"row of {innocent}" in err and f"{uniq} Vandal" in err, err
    untouched(farm, innocent, ["sysop"])

    # the admin checks the entry and writes the row themselves: now it is theirs
    farm.edit("metawiki", page, rows(row(legit), f"{row(innocent)} (checked)"))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    enforced(farm, innocent)


# --- time bombs: an exempt account, and an account a human blocked ------------------------------------------

def _vandal_lists_with_nothing_to_do(farm: FarmHandle, configure: Callable[..., Path], uniq: str, target: str,
                                     notify: bool) -> str:
    """A vandal lists ``target``, which needs no action today; the run is held all the same, and an operator's
    forced apply enforces the legitimate entry. Returns the config."""
    legit = f"{uniq} Legit"
    make(farm, [legit], ["rollbacker"])
    session = vandal_session(farm, f"{uniq} Vandal")
    cfg, page = start(farm, configure, uniq, "plain", AC + ("" if notify else NOTICES_OFF))
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, target]))
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3 and f"added {target}" in err, err
    code, out, err = banbot("apply", "--config", cfg, "--yes", "--force", "--format", "json")
    assert code == 0, err
    enforced_ok(farm, [legit], "plain", notify)
    return cfg


def _still_held(cfg: str, name: str) -> None:
    """The quiet run, and a full pass that re-reads every account: the vandal's row stays held."""
    for verify in ([], ["--verify"]):
        code, out, err = banbot("run", "--config", cfg, "--format", "json", *verify)
        assert code == 0, err
    assert held(out, name)["code"] == "untrusted-origin"


@pytest.mark.parametrize("notify", [True, False], ids=["notices", "no-notices"])
def test_a_vandals_row_for_an_exempt_account_stays_held_when_it_loses_the_exemption(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, notify: bool) -> None:
    staffer = f"{uniq} Staffer"
    make(farm, [staffer], ["staff"])
    cfg = _vandal_lists_with_nothing_to_do(farm, configure, uniq, staffer, notify)
    make(farm, [staffer], [])  # later it leaves the exempt group
    _still_held(cfg, staffer)
    untouched(farm, staffer, [])


@pytest.mark.parametrize("notify", [True, False], ids=["notices", "no-notices"])
def test_a_vandals_row_for_an_account_a_human_blocked_is_not_reblocked_when_the_human_unblocks(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, notify: bool) -> None:
    blocked = f"{uniq} Blocked"
    make(farm, [blocked])
    for db in ("metawiki", "enwiki"):
        r = farm.post(db, action="block", user=blocked, expiry="infinite", reason="a human's block")
        assert "block" in r, r
    cfg = _vandal_lists_with_nothing_to_do(farm, configure, uniq, blocked, notify)
    for db in ("metawiki", "enwiki"):  # the human lifts the block
        r = farm.post(db, action="unblock", user=blocked, reason="appeal granted")
        assert "unblock" in r, r
    _still_held(cfg, blocked)
    untouched(farm, blocked, [])


# --- hidden editors and texts fail closed ---------------------------------------------------------------------

@pytest.mark.parametrize("hide", ["user", "content"])
def test_a_revision_whose_editor_or_text_is_hidden_is_never_trusted(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, hide: str) -> None:
    innocent, legit = f"{uniq} Innocent", f"{uniq} Legit"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    session = vandal_session(farm, f"{uniq} Vandal")
    cfg, page = start(farm, configure, uniq, "plain", AC)
    farm.edit("metawiki", page, listed([legit]))  # an admin lists a real ban
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, innocent]))
    bad = latest(farm, page)
    farm.edit("metawiki", page, listed([legit, innocent]) + "\n<!-- tidied -->")  # an admin edits on top
    r = farm.post("metawiki", action="revisiondelete", type="revision", target=page, ids=str(bad), hide=hide,
                  reason="hidden")
    assert r.get("revisiondelete", {}).get("status") == "Success", r
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3, err
    assert ("editor is hidden" if hide == "user" else "text is hidden") in err, err
    code, out, err = banbot("apply", "--config", cfg, "--yes", "--force", "--format", "json")
    assert code == 0, err
    assert plan_hold(cfg, innocent)["code"] == "untrusted-origin"
    untouched(farm, innocent, ["sysop"])
    enforced(farm, legit)


# --- 3. watch vets every revision since the baseline ---------------------------------------------------------

def test_watch_never_takes_a_flooded_lists_vandal_revision_as_its_baseline(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    future, legit = f"{uniq} Future", f"{uniq} Legit"
    make(farm, [legit], ["rollbacker"])
    session = vandal_session(farm, f"{uniq} Vandal")
    cfg, page = start(farm, configure, uniq, "plain", AC)
    farm.protect("metawiki", page, level="autoconfirmed")  # semi-protected
    watch = Watch(cfg, "--poll", "1")
    try:
        watch.passed()  # the first pass, at the start: nothing listed yet
        farm.edit_as(session, "metawiki", page, listed([future]))
        for i in range(3):  # a flood: a pass runs between the vandal's edits (each waited for, not guessed)
            watch.passed(latest(farm, page))
            farm.edit_as(session, "metawiki", page, listed([future]) + f"\n<!-- {i} -->")
        watch.passed(latest(farm, page))
        admin = farm.edit("metawiki", page, listed([future, legit]))  # an admin lists a real ban on top of it
        # the pass over the admin's revision is over (its summary line): the whole list is held while the vandal's
        # row stands (before, a 30 s wait that always ran to its end stood for that pass)
        watch.passed(admin)
        assert not farm.blocked("metawiki", legit)
        farm.edit("metawiki", page, listed([legit]))  # the admin removes the vandal's row
        deadline = time.monotonic() + 30
        while "banbot:global-ban-notice" not in (farm.text("enwiki", f"User talk:{legit}") or "") \
                and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        out = watch.stop()
    assert "not in safety.trusted_groups" in out, out
    enforced(farm, legit)


# --- a new revision reads what changed ------------------------------------------------------------------------

def test_a_new_revision_reads_only_the_entries_it_added_and_still_vets_every_row(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    """After a full pass left everything settled, a revision that adds one entry reads that one account (and
    the rails and provenance of every row); a verification reads them all again."""
    names = make(farm, [f"{uniq} Old {i}" for i in range(3)], ["rollbacker"])
    new = make(farm, [f"{uniq} New"], ["rollbacker"])[0]
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, listed(names))
    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0 and "observe: 3 accounts" in err, err
    farm.edit("metawiki", page, listed([*names, new]))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0 and "observe: 1 accounts" in err, err
    enforced(farm, new)
    code, out, err = banbot("run", "--config", cfg)  # the new revision is settled: one request
    assert code == 0 and "unchanged since the full pass" in out, (out, err)
    code, _, err = banbot("run", "--config", cfg, "--format", "json", "--verify")
    assert code == 0 and "observe: 4 accounts" in err, err
