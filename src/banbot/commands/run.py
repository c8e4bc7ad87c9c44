"""`banbot run`: the scheduled job. Plans and applies within every safety rail, never prompts, never
forces, never overlaps another run, and ends with one line and an exit code fit for cron mail."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from banbot import app, render, terminal
from banbot.actions import Action, Plan
from banbot.banlist import BanList
from banbot.config import Config
from banbot.errors import BanbotError, UnsafeRun
from banbot.exits import Exit
from banbot.safety import Blocker


def _line(bans: BanList, plan: Plan, tail: str) -> str:
    src = bans.source
    return (f"run: {src.location}:{src.title} rev {src.revid} ({len(bans.active)} active, {len(bans.lifted)} lifted, "
            f"{len(bans.problems)} unreadable rows, {len(plan.holds)} held): {tail}")


class _Cron(app.Quiet):
    """No operator: remember what was planned, for the one summary line."""

    seen: tuple[BanList, Plan] | None = None

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None:
        self.seen = (bans, plan)

    def progress(self, done: int, total: int, action: Action) -> None:
        return None


def one_pass(cfg: Config, args: argparse.Namespace, stopping: threading.Event | None = None) -> int:
    """One scheduled pass: plan and apply within every rail; prints one line (or a JSON report)."""
    ui = _Cron()
    quiet_since: list[str] = []

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        bans = a.read_list(args.page, args.section)
        verified = None if getattr(args, "verify", False) else a.unchanged(bans)
        if verified is not None:
            quiet_since.append(verified)
            return bans, Plan(bans.source, ())  # unchanged and settled: the list read was the only request
        return bans, a.plan(bans, a.changes_only(bans) if not getattr(args, "verify", False) else None)

    try:
        done = app.write(cfg, app.Policy(app.Command.RUN, init_journal=args.init_journal), prepare, ui, stopping)
    except UnsafeRun as e:
        if ui.seen:
            print(_line(*ui.seen, str(e)), flush=True)
        raise
    if quiet_since and args.format != "json":
        print(_line(done.bans, done.plan, f"unchanged since the full pass of {quiet_since[0]} (run --verify "
                                          "re-reads every account); nothing to do"), flush=True)
    elif args.format == "json":
        print(render.to_json(done.report.to_json() | {"held": [h.data() for h in done.plan.holds],
                                                      "unchanged_since": quiet_since[0] if quiet_since else None}),
              flush=True)
    else:
        print(_line(done.bans, done.plan, done.report.line().removeprefix("apply: ")), flush=True)
        for o in done.report.failed:
            print(f"  failed: {o.action.describe()}: {o.code} {o.info}", flush=True)
    return int(done.report.exit_code)


def guarded_pass(cfg: Config, args: argparse.Namespace, stopping: threading.Event) -> int:
    """A pass inside a long-running process: its errors are one line and an exit code, never the end."""
    try:
        return one_pass(cfg, args, stopping)
    except BanbotError as e:
        print(f"banbot: error: {e}", flush=True)
        return int(e.exit_code)


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    if not args.dry_run:
        return one_pass(cfg, args)
    with app.reading(cfg, login=True) as a:
        bans = a.read_list(args.page, args.section)
        plan = a.plan(bans)
        blockers = a.rails(bans, plan)
    if args.format == "json":
        terminal.show_plan(plan, args.format, blockers)
    else:
        held = f", held back by {', '.join(b.rule for b in blockers)}" if blockers else ""
        print(_line(bans, plan, f"dry run, {len(plan.actions)} actions pending{held}"))
    return int(Exit.PENDING if plan.actions else Exit.OK)
