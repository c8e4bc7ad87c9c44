"""Drift found from the logs (issue 20): a verification reads the wikis' logs since the last one and re-reads
only the listed accounts they name; every run.full_verify_every_days it re-reads every account.

Time is made to pass as the journal sees it: the applied revision's ``verified`` time (when the next
verification is due, run.verify_every_hours) and the ``full`` time of the last verification (meta) are moved
back. The log read starts from the last verification's real start, so the change a human makes after it is in
the logs, as it would be."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import banbot
from integration.test_plain_requests import api_lines
from integration.test_trust import listed, make, start

pytestmark = pytest.mark.integration

NOTICES_OFF = "[enforce]\nnotify = false\n"


def journal(cfg: str) -> sqlite3.Connection:
    return sqlite3.connect(str(Path(cfg).with_name("journal.sqlite")))


def age(cfg: str, *, hours: float = 0, full_days: float = 0, logs_minutes: float = 0) -> None:
    """Move the last verification back: ``hours`` for when it was (verify_every_hours), ``full_days`` for when
    the last full re-read was (full_verify_every_days); ``logs_minutes`` moves the time the logs are read from
    forward (as if that long had passed since with nothing logged)."""
    db = journal(cfg)
    with db:
        db.execute("UPDATE applied_lists SET verified = strftime('%Y-%m-%dT%H:%M:%SZ', verified, ?) ",
                   (f"-{hours * 3600} seconds",))
        for key, value in db.execute("SELECT key, value FROM meta WHERE key LIKE 'verification:%'").fetchall():
            mem = json.loads(value)
            mem["full"] = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?, ?)",
                                     (mem["full"], f"-{full_days * 86400} seconds")).fetchone()[0]
            mem["since"] = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?, ?)",
                                      (mem["since"], f"+{logs_minutes * 60} seconds")).fetchone()[0]
            db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(mem), key))
    db.close()


def run(cfg: str) -> tuple[dict[str, Any], list[str], str]:
    code, out, err = banbot("run", "--config", cfg, "--format", "json", "-v", "-v")
    assert code == 0, (out, err)
    return out, api_lines(err), err


def reads_of(sent: list[str], name: str) -> list[str]:
    return [line for line in sent if name in line and ("ususers" in line or "guiuser" in line)]


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_verification_re_reads_only_the_account_the_logs_name_and_re_enforces_it(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    if mode == "centralauth" and not farm.real_ca:
        pytest.skip("the CentralAuth double keeps no logs")
    names = make(farm, [f"{uniq} Drift {i}" for i in range(5)], ["rollbacker"])
    touched, quiet = names[0], names[1:]
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF)
    farm.edit("metawiki", page, listed(names))
    out, sent, err = run(cfg)  # the first pass: every account read and enforced (a full one)
    assert "observe: 5 accounts" in err, err
    assert farm.groups("enwiki", touched) == []

    # a human gives the account a group by hand on enwiki (a local right, logged there as User:Name)
    r = farm.post("enwiki", token="userrights", action="userrights", user=touched, add="sysop", reason="by hand")
    assert r.get("userrights", {}).get("added") == ["sysop"], r

    out, sent, err = run(cfg)  # within verify_every_hours: the list read only
    assert out["unchanged_since"], out

    age(cfg, hours=25)  # a verification is due
    out, sent, err = run(cfg)
    assert out["verification"].startswith("verified from the logs"), out
    assert "1 of 5 accounts re-read" in out["verification"], out
    assert "observe: 1 accounts" in err, err
    assert reads_of(sent, touched), sent
    for other in quiet:
        assert not reads_of(sent, other), (other, sent)  # not named by any log: not read again
    assert farm.groups("enwiki", touched) == []  # re-enforced
    print(f"\n[{mode}] verification from the logs: {len(sent)} requests: "
          + ", ".join(line.split(" {")[0].split("api: ")[1] for line in sent))
    logs_cost = len(sent)

    out, sent, err = run(cfg)  # settled again, verified now: the list read only
    assert out["unchanged_since"], out

    age(cfg, hours=25, full_days=8)  # the last full re-read is more than full_verify_every_days old
    out, sent, err = run(cfg)
    assert out["verification"].startswith("full re-read: the last one began"), out
    assert "observe: 5 accounts" in err, err
    print(f"[{mode}] full re-read: {len(sent)} requests (from the logs: {logs_cost})")

    age(cfg, hours=25)  # and the full pass is the new start: the next verification reads the logs again
    out, sent, err = run(cfg)  # from 15 minutes before it (LOG_OVERLAP_S): the human's entry is read again
    assert out["verification"].startswith("verified from the logs") and "1 of 5" in out["verification"], out
    assert reads_of(sent, touched) and not any(reads_of(sent, other) for other in quiet), sent


def test_run_verify_stays_a_full_re_read(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = make(farm, [f"{uniq} Drift {i}" for i in range(2)], ["rollbacker"])
    cfg, page = start(farm, configure, uniq, "plain", NOTICES_OFF)
    farm.edit("metawiki", page, listed(names))
    run(cfg)
    code, out, err = banbot("run", "--config", cfg, "--format", "json", "--verify", "-v")
    assert code == 0 and out["verification"] == "full re-read: run --verify", out
    assert "observe: 2 accounts" in err, err


def test_a_log_the_bot_cannot_read_makes_the_verification_full(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, tmp_path: Path) -> None:
    """A login without ``suppressionlog`` cannot see a hidden account's status changes (CentralAuth logs them in
    the suppression log only): its verification re-reads everyone, and says why."""
    if not farm.real_ca:
        pytest.skip("needs the real CentralAuth")
    # enough accounts that the logs (a request a wiki, two on a wiki never opened) cost less than reading them
    names = make(farm, [f"{uniq} Drift {i}" for i in range(5)], ["rollbacker"])
    cfg, page = start(farm, configure, uniq, "centralauth", NOTICES_OFF)
    farm.edit("metawiki", page, listed(names))
    run(cfg)
    farm.with_readonly_login(Path(cfg), tmp_path)  # BanBot@readonly: grant basic only
    age(cfg, hours=25)
    code, out, err = banbot("run", "--config", cfg, "--format", "json", "-v")
    assert out["verification"].startswith("full re-read: the logs cannot prove nothing changed"), (out, err)
    assert "suppressionlog" in out["verification"], out
    assert "observe: 5 accounts" in err, err


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_verification_of_a_hundred_accounts_costs_what_the_logs_name(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    """The figures of issue 20 (printed with -s): every request banbot sends (``-v -v``: session requests
    included) for a due verification of N = 100 listed accounts, one of them changed by hand, from the logs
    and as a full re-read (what every verification was before)."""
    if mode == "centralauth" and not farm.real_ca:
        pytest.skip("the CentralAuth double keeps no logs")
    n = 100
    names = [f"{uniq} Hundred {i:03d}" for i in range(n)]
    farm.make_users("metawiki", [{"name": x, "groups": ["rollbacker"] if i % 10 == 0 else []}
                                 for i, x in enumerate(names)])
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF + "[safety]\nmax_new_entries = -1\nmax_actions = -1\n")
    farm.edit("metawiki", page, listed(names))
    run(cfg)
    r = farm.post("metawiki", token="userrights", action="userrights", user=names[5], add="rollbacker")
    assert r.get("userrights", {}).get("added") == ["rollbacker"], r
    age(cfg, hours=25)
    out, from_logs, err = run(cfg)
    assert "1 of 100 accounts re-read" in out["verification"], out
    assert farm.groups("metawiki", names[5]) == []
    age(cfg, hours=25, full_days=8)
    out, full, err = run(cfg)
    assert out["verification"].startswith("full re-read"), out
    age(cfg, hours=25, logs_minutes=20)  # a verification with nothing logged since the last one
    out, quiet, err = run(cfg)
    assert "0 of 100 accounts re-read" in out["verification"], out
    print(f"\n[{mode} N={n}] due verification: from the logs {len(from_logs)} requests "
          f"(1 account re-read and its group removed), {len(quiet)} with nothing logged; full re-read {len(full)} "
          "requests")
    for label, sent in (("logs", from_logs), ("quiet", quiet), ("full", full)):
        mods: dict[str, int] = {}
        for line in sent:
            wiki, _, rest = line.split("api: ", 1)[1].partition(" ")
            key = wiki + ":" + ("logevents" if "logevents" in rest else "users" if "ususers" in rest else
                                "globaluserinfo" if "guiuser" in rest else rest.split(" ", 1)[0])
            mods[key] = mods.get(key, 0) + 1
        print(f"   {label}: " + ", ".join(f"{k} {v}" for k, v in sorted(mods.items())))
    def account_reads(sent: list[str]) -> int:
        return sum(("ususers" in line and "usprop" in line and "groupmemberships" in line) or "guiuser" in line
                   for line in sent)

    assert account_reads(from_logs) < account_reads(full)


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_new_revision_asks_the_wikis_only_about_the_names_it_adds(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    """A list that grows: the cross-check resolves, and the state read reads, only the added names; the names
    of the applied revision are asked about nowhere (and the new entry is enforced)."""
    old = make(farm, [f"{uniq} Kept {i}" for i in range(3)], ["rollbacker"])
    new = make(farm, [f"{uniq} Added"], ["rollbacker"])[0]
    cfg, page = start(farm, configure, uniq, mode, NOTICES_OFF)
    farm.edit("metawiki", page, listed(old))
    run(cfg)
    farm.edit("metawiki", page, listed(old + [new]))
    out, sent, err = run(cfg)
    assert "observe: 1 accounts" in err, err
    assert any(new in line and "ususers" in line for line in sent), sent  # the new name: resolved and read
    for name in old:
        assert not [line for line in sent if name in line and ("ususers" in line or "guiuser" in line)], (name, sent)
    assert farm.groups("enwiki", new) == [] and farm.groups("metawiki", new) == []
    if mode == "centralauth":
        assert farm.global_info(new).get("locked") is True
    else:
        assert farm.blocked("metawiki", new)
