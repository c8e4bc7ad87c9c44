"""Issue 4's proof on the real farm, in both modes, through the real command line.

A list with several accounts — some holding groups on several wikis, one exempt, one lifted, one missing —
is planned, applied, and checked by reading the wikis directly; a second plan is empty and a second apply
sends no write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, banbot, baseline

pytestmark = pytest.mark.integration
MARK = "banbot:global-ban-notice"


def publish(farm: FarmHandle, uniq: str, mode: str, configure: Callable[..., Path]) -> tuple[str, dict[str, str]]:
    """The test's accounts and its list page, after a baseline run; returns the config and the names."""
    n = {"vandal": f"{uniq} Vandal", "sock": f"{uniq} Sock", "staff": f"{uniq} Staffer",
         "lifted": f"{uniq} Lifted", "missing": f"{uniq} Missing", "bystander": f"{uniq} Bystander"}
    for db in ("metawiki", "enwiki", "zhwiki"):
        farm.make_users(db, [
            {"name": n["vandal"], "groups": ["sysop"] if db == "enwiki" else []},
            {"name": n["sock"], "groups": ["rollbacker"] if db != "metawiki" else []},
            {"name": n["lifted"], "groups": ["sysop"]},
            {"name": n["bystander"], "groups": ["sysop"]},
        ])
    farm.make_users("metawiki", [{"name": n["staff"], "groups": ["staff", "sysop"]}])
    if mode == "centralauth":
        farm.set_global({n["vandal"]: {"groups": ["global-rollbacker"]},
                         n["bystander"]: {"groups": ["global-rollbacker"]}})
    page = f"Bans/{uniq}"
    cfg = str(configure(mode, page))
    baseline(farm, cfg, page)
    farm.edit("metawiki", page, "\n".join([
        "{{div col}}",
        f"* [[m:Special:CentralAuth/{n['vandal']}|{n['vandal']}]], since {LISTED}",
        f"* [[m:Special:CentralAuth/{n['sock']}|{n['sock']}]], since {LISTED}",
        f"* [[m:Special:CentralAuth/{n['staff']}|{n['staff']}]], since {LISTED}",
        f"* <s>[[m:Special:CentralAuth/{n['lifted']}|{n['lifted']}]], since 1 January 2014</s>",
        f"* [[m:Special:CentralAuth/{n['missing']}|{n['missing']}]], since {LISTED}",
        "{{div col end}}"]))
    return cfg, n


def untouched(farm: FarmHandle, name: str, mode: str) -> None:
    for db in ("metawiki", "enwiki", "zhwiki"):
        assert farm.groups(db, name) == ["sysop"], (name, db)
        assert not farm.blocked(db, name)
        assert farm.text(db, f"User talk:{name}") is None
    if mode == "centralauth":
        assert not farm.global_info(name).get("locked")


def test_plain_farm_plan_apply_and_replan(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    cfg, n = publish(farm, uniq, "plain", configure)

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert code == 1, err
    got = [(a["kind"], a["user"], a["wiki"], tuple(a.get("groups", ()))) for a in plan["actions"]]
    v, s = n["vandal"], n["sock"]
    notices = [("notify", db) for db in ("metawiki", "enwiki", "zhwiki")]  # separate accounts: one each
    assert got == [  # protective actions first, for every account
        ("block", v, "metawiki", ()), ("block", v, "enwiki", ()), ("block", v, "zhwiki", ()),
        ("block", s, "metawiki", ()), ("block", s, "enwiki", ()), ("block", s, "zhwiki", ()),
        ("remove-local-groups", v, "enwiki", ("sysop",)),
        ("remove-local-groups", s, "enwiki", ("rollbacker",)), ("remove-local-groups", s, "zhwiki", ("rollbacker",)),
        *[(k, v, db, ()) for k, db in notices], *[(k, s, db, ()) for k, db in notices],
    ]
    held = {h["user"]: h["reason"] for h in plan["holds"]}
    assert "exempt" in held[n["staff"]] and "no such account" in held[n["missing"]]
    assert n["lifted"] not in plan["users"]

    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--format", "json")
    assert code == 0, err
    assert report["summary"]["blocked"] == 6 and report["summary"]["notified"] == 6
    assert report["summary"]["local groups removed"] == 3 and report["summary"]["failed"] == 0

    for name in (v, s):
        for db in ("metawiki", "enwiki", "zhwiki"):
            assert farm.groups(db, name) == []
            row = farm.blocked(db, name)
            assert row and row["blockexpiry"] == "infinite" and row["blockedby"] == "BanBot"
        for db in ("metawiki", "enwiki", "zhwiki"):
            assert farm.text(db, f"User talk:{name}").count(MARK) == 1
    untouched(farm, n["lifted"], "plain")
    untouched(farm, n["bystander"], "plain")
    assert farm.groups("metawiki", n["staff"]) == ["staff", "sysop"] and not farm.blocked("metawiki", n["staff"])

    code, again, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 0 and again["actions"] == []
    code, report, _ = banbot("apply", "--config", cfg, "--yes", "--format", "json")
    assert code == 0 and report["outcomes"] == []


def test_centralauth_farm_plan_apply_and_replan(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    cfg, n = publish(farm, uniq, "centralauth", configure)
    v, s = n["vandal"], n["sock"]

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert code == 1, err
    got = [(a["kind"], a["user"], a["wiki"], tuple(a.get("groups", ()))) for a in plan["actions"]]
    assert got == [  # protective actions first, for every account
        ("lock", v, "metawiki", ()), ("lock", s, "metawiki", ()),
        ("remove-global-groups", v, "metawiki", ("global-rollbacker",)),
        ("remove-local-groups", v, "enwiki", ("sysop",)), ("remove-local-groups", s, "enwiki", ("rollbacker",)),
        ("remove-local-groups", s, "zhwiki", ("rollbacker",)), ("notify", v, "metawiki", ()),
        ("notify", s, "metawiki", ()),
    ]
    plan_file = Path(cfg).with_name("plan.json")
    plan_file.write_text(json.dumps(plan))

    writes_before = farm.ca_writes()
    code, report, err = banbot("apply", "--config", cfg, "--plan", str(plan_file), "--format", "json")
    assert code == 0, err
    assert report["summary"]["locked"] == 2 and report["summary"]["global groups removed"] == 1
    assert report["summary"]["local groups removed"] == 3 and report["summary"]["notified"] == 2
    counters = farm.ca_writes()
    assert counters.get("setglobalaccountstatus", 0) - writes_before.get("setglobalaccountstatus", 0) == 2

    for name in (v, s):
        info = farm.global_info(name)
        assert info["locked"] is True and info["groups"] == []
        for db in ("metawiki", "enwiki", "zhwiki"):
            assert farm.groups(db, name) == [] and not farm.blocked(db, name)
        assert farm.text("metawiki", f"User talk:{name}").count(MARK) == 1
    untouched(farm, n["lifted"], "centralauth")
    assert farm.global_info(n["bystander"])["groups"] == ["global-rollbacker"]
    assert not farm.global_info(n["staff"]).get("locked")

    code, again, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 0 and again["actions"] == []
    before = farm.ca_writes()
    code, report, _ = banbot("apply", "--config", cfg, "--yes", "--format", "json")
    after = farm.ca_writes()
    assert code == 0 and report["outcomes"] == []
    for write in ("setglobalaccountstatus", "globaluserrights", "userrights", "edit"):
        assert after.get(write, 0) == before.get(write, 0), write


def test_a_reviewed_plan_is_refused_when_the_farm_or_list_moved(farm: FarmHandle, configure: Callable[..., Path],
                                                                uniq: str) -> None:
    cfg, n = publish(farm, uniq, "plain", configure)
    _, plan, _ = banbot("plan", "--config", cfg, "--format", "json", check=True)
    plan_file = Path(cfg).with_name("plan.json")
    plan_file.write_text(json.dumps(plan))

    tampered = dict(plan, actions=plan["actions"][:-1])
    bad = Path(cfg).with_name("tampered.json")
    bad.write_text(json.dumps(tampered))
    code, _, err = banbot("apply", "--config", cfg, "--plan", str(bad))
    assert code == 2 and "does not match its digest" in err

    farm.post("enwiki", action="block", user=n["sock"], expiry="infinite", reason="meanwhile, by hand")
    code, _, err = banbot("apply", "--config", cfg, "--plan", str(plan_file))
    assert code == 2 and "farm changed since the plan" in err

    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, farm.text("metawiki", page) + "\n<!-- edited -->")
    code, _, err = banbot("apply", "--config", cfg, "--plan", str(plan_file))
    assert code == 2 and "ban list changed" in err
    assert not farm.blocked("metawiki", n["vandal"])  # nothing was applied


def test_apply_without_confirmation_is_refused_off_a_terminal(farm: FarmHandle, configure: Callable[..., Path],
                                                              uniq: str) -> None:
    cfg, n = publish(farm, uniq, "plain", configure)
    code, _, err = banbot("apply", "--config", cfg)
    assert code == 2 and "--yes" in err
    assert not farm.blocked("metawiki", n["vandal"])


def test_preview_and_apply_of_one_account(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    cfg, n = publish(farm, uniq, "plain", configure)
    code, plan, _ = banbot("plan", "--config", cfg, "--user", n["sock"], "--format", "json")
    assert code == 1 and {a["user"] for a in plan["actions"]} == {n["sock"]}
    code, report, _ = banbot("apply", "--config", cfg, "--user", n["sock"], "--yes", "--format", "json")
    assert code == 0 and {o["user"] for o in report["outcomes"]} == {n["sock"]}
    assert not farm.blocked("metawiki", n["vandal"]) and farm.blocked("metawiki", n["sock"])
    code, _, err = banbot("plan", "--config", cfg, "--user", n["bystander"])
    assert code == 2 and "not active on the ban list" in err


def test_a_bot_password_without_rights_grants_fails_loudly(farm: FarmHandle, configure: Callable[..., Path],
                                                          uniq: str, tmp_path: Path) -> None:
    """userrights answers 'success' with removed: [] when the grant is missing: banbot reports a failure."""
    cfg0, n = publish(farm, uniq, "plain", configure)
    cfg = farm.with_readonly_login(Path(cfg0), tmp_path)
    code, plan, err = banbot("plan", "--config", str(cfg), "--user", n["sock"], "--format", "json")
    assert code == 1, err  # previews work with read-only credentials
    code, report, err = banbot("apply", "--config", str(cfg), "--user", n["sock"], "--yes", "--format", "json")
    assert code == 4, err
    codes = {o["code"] for o in report["outcomes"] if o["status"] == "failed"}
    assert "groups-not-removed" in codes and "permissiondenied" in codes
    assert farm.groups("enwiki", n["sock"]) == ["rollbacker"]


def test_debug_logs_of_a_real_run_carry_no_secrets(farm: FarmHandle, configure: Callable[..., Path],
                                                   uniq: str) -> None:
    import re

    cfg, n = publish(farm, uniq, "centralauth", configure)
    for fmt in ("text", "json"):
        code, out, err = banbot("apply", "--config", cfg, "--user", n["sock"], "--yes", "-v", "-v",
                                "--log-format", fmt)
        assert code == 0, err
        text = json.dumps(out) + err
        assert "api: metawiki" in text  # the debug lines are there, with their parameters
        assert farm.info["bot"]["botpassword"] not in text and farm.info["admin"]["password"] not in text
        assert not re.search(r"[0-9a-f]{32,40}\+\\\\", text), "a session token reached the output"
