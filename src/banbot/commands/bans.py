"""`banbot bans`: read and parse the list."""

from __future__ import annotations

import argparse

from banbot import app, render, terminal
from banbot.exits import Exit


def run(args: argparse.Namespace) -> int:
    if args.source_file:
        bans = app.list_from_file(args.source_file, args.section)
    else:
        cfg = terminal.config(args)
        with app.reading(cfg, login=False, only=[cfg.list_wiki]) as a:
            bans = a.read_list(args.page, args.section)
    code = Exit.PENDING if bans.problems else Exit.OK
    print(terminal.document(bans.to_json(), code) if terminal.output(args) == "json" else render.banlist_table(bans))
    return int(code)
