"""`banbot apply`: carry out the reviewed plan (or plan and apply), within the safety rails."""

from __future__ import annotations

import argparse

from banbot import render
from banbot.commands import common
from banbot.errors import PlanRejected
from banbot.runlock import RunLock


def run(args: argparse.Namespace) -> int:
    from banbot.enforce import apply_plan
    from banbot.pipeline import build_plan, check_same, load_plan_file, rails
    from banbot.wiki.gateway import WikiGateway
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    reviewed = load_plan_file(args.plan) if args.plan else None
    output = common.fmt(args)
    with RunLock(cfg.lock_file):
        journal = common.journal_for_writes(args, cfg)  # missing or empty: refused
        farm = open_farm(cfg, login=True)
        bans = common.read_list(args, cfg, farm, journal)
        only = common.listed_only(bans, common.names(args.user))
        # a reviewed plan made for some accounts only (plan --user) is re-made for those accounts only
        subset = reviewed is not None and set(reviewed.users) != {e.user for e in bans.active}
        if reviewed is not None and subset and only is None:
            only = common.listed_only(bans, list(reviewed.users))
        plan = build_plan(farm, cfg, bans, journal, only)
        if reviewed is not None:
            check_same(reviewed, plan)
        elif args.digest:
            if len(args.digest) < 12 or not plan.digest.startswith(args.digest):
                raise PlanRejected(f"the current plan's digest is {plan.digest}, not {args.digest}: the list or the "
                                   "farm changed since it was reviewed; re-plan and review again")
        else:
            if output != "json":
                print(render.plan_table(plan))
            common.confirm(plan, args.yes)
        common.refuse_if_unsafe(rails(farm, cfg, bans, plan, journal), args.force,
                                reviewed=reviewed is not None or bool(args.digest))
        report = apply_plan(plan, WikiGateway(farm), journal, progress=common.progress_bar(output),
                            record_list=only is None, guard=common.switch_guard(farm, cfg))
    print(render.to_json(report.to_json()) if output == "json" else render.report_table(report))
    return report.exit_code
