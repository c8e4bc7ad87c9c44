"""`banbot enforce NAME --reason TEXT`: a steward enforces one account now, listed or not.

The same plan, preview, confirmation and journal as for the list; the request (who asked, and why) stands
in for the list revision, and the journal records both.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from banbot import app, render, terminal
from banbot.actions import Plan
from banbot.banlist import BanList
from banbot.errors import ConfigError
from banbot.exits import Exit

NOTICE = "Your account has been restricted on the wikis of this farm: {reason} <!-- {marker} --> ~~~~"


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    names = app.canonical_names([args.name])
    name = names[0] if names else args.name
    reason = args.reason.strip()
    if len(reason) < 5:
        raise ConfigError("--reason must say why (it goes into the log entries and the notice)")
    who = terminal.requester(args)
    fmt = terminal.output(args)
    full_reason = f"{reason} (requested by {who})"

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        s = a.settings()
        s = dataclasses.replace(s, enforce=dataclasses.replace(
            s.enforce, reason=full_reason, notices={"en": NOTICE.replace("{reason}", full_reason)}))
        bans = a.request(name, who)
        return bans, a.plan(bans, s=s)

    policy = app.Policy(app.Command.ENFORCE, confirm=not args.yes, init_journal=args.init_journal,
                        requested_by=who, why=reason, alone=not args.yes and sys.stdin.isatty())
    ui = terminal.Terminal(fmt)
    with terminal.interruptible(lambda: ui.writing) as stop:
        done = app.write(cfg, policy, prepare, ui, stop)
    held = [h for h in done.plan.holds if h.user == name]
    code = done.report.exit_code
    if code == Exit.OK and held and not done.report.outcomes:
        code = Exit.PENDING  # nothing was enforced: the account does not exist, or is held for a human
    if fmt == "json":
        print(terminal.document(done.report.to_json() | {"holds": [h.data() for h in done.plan.holds]}, code))
    else:
        print(render.report_table(done.report))
        for h in held:
            print(f"held: {h.user}{' on ' + h.wiki if h.wiki else ''}: {h.reason}")
    return int(code)
