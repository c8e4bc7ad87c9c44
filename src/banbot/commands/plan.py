"""`banbot plan`: the preview. Writes nothing: pywikibot's simulate mode is on as well."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from banbot import render
from banbot.commands import common
from banbot.enforce import EXIT_OK, EXIT_PENDING
from banbot.journal import Journal


def run(args: argparse.Namespace) -> int:
    from banbot.pipeline import rails
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    journal = Journal(cfg.journal) if cfg.journal.exists() else None
    farm = open_farm(cfg, login=not args.anonymous, simulate=True)
    bans, plan = common.plan_for(args, cfg, farm, journal)
    blockers = rails(farm, cfg, bans, plan, journal)
    common.show_plan(plan, common.fmt(args), blockers)
    if args.out:
        Path(args.out).write_text(render.to_json(plan.to_json()) + "\n", encoding="utf-8")
        print(f"plan written to {args.out}", file=sys.stderr)
    return EXIT_PENDING if plan.actions else EXIT_OK
