"""Faults on the real farm: a crash after every write, transient errors on a fifth of the requests,
permanent errors, and a broken journal. Checked on the wikis, not only in the journal."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from conftest import crash_points
from integration.conftest import LISTED, baseline

pytestmark = pytest.mark.integration
WIKIS = ("metawiki", "enwiki", "zhwiki")
MARK = "banbot:global-ban-notice"


def setup_list(farm: FarmHandle, uniq: str, mode: str, n: int,
               configure: Callable[..., Path]) -> tuple[Path, list[str]]:
    """``n`` accounts listed on ``Bans/<uniq>`` by the Admin after a baseline run; the config and the names."""
    names = [f"{uniq} F{i}" for i in range(n)]
    for db in WIKIS:
        farm.make_users(db, [{"name": x, "groups": ["rollbacker"] if db != "metawiki" else []} for x in names])
    if mode == "centralauth":
        farm.set_global({x: {"groups": ["global-rollbacker"]} for x in names})
    page = f"Bans/{uniq}"
    cfg = configure(mode, page)
    baseline(farm, cfg, page)
    farm.edit("metawiki", page, "\n".join(f"* [[User:{x}]], since {LISTED}" for x in names))
    return cfg, names


def log_count(farm: FarmHandle, db: str, kind: str, name: str) -> int:
    return len(farm.get(db, action="query", list="logevents", letype=kind, letitle=f"User:{name}",
                        lelimit=50)["query"]["logevents"])


def rights_changes(farm: FarmHandle, mode: str, db: str, name: str) -> int:
    """Rights log entries for ``name`` on ``db``: on the wiki itself, or (CentralAuth: user=Name@db from the
    central wiki) in the central wiki's log."""
    if mode == "centralauth":
        return log_count(farm, "metawiki", "rights", f"{name}@{db}")
    return log_count(farm, db, "rights", name)


def assert_enforced_exactly_once(farm: FarmHandle, mode: str, names: list[str]) -> None:
    for x in names:
        for db in (WIKIS if mode == "plain" else ("metawiki",)):  # plain farms: a notice on each wiki
            assert farm.text(db, f"User talk:{x}").count(MARK) == 1, (x, db)
        for db in WIKIS:
            have, block = farm.account(db, x)  # groups and block from one read
            assert have == [], (x, db)
            expected_rights = 1 if db != "metawiki" else 0
            assert rights_changes(farm, mode, db, x) == expected_rights, (x, db)
            if mode == "plain":
                assert block and log_count(farm, db, "block", x) == 1, (x, db)
        if mode == "centralauth":
            info = farm.global_info(x)
            assert info["locked"] is True and info["groups"] == []
            log = farm.lock_log(x)
            assert len(log) == 1, x


def run_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def banbot_env(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "banbot", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize("mode, accounts, writes", [("plain", 1, 8), ("centralauth", 1, 5)])
def test_a_crash_after_any_write_loses_and_doubles_nothing(farm: FarmHandle, configure: Callable[..., Path],
                                                           uniq: str, mode: str, accounts: int, writes: int,
                                                           tmp_path: Path) -> None:
    for k in crash_points(writes):  # every write by default; a sample under scripts/test --fast
        (tmp_path / "journal.sqlite").unlink(missing_ok=True)  # each crash on a journal of its own
        cfg_path, names = setup_list(farm, f"{uniq}k{k}", mode, accounts, configure)
        cfg = str(cfg_path)
        crashed = banbot_env(run_env(BANBOT_TEST_KILL_AFTER_WRITES=str(k)), "run", "--config", cfg)
        assert crashed.returncode == -9, (k, crashed.stderr[-2000:])
        again = banbot_env(run_env(), "run", "--config", cfg, "--format", "json")
        assert again.returncode == 0, (k, again.stdout, again.stderr[-2000:])
        report = json.loads(again.stdout)
        assert len([o for o in report["outcomes"] if o["status"] == "done"]) == writes - k, k
        assert len(report["settled_from_crash"]) == 1 and report["settled_from_crash"][0].endswith(": verified")
        assert_enforced_exactly_once(farm, mode, names)
        rows = sqlite3.connect(str(Path(cfg).with_name("journal.sqlite"))).execute(
            "SELECT key, status FROM actions").fetchall()
        confirmed = [key for key, status in rows if status in ("done", "already", "verified")]
        assert len(confirmed) == len(set(confirmed)) == writes, (k, rows)


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def fast_retries(farm: FarmHandle, cfg: Path) -> str:
    """The config's text, pointed at a copy of the farm's pywikibot folder whose retries do not wait (the farm's
    retry_wait = 1, retry_max = 2: up to 2 s a fault). pywikibot retries the same requests as often
    (max_retries is the farm's); only the pause before each retry is gone. The proxy's faults are seeded and
    banbot sends its requests one after another, so the same requests meet the same faults either way."""
    src = Path(farm.info["pywikibot_dir"])
    pwb = cfg.parent / "pywikibot-fast-retries"
    shutil.copytree(src, pwb)
    with (pwb / "user-config.py").open("a") as f:
        f.write("\nretry_wait = 0\nretry_max = 0\n")
    old = f"pywikibot_dir = {json.dumps(str(src))}"
    text = cfg.read_text()
    assert old in text
    return text.replace(old, f"pywikibot_dir = {json.dumps(str(pwb))}")


@pytest.fixture
def faulty(farm: FarmHandle) -> Iterator[Callable[[str, Path], Path]]:
    """Route a config's wikis through the fault proxy: 20 % of API requests meet a transient fault."""
    procs: list[subprocess.Popen[str]] = []

    def route(mode: str, cfg: Path) -> Path:
        text = fast_retries(farm, cfg)
        apis = sorted({line.split('"')[1] for line in text.splitlines() if line.startswith("api = ")})
        ports = free_ports(len(apis))
        maps = [f"{p}={api}" for p, api in zip(ports, apis, strict=True)]
        proxy = Path(__file__).parents[2] / "devfarm" / "doubles" / "fault_proxy.py"
        proc = subprocess.Popen([sys.executable, str(proxy),
                                 "--rate", "0.2", "--seed", "7", *sum((["--map", m] for m in maps), [])],
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline().strip() == "ready"
        for port, api in zip(ports, apis, strict=True):
            text = text.replace(f'api = "{api}"', f'api = "http://127.0.0.1:{port}/api.php"')
        cfg.write_text(text)
        return cfg

    yield route
    for p in procs:
        p.kill()
        p.wait()


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_transient_errors_on_a_fifth_of_requests_lose_and_double_nothing(
        farm: FarmHandle, configure: Callable[..., Path], faulty: Callable[[str, Path], Path], uniq: str,
        mode: str) -> None:
    cfg_path, names = setup_list(farm, uniq, mode, 3, configure)
    cfg = faulty(mode, cfg_path)
    outcomes = []
    for _ in range(3):  # bounded: pywikibot retries each request; a run may still leave a few for the next
        res = banbot_env(run_env(), "run", "--config", str(cfg), "--format", "json")
        outcomes.append(res.returncode)
        if res.returncode == 0:
            break
        assert res.returncode in (4, 5), res.stderr[-3000:]
    assert outcomes[-1] == 0, outcomes
    assert_enforced_exactly_once(farm, mode, names)


def test_permanent_errors_are_reported_per_action_and_the_run_goes_on(farm: FarmHandle, ca_farm, uniq: str,
                                                                      tmp_path: Path) -> None:
    from banbot.banlist import ListSource
    from banbot.enforce import apply_plan
    from banbot.exits import Exit
    from banbot.journal import Journal
    from banbot.plan import Block, Plan, RemoveLocalGroups
    from banbot.wiki.gateway import WikiGateway

    ok, other = f"{uniq} Ok", f"{uniq} Eliminator"
    farm.make_users("enwiki", [{"name": ok}, {"name": other, "groups": ["eliminator"]}])
    plan = Plan(ListSource("request", "test"), (
        Block(f"{uniq} Nobody", "enwiki", "ban"),                                   # nosuchuser
        RemoveLocalGroups(other, "enwiki", "ban", groups=("eliminator",), via_central=True),  # a missing group
        Block(ok, "enwiki", "ban"),                                                  # fine
    ))
    report = apply_plan(plan, WikiGateway(ca_farm), Journal(tmp_path / "j.sqlite"))
    assert report.exit_code == Exit.PARTIAL
    assert [(o.status, o.code) for o in report.outcomes] == [
        ("failed", "nosuchuser"), ("failed", "groups-not-removed"), ("done", None)]
    assert farm.groups("enwiki", other) == ["eliminator"] and farm.blocked("enwiki", ok)


def test_a_corrupt_or_locked_journal_stops_the_run_before_any_write(farm: FarmHandle,
                                                                    configure: Callable[..., Path],
                                                                    uniq: str) -> None:
    cfg, names = setup_list(farm, uniq, "plain", 1, configure)
    journal = cfg.with_name("journal.sqlite")
    journal.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    res = banbot_env(run_env(), "run", "--config", str(cfg))
    assert res.returncode == 2 and "journal" in res.stderr and "no wiki was written" in res.stderr
    assert not farm.blocked("metawiki", names[0]) and farm.groups("enwiki", names[0]) == ["rollbacker"]
    journal.unlink()
    holder = sqlite3.connect(str(journal), isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS hold (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        res = banbot_env(run_env(), "run", "--config", str(cfg))
        assert res.returncode == 2 and "locked" in res.stderr and "no wiki was written" in res.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not farm.blocked("metawiki", names[0])
