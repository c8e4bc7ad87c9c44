"""`banbot plan`: the preview. Writes nothing: pywikibot's simulate mode is on as well."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from banbot import app, render, terminal
from banbot.errors import ConfigError
from banbot.exits import Exit


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    with app.reading(cfg, login=not args.anonymous) as a:
        if args.source_file:
            bans = app.list_from_file(args.source_file, args.section, cfg.user_column)
        else:
            bans = a.read_list(args.page, args.section)
        plan = a.plan(bans, a.listed_only(bans, args.user))
        blockers = a.rails(bans, plan)
    code = Exit.PENDING if plan.actions else Exit.OK
    if args.out:  # before the plan is shown: a file that cannot be written is the one document on stdout
        try:
            Path(args.out).write_text(render.to_json(terminal.plan_document(plan)) + "\n", encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot write the plan to {args.out}: {e.strerror}; choose another --out") from None
        print(f"plan written to {args.out}", file=sys.stderr)
    terminal.show_plan(plan, terminal.output(args), blockers, code)
    return int(code)
