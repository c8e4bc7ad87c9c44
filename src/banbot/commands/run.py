"""`banbot run`: the scheduled job. Plans and applies within every safety rail, never prompts, never
forces, never overlaps another run, and ends with one line and an exit code fit for cron mail."""

from __future__ import annotations

import argparse

from banbot import render
from banbot.banlist import BanList
from banbot.commands import common
from banbot.enforce import EXIT_OK, EXIT_PENDING
from banbot.errors import UnsafeRun
from banbot.journal import Journal
from banbot.plan import Plan
from banbot.runlock import RunLock


def _line(bans: BanList, plan: Plan, tail: str) -> str:
    src = bans.source
    return (f"run: {src.location}:{src.title} rev {src.revid} ({len(bans.active)} active, {len(bans.lifted)} lifted, "
            f"{len(bans.problems)} unreadable rows, {len(plan.holds)} held): {tail}")


def run(args: argparse.Namespace) -> int:
    from banbot.enforce import apply_plan
    from banbot.pipeline import rails
    from banbot.wiki.gateway import WikiGateway
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    output = common.fmt(args)
    with RunLock(cfg.lock_file):
        # a dry run writes nothing, so it needs no journal; a real run refuses a missing or empty one
        journal = (Journal(cfg.journal) if cfg.journal.exists() else None) if args.dry_run else \
            common.journal_for_writes(args, cfg)
        farm = open_farm(cfg, login=True, simulate=args.dry_run)
        bans, plan = common.plan_for(args, cfg, farm, journal)
        # the rails read the wiki (the editor's groups, the kill switch): only when there is something to guard
        blockers = rails(farm, cfg, bans, plan, journal) if plan.actions else []
        if args.dry_run:
            if output == "json":
                common.show_plan(plan, output, blockers)
            else:
                print(_line(bans, plan, f"dry run, {len(plan.actions)} actions pending"
                                        + (f", held back by {', '.join(b.rule for b in blockers)}"
                                           if blockers and plan.actions else "")))
            return EXIT_PENDING if plan.actions else EXIT_OK
        if plan.actions:
            try:
                common.refuse_if_unsafe(blockers, force=False)
            except UnsafeRun as e:
                print(_line(bans, plan, str(e)))
                raise
        # also with nothing to do: rows a crashed run left "intended" are settled here
        report = apply_plan(plan, WikiGateway(farm), journal, command="run",
                            guard=common.switch_guard(farm, cfg) if plan.actions else None)
    if output == "json":
        print(render.to_json(report.to_json() | {"held": [h.data() for h in plan.holds]}))
    else:
        print(_line(bans, plan, report.line().removeprefix("apply: ")))
        for o in report.failed:
            print(f"  failed: {o.action.describe()}: {o.code} {o.info}")
    return report.exit_code
