"""Several lists in one config (``[[sources]]``): a Foundation ban list and a table of rights removals.

Attacker-first, on the real farm, through the real command line. A ``restrict`` source removes only the groups
its row names, on the wikis its row names (an empty Wikis cell: every wiki), and nothing else: no lock, no
block, no notice. Each source is read, vetted and applied on its own, so a source held by a safety rail holds
no other, and the exit code is the worst of the sources'.

Every test reads the wikis directly and asserts both sides: what must not happen to an innocent or a
restricted account (no lock, no block, no notice, the other groups kept) and what must happen to a
legitimately listed account in the same config, so a bot that does nothing fails each test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from conftest import write_config
from integration.conftest import LISTED, banbot
from integration.test_trust import central, enforced, make, vandal_session

pytestmark = pytest.mark.integration

BAN, RESTRICT = "foundation", "rights-removals"
WIKIS = ("metawiki", "enwiki")  # where enforced() looks (test_trust's WIKIS)
ALL = ("metawiki", "enwiki", "zhwiki")
HEADER = "! User !! Groups !! Wikis !! Date"
AC = '[safety]\nrequire_protection = "autoconfirmed"\n'  # the restrictions page is open to autoconfirmed vandals
MODES = pytest.mark.parametrize("mode", ["plain", "centralauth"])


# --- helpers ----------------------------------------------------------------------------------------------

def sources_config(farm: FarmHandle, mode: str, tmp_path: Path, ban_page: str, restrict_page: str,
                   extra: str = "") -> str:
    """The farm's generated config with its ``[list]`` table replaced by two ``[[sources]]`` tables."""
    path = write_config(farm, mode, tmp_path, ban_page)
    kept, in_list = [], False
    for line in path.read_text().splitlines():
        if line.strip().startswith("["):
            in_list = line.strip() == "[list]"
        if not in_list:
            kept.append(line)
    sources = "\n".join([
        "[[sources]]", f'name = "{BAN}"', 'wiki = "metawiki"', f"page = {json.dumps(ban_page)}", 'sanction = "ban"',
        "",
        "[[sources]]", f'name = "{RESTRICT}"', 'wiki = "metawiki"', f"page = {json.dumps(restrict_page)}",
        'sanction = "restrict"', ""])
    text = "\n".join(kept) + "\n\n" + sources + "\n" + extra
    assert "[list]" not in text and f"page = {json.dumps(ban_page)}" in text
    path.write_text(text)
    return str(path)


def bans(*names: str) -> str:
    """A Foundation ban list (bullets, as today)."""
    return "\n".join(f"* [[User:{x}]], since {LISTED}" for x in names)


def restriction(name: str, groups: str, wikis: str = "", *, struck: bool = False, row_style: str = "",
                user_cell: str | None = None) -> str:
    """One row of the restrictions table: ``groups`` and ``wikis`` as written in their cells."""
    user = user_cell or f"[[User:{name}]]"
    if struck:
        user = f"<s>{user}</s>"
    attrs = f' style="{row_style}"' if row_style else ""
    return f"|-{attrs}\n| {user} || {groups} || {wikis} || {LISTED}"


def restrictions(*rows: str, header: str = HEADER) -> str:
    return "\n".join(['{| class="wikitable"', header, *rows, "|}"])


def setup(farm: FarmHandle, tmp_path: Path, uniq: str, mode: str, extra: str = "") -> tuple[str, str, str]:
    """Both list pages after an operator's baseline run: each page holds a struck placeholder and is
    protected, and one run with --init-journal records each source's first revision as applied (a first
    applied revision with active entries would be held for a human by the first-run rule)."""
    ban_page, restrict_page = f"Bans/{uniq}", f"Restrictions/{uniq}"
    cfg = sources_config(farm, mode, tmp_path, ban_page, restrict_page, extra)
    farm.edit("metawiki", ban_page, f"* <s>[[User:Baseline Placeholder]]</s>, since {LISTED}")
    farm.protect("metawiki", ban_page)
    farm.edit("metawiki", restrict_page, restrictions(restriction("Baseline Placeholder", "sysop", struck=True)))
    farm.protect("metawiki", restrict_page)
    code, _, err = banbot("run", "--config", cfg, "--init-journal")
    assert code == 0, (code, err)
    return cfg, ban_page, restrict_page


def users(farm: FarmHandle, spec: dict[str, dict[str, list[str]]]) -> None:
    """Accounts with explicit local groups per wiki ({name: {db: [groups]}}); the metawiki account is made
    first, so on a CentralAuth farm every account's global account is homed there and attached everywhere."""
    for db in ALL:
        rows = [{"name": name, "groups": per[db]} for name, per in spec.items() if db in per]
        if rows:
            farm.make_users(db, rows)


def restricted_only(farm: FarmHandle, name: str, groups: dict[str, list[str]], mode: str,
                    global_groups: list[str] | None = None) -> None:
    """Exactly these local groups left (per wiki), and nothing else done: no block, no notice, no lock."""
    for db, want in groups.items():
        have, block = farm.account(db, name)  # groups and block from one read
        assert have == sorted(want), (name, db, "groups")
        assert not block, (name, db, "blocked")
        assert farm.text(db, f"User talk:{name}") is None, (name, db, "talk page")
    if mode == "centralauth":
        info = farm.global_info(name)
        assert not info.get("locked"), (name, "locked")
        if global_groups is not None:
            assert sorted(info.get("groups", [])) == sorted(global_groups), (name, "global groups")


def bot_writes(farm: FarmHandle, uniq: str) -> tuple[int, int]:
    """BanBot's log entries (rights, blocks, locks, global rights) and talk page edits about this test's
    accounts, on every wiki."""
    logs = edits = 0
    for db in ALL:  # every account of a test is named "<uniq> …"; its global log titles are "User:<name>@global"
        logs += len(farm.get(db, action="query", list="logevents", leuser="BanBot", leprefix=f"User:{uniq} ",
                             lelimit=500)["query"]["logevents"])
        rows = farm.get(db, action="query", list="usercontribs", ucuser="BanBot", ucnamespace=3,
                        uclimit=500)["query"]["usercontribs"]  # newest first: this test's edits are among them
        edits += sum(1 for r in rows if r["title"].startswith(f"User talk:{uniq} "))
    return logs, edits


def named_sources(plan: dict[str, Any]) -> dict[str, set[str]]:
    """For each account in a several-source plan: the source names its actions carry. Each action of a source's
    plan document names that source among those that require it."""
    docs = plan["sources"]
    assert set(docs) == {BAN, RESTRICT}, sorted(docs)
    out: dict[str, set[str]] = {}
    for name, doc in docs.items():
        for action in doc["actions"]:
            assert name in action["sources"], (name, action)
            out.setdefault(action["user"], set()).update(action["sources"])
    return out


def held_or_fine(code: int, err: str, vandal: str) -> None:
    """A run whose restrictions page a vandal edited: the source may be held (3, naming the vandal) or the
    vandal's row alone may be left aside (0); never a crash or a failure."""
    assert code in (0, 3), (code, err)
    if code == 3:
        assert vandal in err, err


# --- 0. the config -------------------------------------------------------------------------------------------

def test_a_config_with_both_a_list_and_sources_is_refused(farm: FarmHandle, tmp_path: Path, uniq: str) -> None:
    ban_page, restrict_page = f"Bans/{uniq}", f"Restrictions/{uniq}"
    farm.edit("metawiki", ban_page, f"* <s>[[User:Baseline Placeholder]]</s>, since {LISTED}")
    farm.edit("metawiki", restrict_page, restrictions(restriction("Baseline Placeholder", "sysop", struck=True)))
    for page in (ban_page, restrict_page):
        farm.protect("metawiki", page)
    cfg = sources_config(farm, "plain", tmp_path, ban_page, restrict_page)
    code, _, err = banbot("plan", "--config", cfg, "--format", "json")
    assert code in (0, 1), (code, err)  # [[sources]] alone is a config banbot reads
    both = Path(cfg).with_name("both.toml")
    both.write_text(f'[list]\nwiki = "metawiki"\npage = {json.dumps(ban_page)}\n\n' + Path(cfg).read_text())
    for cmd in (("plan",), ("run", "--init-journal")):
        code, _, err = banbot(*cmd, "--config", str(both))
        assert code == 2, (cmd, code, err)  # a config error: nothing read, nothing written
    assert not Path(cfg).with_name("journal.sqlite").exists()


# --- 1. one config, two sources -------------------------------------------------------------------------------

@MODES
def test_a_restriction_removes_only_the_named_groups_on_the_named_wikis(
        farm: FarmHandle, tmp_path: Path, uniq: str, mode: str) -> None:
    r, w, v = f"{uniq} Restricted", f"{uniq} Everywhere", f"{uniq} Twowikis"
    x, y, by = f"{uniq} Banned", f"{uniq} Both", f"{uniq} Bystander"
    users(farm, {
        r: {"metawiki": [], "enwiki": ["sysop", "bureaucrat"], "zhwiki": ["sysop"]},
        w: {"metawiki": ["sysop"], "enwiki": ["sysop", "bureaucrat", "rollbacker"], "zhwiki": ["bureaucrat"]},
        v: {"metawiki": ["rollbacker"], "enwiki": ["rollbacker"], "zhwiki": ["rollbacker"]},
        x: {"metawiki": ["rollbacker"], "enwiki": ["rollbacker"]},
        y: {"metawiki": ["sysop"], "enwiki": ["sysop", "bureaucrat"]},
        by: {db: ["sysop"] for db in ALL},
    })
    if mode == "centralauth":  # a global group no row names stays
        central(farm, {r: {"groups": ["global-rollbacker"]}, by: {"groups": ["global-rollbacker"]}})
    cfg, ban_page, restrict_page = setup(farm, tmp_path, uniq, mode)
    farm.edit("metawiki", ban_page, bans(x, y))
    farm.edit("metawiki", restrict_page, restrictions(
        restriction(r, "sysop", "enwiki"),
        restriction(w, "sysop, bureaucrat"),  # an empty Wikis cell: every wiki
        restriction(v, "rollbacker", "enwiki, zhwiki"),
        restriction(y, "sysop"),
    ))

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 1, (code, err)  # pending actions
    named = named_sources(plan)
    assert named[r] == named[w] == named[v] == {RESTRICT}, named
    assert named[x] == {BAN} and BAN in named[y], named
    assert by not in named, named

    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    glob = ["global-rollbacker"] if mode == "centralauth" else None
    restricted_only(farm, r, {"metawiki": [], "enwiki": ["bureaucrat"], "zhwiki": ["sysop"]}, mode, glob)
    restricted_only(farm, w, {"metawiki": [], "enwiki": ["rollbacker"], "zhwiki": []}, mode,
                    [] if mode == "centralauth" else None)
    restricted_only(farm, v, {"metawiki": ["rollbacker"], "enwiki": [], "zhwiki": []}, mode)
    enforced(farm, x, mode=mode)
    enforced(farm, y, mode=mode)  # banned and restricted: both, and still one notice
    restricted_only(farm, by, {db: ["sysop"] for db in ALL}, mode, glob)

    before = bot_writes(farm, uniq)
    assert before[0] > 0, "the bot wrote no log entry at all"
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    assert bot_writes(farm, uniq) == before  # a second run writes nothing
    restricted_only(farm, r, {"metawiki": [], "enwiki": ["bureaucrat"], "zhwiki": ["sysop"]}, mode, glob)
    enforced(farm, y, mode=mode)


# --- 2. a global group ----------------------------------------------------------------------------------------

def test_a_restriction_of_a_global_group_removes_it_globally_without_a_lock(
        farm: FarmHandle, tmp_path: Path, uniq: str) -> None:
    g, keep = f"{uniq} Globalrights", f"{uniq} Keeper"
    users(farm, {g: {"metawiki": [], "enwiki": ["sysop"]}, keep: {"metawiki": [], "enwiki": ["sysop"]}})
    central(farm, {g: {"groups": ["global-rollbacker"]}, keep: {"groups": ["global-rollbacker"]}})
    assert farm.global_info(g)["groups"] == ["global-rollbacker"]
    cfg, _, restrict_page = setup(farm, tmp_path, uniq, "centralauth")
    farm.edit("metawiki", restrict_page, restrictions(restriction(g, "global-rollbacker")))

    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    info = farm.global_info(g)
    assert info.get("groups", []) == [] and not info.get("locked"), info
    assert not farm.lock_log(g)  # never locked, not even for a moment
    restricted_only(farm, g, {"metawiki": [], "enwiki": ["sysop"]}, "centralauth")  # its local sysop stays
    restricted_only(farm, keep, {"metawiki": [], "enwiki": ["sysop"]}, "centralauth", ["global-rollbacker"])


# --- 3. attacks on the restrictions table -------------------------------------------------------------------

def attack_setup(farm: FarmHandle, tmp_path: Path, uniq: str, mode: str
                 ) -> tuple[str, str, str, dict[str, str], Any]:
    """An innocent sysop, a legitimately restricted account (sysop + bureaucrat on enwiki), a legitimately
    banned account and a vandal (an ordinary account), after the baseline; the restrictions page is
    protected at autoconfirmed only, so the vandal can edit it."""
    n = {"innocent": f"{uniq} Innocent", "legit": f"{uniq} Legit", "banned": f"{uniq} Banned",
         "vandal": f"{uniq} Vandal"}
    users(farm, {n["innocent"]: {db: ["sysop"] for db in ALL},
                 n["legit"]: {"metawiki": [], "enwiki": ["sysop", "bureaucrat"], "zhwiki": ["sysop"]}})
    make(farm, [n["banned"]], ["rollbacker"])
    session = vandal_session(farm, n["vandal"])
    cfg, ban_page, restrict_page = setup(farm, tmp_path, uniq, mode, AC)
    farm.protect("metawiki", restrict_page, level="autoconfirmed")
    return cfg, ban_page, restrict_page, n, session


def innocent_untouched(farm: FarmHandle, name: str, mode: str) -> None:
    restricted_only(farm, name, {db: ["sysop"] for db in ALL}, mode)


LEGIT_DONE = {"metawiki": [], "enwiki": ["bureaucrat"], "zhwiki": ["sysop"]}  # the legit row: sysop on enwiki


@MODES
def test_a_vandals_restriction_row_removes_no_groups_from_an_innocent(
        farm: FarmHandle, tmp_path: Path, uniq: str, mode: str) -> None:
    """The vandal adds a row for an innocent sysop. The innocent keeps every group; the ban source is applied in
    the same run; once the Admin removes the vandal's row, the legitimate row is enforced (if the first run did
    not already enforce it: a source held for the vandal's row, or only that row left aside, both pass)."""
    cfg, ban_page, restrict_page, n, session = attack_setup(farm, tmp_path, uniq, mode)
    legit_row = restriction(n["legit"], "sysop", "enwiki")
    farm.edit("metawiki", restrict_page, restrictions(legit_row))  # the trusted Admin
    farm.edit("metawiki", ban_page, bans(n["banned"]))
    farm.edit_as(session, "metawiki", restrict_page, restrictions(legit_row, restriction(n["innocent"], "sysop")))

    code, _, err = banbot("run", "--config", cfg)
    held_or_fine(code, err, n["vandal"])
    innocent_untouched(farm, n["innocent"], mode)
    enforced(farm, n["banned"], mode=mode)  # the ban source is not held by the restrictions source

    farm.edit("metawiki", restrict_page, restrictions(legit_row))  # the Admin removes the vandal's row
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    innocent_untouched(farm, n["innocent"], mode)
    restricted_only(farm, n["legit"], LEGIT_DONE, mode)


def test_a_hidden_restriction_row_is_not_enforced(farm: FarmHandle, tmp_path: Path, uniq: str) -> None:
    """Rows readers cannot see (display:none on the row, or on the link in the User cell) are problem rows, not
    restrictions, whoever wrote them; they add nothing to hold, so the legitimate row is enforced in the same run.
    Reading the rendered page does not depend on the farm's mode: plain only, to keep the module quick."""
    mode = "plain"
    cfg, ban_page, restrict_page, n, session = attack_setup(farm, tmp_path, uniq, mode)
    hidden_row, hidden_cell, trusted_hidden = (f"{uniq} Hidden Row", f"{uniq} Hidden Cell", f"{uniq} Hidden Admin")
    users(farm, {x: {db: ["sysop"] for db in ALL} for x in (hidden_row, hidden_cell, trusted_hidden)})
    legit_row = restriction(n["legit"], "sysop", "enwiki")
    # a trusted editor's row that readers cannot see: the rendered page is checked too, not only its editor
    admin_hidden = restriction(trusted_hidden, "sysop",
                               user_cell=f'<span style="display:none">[[User:{trusted_hidden}]]</span>')
    farm.edit("metawiki", restrict_page, restrictions(legit_row, admin_hidden))
    farm.edit("metawiki", ban_page, bans(n["banned"]))
    farm.edit_as(session, "metawiki", restrict_page, restrictions(
        legit_row, admin_hidden,
        restriction(hidden_row, "sysop", row_style="display:none"),
        restriction(hidden_cell, "sysop", user_cell=f'<span style="display:none">[[User:{hidden_cell}]]</span>'),
    ))

    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)  # hidden rows are problem rows, not entries: nothing new of the vandal's to hold
    for x in (hidden_row, hidden_cell, trusted_hidden):
        innocent_untouched(farm, x, mode)
    restricted_only(farm, n["legit"], LEGIT_DONE, mode)  # in the same run
    enforced(farm, n["banned"], mode=mode)


@MODES
def test_a_vandals_change_to_a_rows_groups_is_not_enforced(
        farm: FarmHandle, tmp_path: Path, uniq: str, mode: str) -> None:
    """A row the Admin wrote and banbot applied; the vandal widens its Groups cell. The row is no longer all
    trusted editors' work: bureaucrat is never removed. The ban source goes on in the same run, and once the Admin
    restores the row, the Admin's other new row is enforced."""
    cfg, ban_page, restrict_page, n, session = attack_setup(farm, tmp_path, uniq, mode)
    other = f"{uniq} Other"
    users(farm, {other: {db: ["sysop"] for db in ALL}})
    legit_row = restriction(n["legit"], "sysop", "enwiki")
    farm.edit("metawiki", restrict_page, restrictions(legit_row))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    restricted_only(farm, n["legit"], LEGIT_DONE, mode)

    other_row = restriction(other, "sysop", "zhwiki")
    farm.edit("metawiki", restrict_page, restrictions(legit_row, other_row))  # a new trusted row
    farm.edit("metawiki", ban_page, bans(n["banned"]))
    # the vandal widens the trusted row: "sysop" -> "sysop, bureaucrat"
    farm.edit_as(session, "metawiki", restrict_page,
                 restrictions(restriction(n["legit"], "sysop, bureaucrat", "enwiki"), other_row))

    code, _, err = banbot("run", "--config", cfg)
    held_or_fine(code, err, n["vandal"])
    restricted_only(farm, n["legit"], LEGIT_DONE, mode)  # bureaucrat kept; sysop not given back either
    enforced(farm, n["banned"], mode=mode)  # the other source goes on

    farm.edit("metawiki", restrict_page, restrictions(legit_row, other_row))  # the Admin restores the row
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    restricted_only(farm, n["legit"], LEGIT_DONE, mode)
    restricted_only(farm, other, {"metawiki": ["sysop"], "enwiki": ["sysop"], "zhwiki": []}, mode)


@pytest.mark.parametrize(("mode", "how"), [("plain", "renamed"), ("plain", "missing"), ("centralauth", "renamed")])
def test_a_restrictions_table_without_its_groups_column_holds_only_that_source(
        farm: FarmHandle, tmp_path: Path, uniq: str, mode: str, how: str) -> None:
    """The vandal renames or deletes the Groups column: that source cannot be read as restrictions and is held
    (no group removed from anyone on it), while the ban source in the same config is applied in the same run."""
    cfg, ban_page, restrict_page, n, session = attack_setup(farm, tmp_path, uniq, mode)
    farm.edit("metawiki", restrict_page, restrictions(restriction(n["legit"], "sysop", "enwiki"),
                                                      restriction(n["innocent"], "sysop", "zhwiki")))
    farm.edit("metawiki", ban_page, bans(n["banned"]))
    if how == "renamed":  # the Groups column is now "Rights"
        text = restrictions(restriction(n["legit"], "sysop", "enwiki"), restriction(n["innocent"], "sysop", "zhwiki"),
                            header="! User !! Rights !! Wikis !! Date")
    else:  # the Groups column is gone, header and cells
        text = "\n".join(['{| class="wikitable"', "! User !! Wikis !! Date",
                          "|-", f"| [[User:{n['legit']}]] || enwiki || {LISTED}",
                          "|-", f"| [[User:{n['innocent']}]] || zhwiki || {LISTED}", "|}"])
    farm.edit_as(session, "metawiki", restrict_page, text)

    code, _, err = banbot("run", "--config", cfg)
    assert code in (2, 3), (code, err)  # held or unreadable: not 0, not a crash (70)
    # both rows are the Admin's, yet neither is applied: the table no longer says which groups
    restricted_only(farm, n["legit"], {"metawiki": [], "enwiki": ["bureaucrat", "sysop"], "zhwiki": ["sysop"]}, mode)
    innocent_untouched(farm, n["innocent"], mode)
    enforced(farm, n["banned"], mode=mode)  # a held source does not hold the others


# --- 4. a lifted restriction --------------------------------------------------------------------------------

@MODES
def test_a_struck_restriction_is_never_undone_and_is_shown_for_review(
        farm: FarmHandle, tmp_path: Path, uniq: str, mode: str) -> None:
    """Striking a restriction gives nothing back and takes nothing more: banbot never undoes; `lifted` shows it
    to a human, and a group a human grants again afterwards stays."""
    r, other = f"{uniq} Restricted", f"{uniq} Still"
    users(farm, {r: {"metawiki": [], "enwiki": ["sysop", "bureaucrat"], "zhwiki": ["sysop"]},
                 other: {"metawiki": [], "enwiki": ["sysop"]}})
    cfg, _, restrict_page = setup(farm, tmp_path, uniq, mode)
    farm.edit("metawiki", restrict_page, restrictions(restriction(r, "sysop", "enwiki")))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    done = {"metawiki": [], "enwiki": ["bureaucrat"], "zhwiki": ["sysop"]}
    restricted_only(farm, r, done, mode)

    farm.edit("metawiki", restrict_page, restrictions(restriction(r, "sysop", "enwiki", struck=True),
                                                      restriction(other, "sysop", "enwiki")))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    restricted_only(farm, r, done, mode)  # not re-granted, nothing more removed
    restricted_only(farm, other, {"metawiki": [], "enwiki": []}, mode)  # the same run still enforces the rest

    code, out, err = banbot("lifted", "--config", cfg, "--format", "json")
    assert code == 1, (code, out, err)  # accounts to review
    assert r in (out if isinstance(out, str) else json.dumps(out, ensure_ascii=False)), out

    r2 = farm.post("enwiki", action="userrights", token="userrights", user=r, add="sysop", reason="restored by hand")
    assert "userrights" in r2, r2
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, (code, err)
    restricted_only(farm, r, {**done, "enwiki": ["bureaucrat", "sysop"]}, mode)  # a human's decision stands
