"""`banbot apply`: carry out the reviewed plan (or plan and apply), within the safety rails."""

from __future__ import annotations

import argparse
import sys

from banbot import app, render, terminal
from banbot.actions import Plan
from banbot.banlist import BanList
from banbot.errors import PlanRejected


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    reviewed = app.load_plan_file(args.plan) if args.plan else None
    fmt = terminal.output(args)

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        bans = a.read_list(args.page, args.section)
        only = a.listed_only(bans, args.user)
        if reviewed is not None and only is None and reviewed.source.revid == bans.source.revid \
                and set(reviewed.users) < {e.user for e in bans.active}:
            only = list(reviewed.users)  # a plan made with --user is re-made for those only
        # (on a new list revision the whole list is planned: the refusal then shows every account it adds)
        plan = a.plan(bans, only)
        if reviewed is not None:
            app.check_same(reviewed, plan)
        elif args.digest and (len(args.digest) < 12 or not plan.digest.startswith(args.digest)):
            raise PlanRejected(f"the current plan's digest is {plan.digest}, not {args.digest}: the list or the farm "
                               "changed since it was reviewed; re-plan and review again")
        return bans, plan

    is_reviewed = reviewed is not None or bool(args.digest)
    # a reviewed plan file or digest, or the operator answering the prompt after seeing the plan, is a review
    policy = app.Policy(app.Command.APPLY, force=args.force, reviewed=is_reviewed or not args.yes,
                        confirm=not (args.yes or is_reviewed), init_journal=args.init_journal,
                        alone=not (args.yes or is_reviewed) and sys.stdin.isatty())
    ui = terminal.Terminal(fmt, show=not is_reviewed)
    with terminal.interruptible(lambda: ui.writing) as stop:
        done = app.write(cfg, policy, prepare, ui, stop)
    print(terminal.document(done.report.to_json(), done.report.exit_code) if fmt == "json"
          else render.report_table(done.report))
    return int(done.report.exit_code)
