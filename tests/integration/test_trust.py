"""Attack tests: banbot cannot be tricked into acting on an account that is not listed.

Each test plays the attack as an attacker would, on the real farm, through the real command line: an
ordinary account (made like any registered user, no groups) is the vandal or the innocent namesake. Each
then reads the wikis directly and asserts BOTH that the innocent is untouched (no block, groups intact, no
notice, not locked) AND that a legitimately listed account on the same list IS enforced, so a bot that does
nothing fails every test.
"""

from __future__ import annotations

import calendar
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from devfarm.farm import UA, FarmHandle

from integration.conftest import LISTED, banbot, baseline

pytestmark = pytest.mark.integration

WIKIS = ("metawiki", "enwiki")
ALL = ("metawiki", "enwiki", "zhwiki")
N_MANY = 120
TOTAL = N_MANY * 3 * 3
MARK = "banbot:global-ban-notice"
VANDAL_PW = "Vandal-Pass-98765432"
AC = '[safety]\nrequire_protection = "autoconfirmed"\n'


# --- helpers ----------------------------------------------------------------------------------------------

def make(farm: FarmHandle, names: list[str], groups: list[str] | None = None,
         wikis: tuple[str, ...] = WIKIS) -> list[str]:
    for db in wikis:
        farm.make_users(db, [{"name": x, "groups": list(groups or [])} for x in names])
    return names


def central(farm: FarmHandle, accounts: dict[str, dict[str, Any]]) -> None:
    """Global state for accounts: the real CentralAuth when the farm runs it, else the stand-in."""
    if farm.real_ca:
        farm.set_global(accounts)
    else:
        farm.double("state", {"accounts": accounts})


def vandal_session(farm: FarmHandle, name: str) -> requests.Session:
    """An ordinary registered account (no groups; autoconfirmed by the farm's default thresholds)."""
    farm.make_users("metawiki", [{"name": name, "password": VANDAL_PW, "groups": []}])
    return farm.session_as("metawiki", name, VANDAL_PW)


def row(name: str, since: str = LISTED) -> str:
    return f"* [[User:{name}]], since {since}"


def rows(*lines: str) -> str:
    return "\n".join(["{{div col}}", *lines, "{{div col end}}"])


def listed(names: list[str]) -> str:
    return rows(*(row(x) for x in names))


def start(farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str = "plain",
          extra: str = "") -> tuple[str, str]:
    """The test's list page after an operator's baseline run (journal holds an applied revision)."""
    page = f"Bans/{uniq}"
    cfg = configure(mode, page, extra)
    baseline(farm, cfg, page)
    return str(cfg), page


def talk(farm: FarmHandle, db: str, name: str) -> str:
    return farm.text(db, f"User talk:{name}") or ""


def untouched(farm: FarmHandle, name: str, groups: list[str], wikis: tuple[str, ...] = WIKIS,
              mode: str = "plain") -> None:
    """No block, groups intact, no notice (no talk page at all), not locked."""
    for db in wikis:
        have, block = farm.account(db, name)  # groups and block from one read
        assert have == sorted(groups), (name, db, "groups")
        assert not block, (name, db, "blocked")
        assert farm.text(db, f"User talk:{name}") is None, (name, db, "talk page")
    if mode == "centralauth":
        info = farm.global_info(name)
        assert not info.get("locked"), (name, "locked")


def enforced(farm: FarmHandle, name: str, wikis: tuple[str, ...] = WIKIS, mode: str = "plain") -> None:
    """Plain: blocked indefinitely by BanBot on each wiki, no groups, one notice on each wiki. CentralAuth:
    locked, no local groups, one notice on the home wiki (banbot does not block on CentralAuth farms)."""
    for db in wikis:
        have, b = farm.account(db, name)  # groups and block from one read
        assert have == [], (name, db, "groups")
        if mode == "plain":
            assert b and b["blockedby"] == "BanBot" and b["blockexpiry"] == "infinite", (name, db, "block")
    if mode == "centralauth":
        assert farm.global_info(name).get("locked") is True, (name, "lock")
        assert talk(farm, "metawiki", name).count(MARK) == 1, (name, "notice")
    else:
        for db in wikis:
            assert talk(farm, db, name).count(MARK) == 1, (name, db, "notice")


def not_acted_on(report: Any, *names: str) -> None:
    """No action of a run's JSON report (or a plan) names any of ``names``."""
    acts = report.get("outcomes", report.get("actions", [])) if isinstance(report, dict) else []
    hit = [a for a in acts if a.get("user") in names]
    assert not hit, hit


def problems_of(cfg: str) -> list[dict[str, Any]]:
    code, out, err = banbot("bans", "--config", cfg, "--format", "json")
    assert code == 1, (code, err)  # problem rows: exit 1
    return list(out["problems"])


def journal_path(cfg: str) -> Path:
    return Path(cfg).with_name("journal.sqlite")


# --- 1. invisible characters ------------------------------------------------------------------------------

@pytest.mark.parametrize("mark", ["\u00ad", "\ufeff", "\u2060"], ids=["soft-hyphen", "bom", "word-joiner"])
def test_a_name_with_an_invisible_character_never_reaches_its_lookalike(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mark: str) -> None:
    innocent = f"{uniq} Target"
    twin = f"{uniq} Tar{mark}get"  # MediaWiki lets one register it; it looks exactly like the innocent
    legit = f"{uniq} Legit"
    make(farm, [innocent, twin], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    assert farm.users("metawiki", twin)[twin].get("userid"), "the farm refused the look-alike account"
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, listed([twin, legit]))

    problems = problems_of(cfg)
    assert len(problems) == 1 and "invisible" in problems[0]["reason"] and "imitate" in problems[0]["reason"], problems
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, innocent, twin)
    untouched(farm, innocent, ["sysop"])
    untouched(farm, twin, ["sysop"])
    enforced(farm, legit)


# --- 2. character references without their semicolon ------------------------------------------------------

def test_an_entity_without_its_semicolon_is_not_decoded(farm: FarmHandle, configure: Callable[..., Path],
                                                        uniq: str) -> None:
    innocent = f"{uniq} Tom&Jerry"
    innocent2 = f"{uniq} Tom&Jerry2"
    legit = f"{uniq} Legit"
    make(farm, [innocent, innocent2], ["sysop"])
    make(farm, [legit])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, rows(row(f"{uniq} Tom&ampJerry"), row(f"{uniq} Tom&#38Jerry2"), row(legit)))

    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, innocent, innocent2)
    # "Tom&ampJerry" is its own (missing) account; "Tom&#38Jerry2" keeps its "#": not a user name at all
    assert any(h["user"] == f"{uniq} Tom&ampJerry" and "no such account" in h["reason"] for h in out["held"])
    assert any("Tom&#38Jerry2" in p["text"] for p in problems_of(cfg))
    untouched(farm, innocent, ["sysop"])
    untouched(farm, innocent2, ["sysop"])
    enforced(farm, legit)


# --- 3. trust laundering ------------------------------------------------------------------------------------

def _laundered(farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str,
               admin_adds_a_row: bool) -> None:
    innocent = f"{uniq} Innocent"
    legit, legit2 = f"{uniq} Legit", f"{uniq} Legit Two"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit, legit2], ["rollbacker"])
    if mode == "centralauth":
        central(farm, {innocent: {"groups": ["global-rollbacker"]}})
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    cfg, page = start(farm, configure, uniq, mode, AC)
    farm.edit("metawiki", page, listed([legit]))  # the admin lists a real ban
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, innocent]))  # the vandal adds the innocent
    farm.protect("metawiki", page, level="sysop")  # the admin protects: a null revision in the admin's name
    if admin_adds_a_row:
        farm.edit("metawiki", page, listed([legit, innocent, legit2]))  # ...then an unrelated trusted edit

    code, _, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 3, err
    assert f"by {vandal}, who is not in safety.trusted_groups" in err and f"added {innocent}" in err, err
    code, _, err = banbot("apply", "--config", cfg, "--yes", "--format", "json")
    assert code == 3 and f"by {vandal}" in err, err
    groups = ["sysop"]
    untouched(farm, innocent, groups, mode=mode)
    # a held run writes nothing at all
    assert farm.groups("enwiki", legit) == ["rollbacker"] and talk(farm, "metawiki", legit) == ""
    assert not farm.blocked("metawiki", legit) and not farm.global_info(legit).get("locked")
    if mode == "centralauth":
        assert farm.global_info(innocent)["groups"] == ["global-rollbacker"]

    # the admin reverts the vandal's row: the legit entries go through, the innocent stays untouched
    farm.edit("metawiki", page, listed([legit, legit2] if admin_adds_a_row else [legit]))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, innocent)
    untouched(farm, innocent, groups, mode=mode)
    if mode == "centralauth":
        assert farm.global_info(innocent)["groups"] == ["global-rollbacker"]
    for x in ([legit, legit2] if admin_adds_a_row else [legit]):
        enforced(farm, x, mode=mode)


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_protection_null_revision_does_not_launder_a_vandals_row(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    _laundered(farm, configure, uniq, mode, admin_adds_a_row=False)


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_later_trusted_edit_does_not_launder_a_vandals_row(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    _laundered(farm, configure, uniq, mode, admin_adds_a_row=True)


# --- 4. the wrong table column ------------------------------------------------------------------------------

def test_the_reporting_user_column_is_never_the_account_column(farm: FarmHandle, configure: Callable[..., Path],
                                                                uniq: str) -> None:
    reporter = f"{uniq} Reporter"
    legit = f"{uniq} Legit"
    make(farm, [reporter], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, "\n".join([
        '{| class="wikitable"',
        "! Name !! Reporting user !! Date",
        "|-",
        f"| [[User:{legit}]] || [[User:{reporter}]] || {LISTED}",
        "|}"]))

    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, reporter)
    untouched(farm, reporter, ["sysop"])
    enforced(farm, legit)


# --- 5. any bullet ------------------------------------------------------------------------------------------

def test_a_bullet_outside_the_list_run_is_not_an_entry(farm: FarmHandle, configure: Callable[..., Path],
                                                       uniq: str) -> None:
    maintainer, helper = f"{uniq} Maintainer", f"{uniq} Helper"
    legit1, legit2 = f"{uniq} Legit One", f"{uniq} Legit Two"
    make(farm, [maintainer, helper], ["sysop"])
    make(farm, [legit1, legit2])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, "\n".join([
        "== Global bans ==",
        row(legit1),
        row(legit2),
        f"* ask [[User:{maintainer}]], who maintains it",
        "",
        "Questions?",
        f"* [[User:{helper}]] answers them, since {LISTED}",
    ]))

    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, maintainer, helper)
    untouched(farm, maintainer, ["sysop"])
    untouched(farm, helper, ["sysop"])
    enforced(farm, legit1)
    enforced(farm, legit2)
    problems = problems_of(cfg)
    assert any(maintainer in p["text"] for p in problems), problems


# --- 6. the kill switch -------------------------------------------------------------------------------------

def _switch(farm: FarmHandle, uniq: str, text: str, level: str = "sysop") -> str:
    switch = f"Project:Banbot/Run/{uniq}"
    farm.edit("metawiki", switch, text)
    farm.protect("metawiki", switch, level=level)
    return switch


def _anonymous_edit(farm: FarmHandle, db: str, title: str, text: str) -> None:
    s = requests.Session()
    s.headers["User-Agent"] = UA
    api = farm.api(db)
    tok = s.get(api, params={"action": "query", "meta": "tokens", "format": "json"}).json()
    r = s.post(api, data={"action": "edit", "title": title, "text": text, "format": "json",
                          "token": tok["query"]["tokens"]["csrftoken"]}).json()
    assert r.get("edit", {}).get("result") == "Success", r


def test_an_ip_or_an_ordinary_account_cannot_restart_a_stopped_bot(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    legit = f"{uniq} Legit"
    make(farm, [legit], ["rollbacker"])
    switch = _switch(farm, uniq, "run")  # running for the baseline...
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    cfg, page = start(farm, configure, uniq, extra=f'[safety]\nkill_switch = "{switch}"\n')
    farm.edit("metawiki", switch, "stop <!-- investigating -->")  # ...then an admin stops it
    farm.edit("metawiki", page, listed([legit]))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "says 'stop'" in err, err

    # an IP, on the unprotected switch
    farm.protect("metawiki", switch, level="all")
    _anonymous_edit(farm, "metawiki", switch, "run")
    for cmd in (["run"], ["apply", "--yes", "--force"]):
        code, _, err = banbot(*cmd, "--config", cfg)
        assert code == 3 and "is not protected" in err, (cmd, err)
    # an ordinary (autoconfirmed) account, on a switch protected at autoconfirmed
    farm.edit("metawiki", switch, "stop")
    farm.protect("metawiki", switch, level="autoconfirmed")
    farm.edit_as(session, "metawiki", switch, "run")
    cfg_ac = configure("plain", page, f'[safety]\nkill_switch = "{switch}"\nrequire_protection = "autoconfirmed"\n')
    for c in (cfg, str(cfg_ac)):
        for cmd in (["run"], ["apply", "--yes", "--force"]):
            code, _, err = banbot(*cmd, "--config", c)
            assert code == 3 and "[kill-switch]" in err, (cmd, err)
    code, _, err = banbot("run", "--config", str(cfg_ac))
    assert f"last edited by {vandal}, who is not in safety.trusted_groups" in err, err
    assert not farm.blocked("metawiki", legit) and not farm.blocked("enwiki", legit)
    assert farm.groups("enwiki", legit) == ["rollbacker"] and talk(farm, "metawiki", legit) == ""

    # the admin restarts it: re-saving the same word makes no revision, so the admin writes their own
    farm.edit("metawiki", switch, "run <!-- restarted after review -->")
    farm.protect("metawiki", switch, level="sysop")
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    enforced(farm, legit)


def test_protecting_a_vandalised_switch_does_not_launder_its_run(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    """A stopped bot; a vandal writes "run" on the switch; an admin protects the page (a null revision in
    the admin's name) without reading it: the switch still says what the vandal wrote."""
    legit = f"{uniq} Legit"
    make(farm, [legit], ["rollbacker"])
    switch = _switch(farm, uniq, "run")  # running for the baseline...
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    cfg, page = start(farm, configure, uniq, extra=f'[safety]\nkill_switch = "{switch}"\n')
    farm.edit("metawiki", switch, "stop <!-- investigating -->")  # ...then an admin stops it
    farm.protect("metawiki", switch, level="all")  # and its protection lapses
    farm.edit("metawiki", page, listed([legit]))
    farm.edit_as(session, "metawiki", switch, "run")
    farm.protect("metawiki", switch, level="sysop")
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "[kill-switch]" in err, (code, err)
    assert not farm.blocked("metawiki", legit) and farm.groups("enwiki", legit) == ["rollbacker"]

    farm.edit("metawiki", switch, "run <!-- checked -->")  # the admin writes "run" themselves
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    enforced(farm, legit)


def intended_and_finished(journal: Path) -> list[tuple[str, str]]:
    """When each write of the journal was intended and when it was done, in order."""
    db = sqlite3.connect(str(journal))
    try:
        return db.execute("SELECT intended, finished FROM actions WHERE finished IS NOT NULL AND status IN "
                          "('done', 'already', 'failed') ORDER BY id").fetchall()
    finally:
        db.close()


def _ts(text: str) -> float:
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


def test_a_stop_written_during_a_run_takes_effect_within_ten_seconds(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    # 120 accounts with a group on 3 wikis: 1080 writes, far longer than the 10 s a switch read is trusted for
    names = make(farm, [f"{uniq} Many{i:03d}" for i in range(N_MANY)], ["rollbacker"], ALL)
    switch = _switch(farm, uniq, "run")
    cfg, page = start(farm, configure, uniq, extra=(
        f'[safety]\nkill_switch = "{switch}"\nmax_actions = -1\nmax_new_entries = -1\n'))
    farm.edit("metawiki", page, listed(names))
    journal = journal_path(cfg)

    def writes() -> list[tuple[str, str]]:
        return intended_and_finished(journal)

    before = len(writes())
    proc = subprocess.Popen([sys.executable, "-m", "banbot", "run", "--config", cfg, "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(writes()) - before < 15:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run made no writes"
            time.sleep(0.1)
        r = farm.post("metawiki", action="edit", title=switch, text="stop <!-- emergency -->", summary="stop")
        assert r["edit"]["result"] == "Success", r
        stop_at = _ts(r["edit"]["newtimestamp"])
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 3, (out, err)
    done = writes()[before:]
    assert 15 <= len(done) < TOTAL, len(done)
    last = max(_ts(f) for _, f in done)  # (intended, finished) pairs
    lag = last - stop_at
    # the wiki's own record: the last block banbot made
    wiki_last = max(_ts(e["timestamp"]) for db in ALL for e in farm.get(
        db, action="query", list="logevents", leuser="BanBot", lelimit=1)["query"]["logevents"])
    print(f"\nkill switch: stop written at {stop_at:.0f}, last write {lag:.0f} s later (journal), last block "
          f"{wiki_last - stop_at:.0f} s later (wiki log); {len(done)} of {TOTAL} writes made")
    # the promise: the switch is read again once its reading is 10 s old, so the last write starts at most 10 s
    # after the stop; that write itself may take as long as the slowest write of this run on this machine (a loaded
    # 2-core machine makes single writes slow), and timestamps have 1 s resolution
    slowest = max(_ts(f) - _ts(s) for s, f in intended_and_finished(journal)[before:])
    assert lag <= 10 + slowest + 1, (lag, slowest)
    assert wiki_last - stop_at <= 10 + slowest + 1, (wiki_last - stop_at, slowest)
    blocked = sum(1 for x in names for db in ALL if farm.blocked(db, x))
    assert blocked > 0  # protective actions come first: the blocks may all be done before the stop, the rest not
    time.sleep(1)
    assert len(writes()) - before == len(done)  # and nothing after the process ended


# --- 7. a name taken after it was listed --------------------------------------------------------------------

def test_an_account_registered_after_its_listing_is_held(farm: FarmHandle, configure: Callable[..., Path],
                                                         uniq: str) -> None:
    late, legit = f"{uniq} Newcomer", f"{uniq} Legit"
    make(farm, [late], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, rows(row(late, "1 January 2020"), row(legit)))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    not_acted_on(out, late)
    assert any(h["user"] == late and "after it was listed" in h["reason"] for h in out["held"]), out["held"]
    untouched(farm, late, ["sysop"])
    enforced(farm, legit)


# --- 8. the journal never forgets ---------------------------------------------------------------------------

def test_a_lost_journal_is_refused_and_nothing_a_human_reversed_is_redone(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    pardoned, legit, later = f"{uniq} Pardoned", f"{uniq} Legit", f"{uniq} Later"
    make(farm, [pardoned, legit, later], ["rollbacker"])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, listed([pardoned, legit]))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    enforced(farm, pardoned)
    r = farm.post("enwiki", action="unblock", user=pardoned, reason="appeal accepted locally")
    assert "unblock" in r, r
    r = farm.post("enwiki", action="userrights", token="userrights", user=pardoned, add="rollbacker",
                  reason="restored")
    assert "userrights" in r, r
    talk_before = {db: farm.text(db, f"User talk:{pardoned}") for db in WIKIS}

    journal = journal_path(cfg)
    backup = journal.with_suffix(".bak")
    shutil.copy(journal, backup)
    journal.unlink()
    for cmd in (["run"], ["apply", "--yes"], ["apply", "--yes", "--force"]):
        code, _, err = banbot(*cmd, "--config", cfg)
        assert code == 2 and "--init-journal" in err, (cmd, code, err)
        assert not journal.exists(), cmd  # refused before creating one
    journal.touch()  # an empty file is no journal either
    code, _, err = banbot("run", "--config", cfg)
    assert code == 2 and "--init-journal" in err, err
    assert not farm.blocked("enwiki", pardoned) and farm.groups("enwiki", pardoned) == ["rollbacker"]

    os.replace(backup, journal)  # restored from the backup: the run goes on without redoing anything
    farm.edit("metawiki", page, listed([pardoned, legit, later]))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code in (0, 1), err
    not_acted_on(out, pardoned)
    assert not farm.blocked("enwiki", pardoned) and farm.groups("enwiki", pardoned) == ["rollbacker"]
    assert {db: farm.text(db, f"User talk:{pardoned}") for db in WIKIS} == talk_before
    enforced(farm, legit)
    enforced(farm, later)


# --- 9. talk pages with a foreign marker, redirects, other content models ------------------------------------

def test_a_talk_page_with_a_foreign_marker_or_a_redirect_gets_no_notice(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    marked, redirected, modelled = f"{uniq} Marked", f"{uniq} Redirected", f"{uniq} Modelled"
    innocent = f"{uniq} Innocent"
    make(farm, [marked, redirected, modelled], ["rollbacker"])
    make(farm, [innocent], ["sysop"])
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    forged = f"Old discussion.\n<!-- {MARK} -->\n"
    farm.edit_as(session, "metawiki", f"User talk:{marked}", forged)
    farm.edit_as(session, "metawiki", f"User talk:{redirected}", f"#REDIRECT [[User talk:{innocent}]]")
    tok = session.get(farm.api("metawiki"), params={"action": "query", "meta": "tokens", "format": "json"}).json()
    r = session.post(farm.api("metawiki"), data={
        "action": "edit", "title": f"User talk:{modelled}", "text": '{"a": 1}', "contentmodel": "json",
        "format": "json", "token": tok["query"]["tokens"]["csrftoken"]}).json()
    assert r.get("edit", {}).get("result") == "Success", r
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, listed([marked, redirected, modelled]))

    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    held = {(h["user"], h.get("wiki")): h["reason"] for h in out["held"]}
    assert "notice marker" in held[(marked, "metawiki")], held
    assert "redirect" in held[(redirected, "metawiki")], held
    assert "content model" in held[(modelled, "metawiki")], held
    assert farm.text("metawiki", f"User talk:{marked}") == forged.rstrip("\n")
    assert farm.text("metawiki", f"User talk:{redirected}") == f"#REDIRECT [[User talk:{innocent}]]"
    assert farm.text("metawiki", f"User talk:{modelled}").replace("\n", "").replace("\t", "") == '{"a": 1}'
    untouched(farm, innocent, ["sysop"])  # the redirect's target got nothing
    for x in (marked, redirected, modelled):  # the blocks are still done; enwiki's plain talk pages get notices
        for db in WIKIS:
            assert farm.groups(db, x) == [] and farm.blocked(db, x), (x, db)
        assert talk(farm, "enwiki", x).count(MARK) == 1
    notices = [o for o in out["outcomes"] if o["kind"] == "notify"]
    assert {(o["user"], o["wiki"]) for o in notices} == {(x, "enwiki") for x in (marked, redirected, modelled)}



# --- 3c. a vandal's row written outside the list, joined to it later by a trusted edit ----------------------

@pytest.mark.parametrize("applied_between", [False, True], ids=["joined", "applied-then-joined"])
def test_a_vandals_row_outside_the_list_is_not_laundered_when_an_admin_joins_it(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, applied_between: bool) -> None:
    """The vandal adds the innocent as a second run of bullets (a problem row, not an entry, in the vandal's
    own revision). The admin later adds a legit row and tidies away the blank line: the admin's diff never
    touches the innocent's row, yet it is now in the list's run."""
    innocent, legit, legit2 = f"{uniq} Innocent", f"{uniq} Legit", f"{uniq} Legit Two"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit, legit2], ["rollbacker"])
    session = vandal_session(farm, f"{uniq} Vandal")
    cfg, page = start(farm, configure, uniq, extra=AC)
    farm.edit("metawiki", page, row(legit))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, "\n".join([row(legit), "", row(innocent)]))
    if applied_between:  # a scheduled run happens meanwhile: the legit row is enforced
        code, _, err = banbot("run", "--config", cfg)
        assert code == 0, err
        untouched(farm, innocent, ["sysop"])
        enforced(farm, legit)
    farm.protect("metawiki", page, level="sysop")
    farm.edit("metawiki", page, "\n".join([row(legit), row(legit2), row(innocent)]))  # "+ legit2, - blank line"

    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    untouched(farm, innocent, ["sysop"])
    assert code == 3, (code, err)
    code, _, err = banbot("apply", "--config", cfg, "--yes")
    assert code == 3, (code, err)
    untouched(farm, innocent, ["sysop"])
    farm.edit("metawiki", page, "\n".join([row(legit), row(legit2)]))  # the admin removes the vandal's row
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    untouched(farm, innocent, ["sysop"])
    enforced(farm, legit)
    enforced(farm, legit2)


# --- 10. a piped link whose label names another account ---------------------------------------------------

def test_a_link_labelled_with_another_name_is_not_an_entry(farm: FarmHandle, configure: Callable[..., Path],
                                                          uniq: str) -> None:
    """Readers (and the admin reviewing the rendered list) see "<decoy>"; the link points at the innocent."""
    innocent, decoy, legit = f"{uniq} Innocent", f"{uniq} Decoy", f"{uniq} Legit"
    make(farm, [innocent, decoy], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    cfg, page = start(farm, configure, uniq)
    farm.edit("metawiki", page, rows(f"* [[User:{innocent}|{decoy}]], since {LISTED}", row(legit)))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    untouched(farm, innocent, ["sysop"])
    untouched(farm, decoy, ["sysop"])
    assert code == 0, err
    enforced(farm, legit)


# --- 11. CentralAuth: an unattached local namesake -----------------------------------------------------------

def test_an_unattached_local_namesake_keeps_its_groups(farm: FarmHandle, configure: Callable[..., Path],
                                                       uniq: str) -> None:
    """On a CentralAuth farm the listed global account is locked; someone else's unattached local account of
    the same name on zhwiki is neither de-sysopped nor notified."""
    listed_name = f"{uniq} Global"
    farm.make_users("metawiki", [{"name": listed_name, "groups": []}])
    farm.make_users("enwiki", [{"name": listed_name, "groups": ["rollbacker"]}])
    farm.make_users("zhwiki", [{"name": listed_name, "groups": ["sysop"]}])
    central(farm, {listed_name: {"groups": ["global-rollbacker"], "unattached": ["zhwiki"]}})
    cfg, page = start(farm, configure, uniq, "centralauth")
    farm.edit("metawiki", page, listed([listed_name]))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    assert farm.groups("zhwiki", listed_name) == ["sysop"] and not farm.blocked("zhwiki", listed_name)
    assert farm.text("zhwiki", f"User talk:{listed_name}") is None
    assert any(h["user"] == listed_name and h.get("wiki") == "zhwiki" and "unattached" in h["reason"]
               for h in out["held"]), out["held"]
    info = farm.global_info(listed_name)
    assert info.get("locked") is True and info["groups"] == []
    assert farm.groups("enwiki", listed_name) == [] and talk(farm, "metawiki", listed_name).count(MARK) == 1


# --- 3d. CentralAuth: an unattached local account bearing a steward's name ----------------------------------

def test_an_unattached_local_account_does_not_borrow_a_stewards_global_groups(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    """A global steward's name, held on the list's wiki by someone else's unattached local account (as after
    SUL clashes): its edit is not a steward's edit."""
    steward, innocent, legit = f"{uniq} Steward", f"{uniq} Innocent", f"{uniq} Legit"
    make(farm, [innocent], ["sysop"])
    make(farm, [legit], ["rollbacker"])
    farm.make_users("enwiki", [{"name": steward, "groups": []}])
    session = vandal_session(farm, steward)  # the look-alike local account on metawiki
    central(farm, {steward: {"groups": ["steward"], "home": "enwiki", "unattached": ["metawiki"]}})
    assert farm.global_info(steward)["groups"] == ["steward"]
    cfg, page = start(farm, configure, uniq, "centralauth", AC)
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, innocent]))

    code, _, err = banbot("run", "--config", cfg)
    untouched(farm, innocent, ["sysop"], mode="centralauth")
    assert code == 3 and f"by {steward}, who is not in safety.trusted_groups" in err, (code, err)
    farm.edit("metawiki", page, listed([legit]))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    untouched(farm, innocent, ["sysop"], mode="centralauth")
    enforced(farm, legit, mode="centralauth")


def test_an_unattached_local_account_cannot_restart_the_kill_switch_as_a_steward(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    steward, legit = f"{uniq} Steward", f"{uniq} Legit"
    make(farm, [legit], ["rollbacker"])
    farm.make_users("enwiki", [{"name": steward, "groups": []}])
    session = vandal_session(farm, steward)
    central(farm, {steward: {"groups": ["steward"], "home": "enwiki", "unattached": ["metawiki"]}})
    switch = _switch(farm, uniq, "run", level="autoconfirmed")  # running for the baseline...
    cfg, page = start(farm, configure, uniq, "centralauth", AC + f'kill_switch = "{switch}"\n')
    farm.edit("metawiki", switch, "stop <!-- investigating -->")  # ...then an admin stops it
    farm.edit("metawiki", page, listed([legit]))
    farm.edit_as(session, "metawiki", switch, "run")
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "[kill-switch]" in err, (code, err)
    assert not farm.global_info(legit).get("locked") and farm.groups("enwiki", legit) == ["rollbacker"]
    farm.edit("metawiki", switch, "run <!-- restarted after review -->")
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    enforced(farm, legit, mode="centralauth")
