"""`banbot report --publish` on the real farm: a write like any other (:func:`banbot.app.publish_report`) —
under the run lock, and journaled as a run of its own (command ``report``) that names the page and the revision
it made, as alert lines are."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import banbot
from integration.test_operations import accounts, publish

pytestmark = pytest.mark.integration


def report_runs(cfg: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(cfg.with_name("journal.sqlite")) as db:
        rows = db.execute("SELECT why, finished, summary FROM runs WHERE command = 'report' ORDER BY id").fetchall()
    return [{"why": r[0], "finished": r[1], "summary": json.loads(r[2]) if r[2] else None} for r in rows]


def latest_revid(farm: FarmHandle, title: str) -> int:
    page = farm.get("metawiki", action="query", prop="info", titles=title)["query"]["pages"][0]
    return int(page["lastrevid"])


def test_a_published_report_edits_the_page_and_is_journaled_as_a_report_run(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 1)
    status = f"User:BanBot/Status/{uniq}"
    cfg_path = publish(farm, uniq, names, configure)
    cfg_path.write_text(cfg_path.read_text().replace('page = "User:BanBot/Status/plain"', f'page = "{status}"'))
    cfg = str(cfg_path)
    assert banbot("run", "--config", cfg)[0] == 0
    code, out, err = banbot("report", "--config", cfg, "--publish", "--format", "json")
    assert code == 0, err
    revid = out["published"]["revid"]
    assert out["published"] == {"wiki": "metawiki", "title": status, "revid": revid} and revid is not None
    assert latest_revid(farm, status) == revid  # the edit the journal names is the page's latest revision
    text = farm.text("metawiki", status) or ""
    assert f"[[User:{names[0]}|{names[0]}]] || enwiki || block || done" in text
    runs = report_runs(cfg_path)
    assert len(runs) == 1 and runs[0]["finished"]
    assert runs[0]["why"] == f"publish the results table to metawiki:{status}"
    assert runs[0]["summary"] == {"published": f"metawiki:{status}", "revid": revid}
    code, out, err = banbot("report", "--config", cfg, "--publish", "--format", "json")
    assert code == 0 and out["published"]["revid"] is None, err  # the page already said so: no edit, still a run
    assert latest_revid(farm, status) == revid
    assert [r["summary"] for r in report_runs(cfg_path)][1:] == [{"published": f"metawiki:{status}", "revid": None}]


def test_a_publish_waits_for_no_run_it_is_refused_while_one_holds_the_lock(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    names = accounts(farm, uniq, 1)
    status = f"User:BanBot/Status/{uniq}"
    cfg_path = publish(farm, uniq, names, configure)
    cfg_path.write_text(cfg_path.read_text().replace('page = "User:BanBot/Status/plain"', f'page = "{status}"'))
    lock = cfg_path.with_name("journal.sqlite.lock")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from banbot.runlock import RunLock\n"
        f"with RunLock(Path({str(lock)!r})):\n    print('held', flush=True); time.sleep(30)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, _, err = banbot("report", "--config", str(cfg_path), "--publish")
        assert code == 6 and "another banbot run holds" in err
    finally:
        holder.kill()
        holder.wait()
    assert farm.text("metawiki", status) is None and report_runs(cfg_path) == []
