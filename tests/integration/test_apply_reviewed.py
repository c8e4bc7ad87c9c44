"""A reviewed ``apply --plan`` re-validates by what changed since the plan was made (issue 20): the plan file
carries the reads ``plan --out`` made, sealed with this installation's key (banbot.sealed); apply reads the
wikis' logs since then and reads again only the listed accounts they name. A plan file is a document others
read and may edit, so the attack is an edited file: an action added and the digest recomputed (anyone can),
with the observations edited to match. Every test also asserts that the listed account is enforced.

The log read is bounded (past a few pages, reading the accounts is cheaper), and it starts 15 minutes before
the plan's reads: on a farm that the whole suite has just filled with log entries it would rightly give up and
read every account. This module's name puts it among the first integration tests, where the farm is quiet."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from banbot.actions import compute_digest, plan_from_json
from banbot.plan import protect_first
from integration.conftest import banbot
from integration.test_plain_requests import api_lines
from integration.test_trust import make, row, rows, start

pytestmark = pytest.mark.integration

NOTICES_OFF = "[enforce]\nnotify = false\n"


def account_reads(sent: list[str], name: str) -> list[str]:
    """Requests that read an account's state (local groups and blocks, or its global account)."""
    return [line for line in sent if name in line
            and (("ususers" in line and "groupmemberships" in line) or "guiuser" in line)]


def plan_out(cfg: str, path: Path) -> dict[str, Any]:
    code, _, err = banbot("plan", "--config", cfg, "--out", str(path), "--format", "json")
    assert code == 1, err
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def apply(cfg: str, path: Path) -> tuple[int, Any, list[str], str]:
    code, out, err = banbot("apply", "--config", cfg, "--plan", str(path), "--format", "json", "-v", "-v")
    return code, out, api_lines(err), err


def enforced(farm: FarmHandle, mode: str, name: str) -> bool:
    if mode == "centralauth":
        return farm.global_info(name).get("locked") is True
    return bool(farm.blocked("metawiki", name))


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_reviewed_apply_reads_again_only_the_accounts_the_logs_name(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    names = make(farm, [f"{uniq} Reviewed {i}" for i in range(5)], ["rollbacker"])
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF)
    farm.edit("metawiki", page, rows(*(row(n) for n in names)))
    plan_file = Path(cfg).with_name("plan.json")
    doc = plan_out(cfg, plan_file)
    assert set(doc["observed"]["states"]) == set(names) and doc["observed"]["mac"]

    code, out, sent, err = apply(cfg, plan_file)
    assert code == 0, err
    assert "0 of 5 accounts read again" in err, err
    for name in names:
        assert not account_reads(sent, name), (name, sent)  # the plan's reads, brought up to date by the logs
        assert enforced(farm, mode, name) and farm.groups("enwiki", name) == []


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_change_made_by_hand_after_the_plan_is_read_again_and_refuses_the_plan(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    names = make(farm, [f"{uniq} Moved {i}" for i in range(5)], ["rollbacker"])
    touched, others = names[0], names[1:]
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF)
    farm.edit("metawiki", page, rows(*(row(n) for n in names)))
    plan_file = Path(cfg).with_name("plan.json")
    plan_out(cfg, plan_file)
    r = farm.post("enwiki", token="userrights", action="userrights", user=touched, remove="rollbacker",
                  reason="meanwhile, by hand")
    assert r.get("userrights", {}).get("removed") == ["rollbacker"], r

    code, _, sent, err = apply(cfg, plan_file)
    assert code == 2 and "farm changed since the plan" in err, err
    assert account_reads(sent, touched), sent  # the logs name it: read again
    for name in others:
        assert not account_reads(sent, name), (name, sent)
        assert not enforced(farm, mode, name)  # nothing was applied

    plan_out(cfg, plan_file)  # re-planned and reviewed again: applied
    code, _, sent, err = apply(cfg, plan_file)
    assert code == 0, err
    for name in names:
        assert enforced(farm, mode, name) and farm.groups("enwiki", name) == []


def forge(doc: dict[str, Any], legit: str, innocent: str) -> dict[str, Any]:
    """The attacker's edit: the listed account's actions copied onto the held one, the digest recomputed, the
    held account's observed registration moved before its entry's date (so a plan made from the file's
    observations would act on it), and the time of the reads moved past the account's creation in the logs."""
    theirs = doc["observed"]["states"][innocent]
    copied = [dict(a, user=innocent, **({"statecheck": theirs["lock_check"]} if "statecheck" in a else {}))
              for a in doc["actions"] if a["user"] == legit]
    forged = dict(doc, actions=doc["actions"] + copied)
    plan = protect_first(plan_from_json(forged).actions)  # in the order the planner gives them
    forged["actions"] = [a.data() for a in plan]
    plan = plan_from_json(forged)
    forged["digest"] = compute_digest(plan.source, plan.actions, plan.users)
    forged["observed"] = dict(forged["observed"], made_at=time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                        time.gmtime(time.time() + 1800)))
    states = forged["observed"]["states"]
    states[innocent] = dict(states[innocent], registered="2001-01-01T00:00:00Z",
                            local=[dict(a, registered="2001-01-01T00:00:00Z") for a in states[innocent]["local"]])
    return forged


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_an_edited_plan_file_cannot_lift_a_hold_by_editing_what_was_observed(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    legit, *others = make(farm, [f"{uniq} Listed {i}" for i in range(4)], ["rollbacker"])
    innocent = make(farm, [f"{uniq} Newcomer"], ["rollbacker"])[0]  # registered today, listed since 2020
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF)
    # five listed: on a 3-wiki CentralAuth farm whose wikis banbot has not opened yet, the logs cost 5 requests
    # (fewer accounts are cheaper to read than that)
    farm.edit("metawiki", page, rows(row(legit), *(row(o) for o in others), row(innocent, "1 January 2020")))
    plan_file = Path(cfg).with_name("plan.json")
    doc = plan_out(cfg, plan_file)
    assert {h["code"] for h in doc["holds"] if h["user"] == innocent} == {"registered-after-listing"}, doc["holds"]
    assert not [a for a in doc["actions"] if a["user"] == innocent]

    forged_file = Path(cfg).with_name("forged.json")
    forged_file.write_text(json.dumps(forge(doc, legit, innocent)))
    code, _, sent, err = apply(cfg, forged_file)
    assert code == 2 and "farm changed since the plan" in err, err
    assert "does not verify" in err, err  # the edited observations were not believed: every account read again
    assert account_reads(sent, innocent) and account_reads(sent, legit), sent
    for name in (legit, innocent):
        assert not enforced(farm, mode, name) and farm.groups("enwiki", name) == ["rollbacker"]

    code, _, sent, err = apply(cfg, plan_file)  # the plan as reviewed
    assert code == 0, err
    assert not account_reads(sent, legit), sent  # its seal holds: read from the logs, not again
    assert enforced(farm, mode, legit) and farm.groups("enwiki", legit) == []
    assert not enforced(farm, mode, innocent) and farm.groups("enwiki", innocent) == ["rollbacker"]


def test_a_hidden_accounts_state_stays_out_of_the_plan_file_and_is_read_again(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    if not farm.real_ca:
        pytest.skip("hiding an account needs the real CentralAuth")
    shown = make(farm, [f"{uniq} Shown {i}" for i in range(5)], ["rollbacker"])
    hidden = make(farm, [f"{uniq} Suppressed"], wikis=("metawiki",))[0]
    farm.make_users("enwiki", [{"name": hidden, "groups": ["rollbacker"]}])
    farm.set_global({hidden: {"hidden": "suppressed"}})
    cfg, page = start(farm, configure, uniq, "centralauth", NOTICES_OFF)
    farm.edit("metawiki", page, rows(*(row(n) for n in [*shown, hidden])))
    plan_file = Path(cfg).with_name("plan.json")
    doc = plan_out(cfg, plan_file)
    assert set(doc["observed"]["states"]) == set(shown)  # what is known of a suppressed account is not in the file
    code, _, sent, err = apply(cfg, plan_file)
    assert code == 0, err
    assert account_reads(sent, hidden) and not any(account_reads(sent, n) for n in shown), sent
    assert all(enforced(farm, "centralauth", n) for n in [*shown, hidden])
