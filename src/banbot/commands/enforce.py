"""`banbot enforce NAME --reason TEXT`: a steward enforces one account now, listed or not.

The same plan, preview, confirmation and journal as for the list; the request (who asked, and why) stands
in for the list revision, and the journal records both.
"""

from __future__ import annotations

import argparse
import dataclasses

from banbot import render
from banbot.banlist import BanEntry, BanList, ListSource
from banbot.commands import common
from banbot.errors import ConfigError
from banbot.plan import make_plan
from banbot.runlock import RunLock

NOTICE = ("Your account has been restricted on the wikis of this farm: {reason} <!-- {marker} --> ~~~~")


def run(args: argparse.Namespace) -> int:
    from banbot.enforce import apply_plan
    from banbot.observe import observe
    from banbot.pipeline import kill_switch, settings
    from banbot.wiki.gateway import WikiGateway
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    name = (common.names([args.name]) or [args.name])[0]
    reason = args.reason.strip()
    if len(reason) < 5:
        raise ConfigError("--reason must say why (it goes into the log entries and the notice)")
    who = common.requester(args)
    output = common.fmt(args)
    with RunLock(cfg.lock_file):
        journal = common.journal_for_writes(args, cfg)  # missing or empty: refused
        farm = open_farm(cfg, login=True)
        s = settings(cfg, farm)
        full_reason = f"{reason} (requested by {who})"
        s = dataclasses.replace(s, enforce=dataclasses.replace(
            s.enforce, reason=full_reason, notices={"en": NOTICE.replace("{reason}", full_reason)}))
        source = ListSource("request", who, title=f"request by {who}")
        bans = BanList(source, None, (BanEntry(name, None, False, 0, f"banbot enforce {name}"),), ())
        plan = make_plan(bans, observe(farm, [name], s, journal.settled_users()), s, completed=journal.completed())
        if output != "json":
            print(render.plan_table(plan))
        switch = kill_switch(farm, cfg)
        common.refuse_if_unsafe([switch] if switch else [], force=False)
        common.confirm(plan, args.yes)
        report = apply_plan(plan, WikiGateway(farm), journal, command="enforce", requested_by=who, why=reason,
                            record_list=False, guard=common.switch_guard(farm, cfg))
    print(render.to_json(report.to_json() | {"holds": [h.data() for h in plan.holds]}) if output == "json"
          else render.report_table(report))
    return report.exit_code
