"""`banbot journal backup PATH`: a consistent copy of the journal, also while a run writes it (SQLite's online
backup). Back the journal up this way, never with ``cp``: a lost journal is refused, a torn copy is worse."""

from __future__ import annotations

import argparse

from banbot import terminal
from banbot.exits import Exit
from banbot.journal import backup


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    done = backup(cfg.journal, args.path)
    if terminal.output(args) == "json":
        print(terminal.document(done.data(), Exit.OK))
    else:
        print(f"journal: {done.source} backed up to {done.path} (schema {done.schema}, {done.runs} runs, "
              f"{done.actions} actions, {done.size} bytes; the copy passed SQLite's quick_check)")
    return int(Exit.OK)
