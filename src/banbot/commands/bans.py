"""`banbot bans`: read and parse the list."""

from __future__ import annotations

import argparse

from banbot import app, render, terminal
from banbot.exits import Exit


def run(args: argparse.Namespace) -> int:
    if args.source_file and not (args.config or args.source):
        bans = app.list_from_file(args.source_file, args.section)  # no config needed to parse a file as a ban list
    else:
        cfg = terminal.config(args)
        source = cfg.source(args.source)
        if args.source_file:
            bans = app.list_from_file(args.source_file, args.section, source.user_column, source.restricts)
        else:
            with app.reading(cfg, login=False, only=[source.wiki], source=source) as a:
                bans = a.read_list(args.page, args.section)
    code = Exit.PENDING if bans.problems else Exit.OK
    print(terminal.document(bans.to_json(), code) if terminal.output(args) == "json" else render.banlist_table(bans))
    return int(code)
