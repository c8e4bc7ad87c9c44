"""The deployment examples in deploy/ parse, and the command each one runs does a real run on the farm."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from devfarm.farm import FarmHandle

from banbot.journal import Journal
from integration.test_operations import accounts, blocked_anywhere, publish

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def valid_cron(schedule: str) -> bool:
    fields = schedule.split()
    return len(fields) == 5 and all(CRON_FIELD.match(f) for f in fields)


def a_list(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> tuple[Path, str]:
    names = accounts(farm, uniq, 1)
    return publish(farm, uniq, names, configure), names[0]


def test_the_crontab_line_runs_banbot_and_stays_quiet_when_clean(farm: FarmHandle, configure: Callable[..., Path],
                                                                 uniq: str, tmp_path: Path) -> None:
    lines = [ln for ln in (DEPLOY / "crontab").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    env = [ln for ln in lines if re.match(r"^[A-Z_]+=", ln)]
    jobs = [ln for ln in lines if ln not in env]
    assert env == ["MAILTO=ops@example.org"] and len(jobs) == 2
    cfg, name = a_list(farm, configure, uniq)
    (tmp_path / "backups").mkdir()
    for job in jobs:  # the hourly run, then the daily backup of its journal
        fields = job.split(None, 5)
        assert valid_cron(" ".join(fields[:5]))
        command = (fields[5].replace("/srv/banbot", str(ROOT)).replace("/etc/banbot/banbot.toml", str(cfg))
                   .replace("/var/tmp/banbot-last-run.log", str(tmp_path / "last.log"))
                   .replace("/var/backups/banbot", str(tmp_path / "backups")))
        res = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
        assert res.returncode == 0 and res.stdout == "", res.stdout + res.stderr  # a clean run mails nothing
    assert blocked_anywhere(farm, name)
    assert "2 blocked, 2 notified" in (tmp_path / "last.log").read_text()  # the one summary line
    backups = list((tmp_path / "backups").glob("journal-*.sqlite"))
    assert len(backups) == 1 and Journal(backups[0]).history()  # the run's actions, in a journal that opens


def test_the_systemd_units_verify_and_the_service_command_runs(farm: FarmHandle, configure: Callable[..., Path],
                                                               uniq: str, tmp_path: Path) -> None:
    cfg, name = a_list(farm, configure, uniq)
    service = ((DEPLOY / "banbot.service").read_text().replace("/srv/banbot", str(ROOT))
               .replace("/etc/banbot/banbot.toml", str(cfg)).replace("=banbot\n", "=root\n"))
    (tmp_path / "banbot.service").write_text(service)
    shutil.copy(DEPLOY / "banbot.timer", tmp_path / "banbot.timer")
    if shutil.which("systemd-analyze"):
        res = subprocess.run(["systemd-analyze", "verify", "banbot.service", "banbot.timer"], cwd=tmp_path,
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
    exec_start = next(ln.split("=", 1)[1] for ln in service.splitlines() if ln.startswith("ExecStart="))
    res = subprocess.run(shlex.split(exec_start), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    assert blocked_anywhere(farm, name)
    timer = (DEPLOY / "banbot.timer").read_text()
    assert "OnCalendar=hourly" in timer and "Persistent=true" in timer


def test_the_toolforge_job_is_a_valid_scheduled_job_that_runs(farm: FarmHandle, configure: Callable[..., Path],
                                                              uniq: str) -> None:
    jobs = {j["name"]: j for j in yaml.safe_load((DEPLOY / "toolforge-jobs.yaml").read_text())}
    job = jobs["banbot"]
    assert set(job) == {"name", "image", "command", "schedule", "emails"}
    assert job["image"].startswith("python3.") and job["emails"] in ("none", "all", "onfinish", "onfailure")
    assert valid_cron(job["schedule"])
    cfg, name = a_list(farm, configure, uniq)
    command = job["command"].replace("$HOME/banbot.toml", str(cfg)).replace("$HOME/banbot", str(ROOT))
    res = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert blocked_anywhere(farm, name)


def run_until_enforced(command: list[str] | str, name: str, farm: FarmHandle, *, shell: bool = False) -> str:
    """Start a long-running command, wait until ``name`` is blocked, stop it with SIGTERM; its output."""
    import signal
    import time

    proc = subprocess.Popen(command, shell=shell, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not blocked_anywhere(farm, name) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        assert blocked_anywhere(farm, name), proc.communicate(timeout=5)[0] if proc.poll() is not None else ""
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, out
    return out


def test_the_toolforge_continuous_job_watches_and_stops_on_sigterm(farm: FarmHandle,
                                                                    configure: Callable[..., Path],
                                                                    uniq: str) -> None:
    jobs = {j["name"]: j for j in yaml.safe_load((DEPLOY / "toolforge-jobs.yaml").read_text())}
    job = jobs["banbot-watch"]
    assert job["continuous"] is True and "schedule" not in job
    cfg, name = a_list(farm, configure, uniq)
    command = job["command"].replace("$HOME/banbot.toml", str(cfg)).replace("$HOME/banbot", str(ROOT))
    out = run_until_enforced(["bash", "-c", "exec " + command.split("&& ", 1)[1]], name, farm)
    assert '"message": "watch: stopped' in out or "watch: stopped" in out


def test_the_systemd_watch_service_verifies_and_its_command_watches(farm: FarmHandle,
                                                                     configure: Callable[..., Path],
                                                                     uniq: str, tmp_path: Path) -> None:
    cfg, name = a_list(farm, configure, uniq)
    service = ((DEPLOY / "banbot-watch.service").read_text().replace("/srv/banbot", str(ROOT))
               .replace("/etc/banbot/banbot.toml", str(cfg)).replace("=banbot\n", "=root\n"))
    (tmp_path / "banbot-watch.service").write_text(service)
    if shutil.which("systemd-analyze"):
        res = subprocess.run(["systemd-analyze", "verify", "banbot-watch.service"], cwd=tmp_path,
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
    exec_start = next(ln.split("=", 1)[1] for ln in service.splitlines() if ln.startswith("ExecStart="))
    assert "KillSignal=SIGTERM" in service and "Type=simple" in service
    run_until_enforced(shlex.split(exec_start), name, farm)
