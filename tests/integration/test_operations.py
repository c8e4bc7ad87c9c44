"""Operating banbot on the real farm: run, enforce, audit, lifted, report, and every safety rail."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, banbot, baseline

pytestmark = pytest.mark.integration


def accounts(farm: FarmHandle, uniq: str, n: int, groups: list[str] | None = None) -> list[str]:
    names = [f"{uniq} Op{i}" for i in range(n)]
    for db in ("metawiki", "enwiki"):
        farm.make_users(db, [{"name": x, "groups": groups or []} for x in names])
    return names


def list_text(names: list[str], struck: tuple[str, ...] = ()) -> str:
    rows = [(f"* <s>[[User:{x}]]</s>" if x in struck else f"* [[User:{x}]]") + f", since {LISTED}" for x in names]
    return "\n".join(["{{div col}}", *rows, "{{div col end}}"])


def publish(farm: FarmHandle, uniq: str, names: list[str], configure: Callable[..., Path], protect: bool = True,
            extra: str = "") -> Path:
    """The list page ``Bans/<uniq>`` after a baseline run, edited by the Admin to list ``names``; its config."""
    page = f"Bans/{uniq}"
    cfg = configure("plain", page, extra)
    baseline(farm, cfg, page)
    farm.edit("metawiki", page, list_text(names))
    if not protect:
        farm.protect("metawiki", page, level="all")
    return cfg


def blocked_anywhere(farm: FarmHandle, name: str) -> bool:
    return any(farm.blocked(db, name) for db in ("metawiki", "enwiki"))


def test_run_applies_once_then_has_nothing_to_do(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 2, ["rollbacker"])
    cfg = str(publish(farm, uniq, names, configure))
    code, out, err = banbot("run", "--config", cfg, "--dry-run", "--format", "table")
    assert code == 1, err
    assert out.startswith("run: metawiki:Bans/") and "dry run, 12 actions pending" in out
    assert not blocked_anywhere(farm, names[0])
    code, out, err = banbot("run", "--config", cfg, "--format", "table")
    assert code == 0, err
    assert out.count("\n") == 1 and "4 blocked" in out and "4 notified" in out
    assert all(farm.blocked(db, x) for db in ("metawiki", "enwiki") for x in names)
    code, out, _ = banbot("run", "--config", cfg, "--format", "table")
    assert code == 0 and out.strip().endswith("nothing to do")


def test_a_vandalised_list_edited_by_an_untrusted_account_is_not_applied(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 12)
    page = f"Bans/{uniq}"
    cfg = str(configure("plain", page, '[safety]\nrequire_protection = "autoconfirmed"\n'))
    baseline(farm, cfg, page)
    farm.edit("metawiki", page, list_text(names[:1]))
    farm.protect("metawiki", page, level="autoconfirmed")
    vandal = f"{uniq} Editor"
    farm.make_users("metawiki", [{"name": vandal, "password": "Vandal-Pass-98765432", "groups": []}])
    farm.edit_as(farm.session_as("metawiki", vandal, "Vandal-Pass-98765432"), "metawiki", page, list_text(names))
    code, out, err = banbot("run", "--config", cfg, "--format", "table")
    assert code == 3
    assert f"by {vandal}, who is not in safety.trusted_groups" in err and "12 new active entries" in err
    assert not any(blocked_anywhere(farm, x) for x in names)
    code, plan, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 1 and {b["rule"] for b in plan["held_back_by"]} == {"editor", "new-entries"}
    code, _, err = banbot("apply", "--config", cfg, "--yes")
    assert code == 3 and "--force overrides" in err
    assert not any(blocked_anywhere(farm, x) for x in names)


def test_an_unprotected_list_needs_force(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 1)
    cfg = str(publish(farm, uniq, names, configure, protect=False))
    code, out, _ = banbot("plan", "--config", cfg, "--format", "table")
    assert code == 1 and "[protection] the list page is not protected" in out
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "not protected" in err and not blocked_anywhere(farm, names[0])
    code, report, err = banbot("apply", "--config", cfg, "--yes", "--force", "--format", "json")
    assert code == 0, err
    assert farm.blocked("metawiki", names[0]) and farm.blocked("enwiki", names[0])


def test_too_many_actions_in_one_run_are_held_back(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 2)
    cfg = str(publish(farm, uniq, names, configure, extra="[safety]\nmax_actions = 3\n"))
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "8 actions, more than safety.max_actions = 3" in err


def test_the_kill_switch_stops_every_write_and_cannot_be_forced(farm: FarmHandle, configure: Callable[..., Path],
                                                                uniq: str) -> None:
    names = accounts(farm, uniq, 1)
    switch = f"Project:Banbot/Run/{uniq}"
    farm.edit("metawiki", switch, "run")  # running for the operator's baseline run...
    farm.protect("metawiki", switch)
    cfg = str(publish(farm, uniq, names, configure, extra=f'[safety]\nkill_switch = "{switch}"\n'))
    assert "delete" in farm.post("metawiki", action="delete", title=switch, reason="test")  # ...then gone
    code, _, err = banbot("run", "--config", cfg)
    assert code == 3 and "does not exist" in err
    farm.edit("metawiki", switch, "stop <!-- vandalism, investigating -->")
    farm.protect("metawiki", switch)
    for cmd in (["run"], ["apply", "--yes", "--force"], ["enforce", names[0], "--reason", "urgent request", "--yes"]):
        code, _, err = banbot(*cmd, "--config", cfg)
        assert code == 3 and "says 'stop'" in err, cmd
    assert not blocked_anywhere(farm, names[0])
    code, _, _ = banbot("plan", "--config", cfg)
    assert code == 1  # previews still work
    farm.edit("metawiki", switch, "run")
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    assert farm.blocked("metawiki", names[0])


def test_an_exempt_steward_on_the_list_is_reported_never_touched(farm: FarmHandle, configure: Callable[..., Path],
                                                                  uniq: str) -> None:
    steward = f"{uniq} Steward"
    for db in ("metawiki", "enwiki"):
        farm.make_users(db, [{"name": steward, "groups": ["steward", "sysop"]}])
    names = accounts(farm, uniq, 1)
    cfg = str(publish(farm, uniq, [steward, *names], configure))
    code, out, err = banbot("run", "--config", cfg, "--format", "json")
    assert code == 0, err
    assert any(h["user"] == steward and "exempt" in h["reason"] for h in out["held"])
    assert farm.groups("enwiki", steward) == ["steward", "sysop"] and not blocked_anywhere(farm, steward)
    code, audit, err = banbot("audit", "--config", cfg, "--format", "json")
    assert code == 1 and audit["out_of_place"] == [steward], (audit, err)


def test_two_concurrent_runs_never_overlap(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 3, ["rollbacker"])
    cfg_path = publish(farm, uniq, names, configure)
    cfg = str(cfg_path)
    lock = cfg_path.with_name("journal.sqlite.lock")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from banbot.runlock import RunLock\n"
        f"with RunLock(Path({str(lock)!r})):\n    print('held', flush=True); time.sleep(30)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = banbot("run", "--config", cfg)
        assert code == 6 and "another banbot run holds" in err and "pid" in err
    finally:
        holder.kill()
        holder.wait()
    results: list[tuple[int, object, str]] = []
    threads = [threading.Thread(target=lambda: results.append(banbot("run", "--config", cfg, "--format", "json")))
               for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) in ([0, 0], [0, 6]), results
    db = sqlite3.connect(str(cfg_path.with_name("journal.sqlite")))
    rows = db.execute("SELECT key, COUNT(*) FROM actions WHERE status IN ('done','already') GROUP BY key").fetchall()
    assert len(rows) == 3 * 2 * 3 and all(n == 1 for _, n in rows)  # groups, block, notice on 2 wikis: once each
    assert all(farm.text("metawiki", f"User talk:{x}").count("banbot:global-ban-notice") == 1 for x in names)


def test_a_steward_enforces_an_unlisted_account_and_the_journal_says_who_and_why(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 1, ["sysop"])
    cfg_path = publish(farm, uniq, [f"{uniq} Someone Else"], configure)
    cfg = str(cfg_path)
    code, _, err = banbot("enforce", names[0], "--reason", "cross-wiki spam, ticket 123", "--config", cfg)
    assert code == 2 and "--yes" in err and not blocked_anywhere(farm, names[0])
    code, report, err = banbot("enforce", names[0], "--reason", "cross-wiki spam, ticket 123", "--by", "Stew Ard",
                               "--yes", "--config", cfg, "--format", "json")
    assert code == 0, err
    assert farm.blocked("enwiki", names[0])["blockreason"] == "cross-wiki spam, ticket 123 (requested by Stew Ard)"
    assert farm.groups("enwiki", names[0]) == []
    assert "cross-wiki spam, ticket 123" in farm.text("metawiki", f"User talk:{names[0]}")
    db = sqlite3.connect(str(cfg_path.with_name("journal.sqlite")))
    assert db.execute("SELECT command, requested_by, why FROM runs").fetchall()[-1] == (
        "enforce", "Stew Ard", "cross-wiki spam, ticket 123")
    code, _, err = banbot("enforce", "BanBot", "--reason", "testing the exemption", "--yes", "--config", cfg)
    assert code == 1 and not farm.blocked("enwiki", "BanBot")  # held, nothing enforced: not a success


def test_audit_shows_each_wiki_against_the_list(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 2, ["rollbacker"])
    cfg = str(publish(farm, uniq, names, configure))
    code, out, _ = banbot("audit", "--config", cfg, "--format", "table")
    assert code == 1 and "2 out of place" in out and "NO" in out
    banbot("apply", "--config", cfg, "--user", names[0], "--yes")
    code, audit, _ = banbot("audit", "--config", cfg, "--format", "json")
    assert code == 1 and audit["out_of_place"] == [names[1]]
    rows = {(r["user"], r["wiki"]): r for r in audit["accounts"]}
    assert rows[(names[0], "enwiki")]["ok"] and rows[(names[0], "enwiki")]["state"] == "blocked"
    assert not rows[(names[1], "enwiki")]["ok"] and "groups rollbacker" in rows[(names[1], "enwiki")]["state"]
    code, audit, _ = banbot("audit", "--config", cfg, "Alice", "--format", "json")
    assert code == 0 and {r["required"] for r in audit["accounts"]} == {"not listed"}


def test_lifted_accounts_are_shown_never_unblocked(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 3)
    page = f"Bans/{uniq}"
    cfg = str(configure("plain", page))
    farm.edit("metawiki", page, list_text(names))
    farm.protect("metawiki", page)
    code, out, _ = banbot("lifted", "--config", cfg, "--format", "table")
    assert code == 0 and "banbot has sanctioned nothing" in out
    code, plan, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 1 and {b["rule"] for b in plan["held_back_by"]} == {"first-run"}
    code, _, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal")
    assert code == 0, err  # the operator's first run: a reviewed plan
    farm.edit("metawiki", page, list_text(names[:2], struck=(names[1],)))
    code, out, _ = banbot("lifted", "--config", cfg, "--format", "json")
    assert code == 1
    got = {r["user"]: r for r in out["lifted"]}
    assert got[names[1]]["change"].startswith("struck on line") and got[names[2]]["change"] == "no longer on the list"
    assert "blocked on metawiki" in got[names[2]]["state"]
    assert banbot("run", "--config", cfg)[0] == 0
    assert all(blocked_anywhere(farm, x) for x in names)  # nothing was lifted by banbot


def test_report_publishes_a_results_table(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 1)
    status = "User:BanBot/Status/plain"  # report.page in the farm's config
    cfg = str(publish(farm, uniq, names, configure))
    assert banbot("run", "--config", cfg)[0] == 0
    code, out, _ = banbot("report", "--config", cfg, "--format", "wikitext")
    assert code == 0 and out.count(names[0]) >= 3 and "{| class=\"wikitable sortable\"" in out
    code, out, _ = banbot("report", "--config", cfg)  # piped: JSON, like every command
    assert code == 0 and out["exit_code"] == 0 and {r["user"] for r in out["rows"]} >= {names[0]}
    code, out, err = banbot("report", "--config", cfg, "--publish")
    assert code == 0, err
    text = farm.text("metawiki", status)
    assert f"[[User:{names[0]}|{names[0]}]] || enwiki || block || done" in text  # Special:CentralAuth: CA farms only


def test_previews_work_with_read_only_credentials(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                                  tmp_path: Path) -> None:
    names = accounts(farm, uniq, 1, ["sysop"])
    cfg = farm.with_readonly_login(publish(farm, uniq, names, configure), tmp_path)
    for cmd, want in ((["bans"], 0), (["plan"], 1), (["audit"], 1), (["run", "--dry-run"], 1)):
        code, _, err = banbot(*cmd, "--config", str(cfg))
        assert code == want, (cmd, err)


def test_a_config_whose_mode_is_not_the_farms_is_refused_with_the_fix(farm: FarmHandle,
                                                                      configure: Callable[..., Path],
                                                                      uniq: str) -> None:
    """A CentralAuth config against wikis without CentralAuth would call every account missing and exit 0;
    a plain config on a CentralAuth farm would treat global accounts as separate ones."""
    names = accounts(farm, uniq, 1, ["rollbacker"])
    cfg = publish(farm, uniq, names, configure)
    text = cfg.read_text()
    if farm.real_ca:  # every wiki runs CentralAuth: plain mode without the explicit opt-in is wrong
        wrong = text.replace("ignore_centralauth = true\n", "")
        fix = 'farm.mode = "centralauth"'
    else:  # metawiki itself runs no CentralAuth (the stand-in answers on another port): centralauth is wrong
        wrong = text.replace('mode = "plain"', 'mode = "centralauth"')
        fix = 'farm.mode = "plain"'
    cfg.write_text(wrong)
    for cmd in (["plan"], ["run"], ["audit"]):
        code, out, err = banbot(*cmd, "--config", str(cfg), "--format", "json")
        assert code == 2 and fix in err and out["exit_code"] == 2, (cmd, err)
    assert not blocked_anywhere(farm, names[0]) and farm.groups("enwiki", names[0]) == ["rollbacker"]
