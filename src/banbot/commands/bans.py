"""`banbot bans`: read and parse the list."""

from __future__ import annotations

import argparse

from banbot import render
from banbot.commands import common
from banbot.enforce import EXIT_OK, EXIT_PENDING


def run(args: argparse.Namespace) -> int:
    from banbot.pipeline import list_from_file

    if args.source_file:
        bans = list_from_file(args.source_file, args.section)
    else:
        cfg = common.config(args)
        from banbot.wiki.session import open_farm

        farm = open_farm(cfg, login=False, simulate=True, only=[cfg.list_wiki])
        bans = common.read_list(args, cfg, farm)
    print(render.to_json(bans.to_json()) if common.fmt(args) == "json" else render.banlist_table(bans))
    return EXIT_PENDING if bans.problems else EXIT_OK
