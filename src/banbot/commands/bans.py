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
    print(render.to_json(bans.to_json()) if terminal.output(args) == "json" else render.banlist_table(bans))
    return int(Exit.PENDING if bans.problems else Exit.OK)
