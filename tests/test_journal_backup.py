"""`banbot journal backup PATH`: a consistent, checked copy of the journal, also while a run is writing it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from banbot.cli import main
from banbot.journal import SCHEMA_VERSION, Journal

WRITER = textwrap.dedent('''
    import sys, time
    from banbot.journal import Journal, Status
    from banbot.plan import Block
    journal = Journal(sys.argv[1])
    print("writing", flush=True)
    end = time.monotonic() + float(sys.argv[2])
    n = 0
    while time.monotonic() < end:  # as a run writes: a run row, then each action intended and its outcome
        run = journal.start_run("run", location="metawiki", title="L", revid=n)
        for i in range(5):
            row = journal.intend(run, Block(f"User {n} {i}", "enwiki", "ban"))
            time.sleep(0.005)  # the request (a run waits far longer for each wiki's answer)
            journal.record(row, Status.DONE)
        journal.finish_run(run, {"blocked": 5})
        n += 1
    print(n, flush=True)
''')


def config(tmp_path: Path) -> str:
    path = tmp_path / "banbot.toml"
    path.write_text('[list]\npage = "Global bans/List"\n[farm]\nmode = "plain"\n'
                    '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
                    f'[journal]\npath = "{tmp_path / "journal.sqlite"}"\n')
    return str(path)


def test_a_backup_taken_while_a_run_writes_is_a_consistent_journal(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path)
    Journal(tmp_path / "journal.sqlite").close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "journal.sqlite"), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    seen = []
    while writer.poll() is None:
        dest = tmp_path / f"backup-{len(seen)}.sqlite"
        assert main(["journal", "backup", str(dest), "--config", cfg, "--format", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["exit_code"] == 0 and doc["schema"] == SCHEMA_VERSION and doc["backup"] == str(dest)
        copy = sqlite3.connect(str(dest))
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # one moment of the journal: every action belongs to a run in the copy, a finished run has all five
        # actions, each recorded
        orphans = copy.execute("SELECT COUNT(*) FROM actions WHERE run_id NOT IN (SELECT id FROM runs)").fetchone()
        short = copy.execute("SELECT COUNT(*) FROM runs r WHERE finished IS NOT NULL AND (SELECT COUNT(*) FROM "
                             "actions a WHERE a.run_id = r.id AND a.status = 'done') != 5").fetchone()
        assert orphans[0] == 0 and short[0] == 0
        seen.append(doc["runs"])
        copy.close()
        time.sleep(0.05)
    assert writer.returncode == 0 and len(seen) >= 3, seen
    print(f"\n{len(seen)} backups while a run wrote: runs {seen}")
    assert seen == sorted(seen) and seen[-1] > seen[0]  # the copies followed a journal being written
    assert Journal(tmp_path / f"backup-{len(seen) - 1}.sqlite").version == SCHEMA_VERSION  # it opens as a journal


def test_a_backup_names_what_it_copied_and_refuses_what_it_cannot(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path)
    assert main(["journal", "backup", str(tmp_path / "b.sqlite"), "--config", cfg, "--format", "table"]) == 2
    assert "no journal at" in capsys.readouterr().err and not (tmp_path / "b.sqlite").exists()
    Journal(tmp_path / "journal.sqlite").close()
    assert main(["journal", "backup", str(tmp_path / "b.sqlite"), "--config", cfg, "--format", "table"]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert main(["journal", "backup", str(tmp_path / "journal.sqlite"), "--config", cfg]) == 2
    assert "the journal itself" in capsys.readouterr().err
    assert main(["journal", "backup", str(tmp_path / "no" / "b.sqlite"), "--config", cfg]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []  # no half-written copy left
