"""`banbot run`: the scheduled job. Plans and applies within every safety rail, never prompts, never
forces, never overlaps another run, and ends with one line and an exit code fit for cron mail."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from banbot import alerting, app, terminal
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
    blockers: Sequence[Blocker] = ()
    writing = False

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None:
        self.seen, self.blockers = (bans, plan), blockers

    def progress(self, done: int, total: int, action: Action) -> None:
        self.writing = True


def one_pass(cfg: Config, args: argparse.Namespace, stopping: threading.Event | None = None, *,
             lines: bool = False) -> int:
    """One scheduled pass: plan and apply within every rail; prints one line (or a JSON report; ``lines``: on
    one line, for ``watch``)."""
    ui = _Cron()
    quiet_since: list[str] = []

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        bans = a.read_list(args.page, args.section)
        verified = None if getattr(args, "verify", False) else a.unchanged(bans)
        if verified is not None:
            quiet_since.append(verified)
            return bans, Plan(bans.source, ())  # unchanged and settled: the list read was the only request
        return bans, a.plan(bans, a.changes_only(bans) if not getattr(args, "verify", False) else None)

    policy = app.Policy(app.Command.RUN, init_journal=args.init_journal)
    try:
        if stopping is not None:  # watch: its own signal handlers
            done = app.write(cfg, policy, prepare, ui, stopping)
        else:
            with terminal.interruptible(lambda: ui.writing) as stop:
                done = app.write(cfg, policy, prepare, ui, stop)
    except UnsafeRun as e:
        alerting.after_pass(cfg, alerting.outcome(ui.seen, ui.blockers, error=e), stopping)
        if ui.seen and args.format != "json":  # JSON: the error document says it
            print(_line(*ui.seen, str(e)), flush=True)
        raise
    except BanbotError as e:
        alerting.after_pass(cfg, alerting.outcome(ui.seen, ui.blockers, error=e), stopping)
        raise
    alerting.after_pass(cfg, alerting.outcome(ui.seen, ui.blockers, done.report, unchanged=bool(quiet_since)),
                        stopping)
    if quiet_since and args.format != "json":
        print(_line(done.bans, done.plan, f"unchanged since the full pass of {quiet_since[0]} (run --verify "
                                          "re-reads every account); nothing to do"), flush=True)
    elif args.format == "json":
        print(terminal.document(done.report.to_json() | {"held": [h.data() for h in done.plan.holds],
                                                         "unchanged_since": quiet_since[0] if quiet_since else None},
                                done.report.exit_code, line=lines), flush=True)
    else:
        print(_line(done.bans, done.plan, done.report.line().removeprefix("apply: ")), flush=True)
        for o in done.report.failed:
            print(f"  failed: {o.action.describe()}: {o.code} {o.info}", flush=True)
    return int(done.report.exit_code)


def guarded_pass(cfg: Config, args: argparse.Namespace, stopping: threading.Event) -> int:
    """A pass inside a long-running process: its errors are one line (JSON: one JSON line) and an exit code,
    never the end."""
    try:
        return one_pass(cfg, args, stopping, lines=True)
    except BanbotError as e:
        if args.format == "json":
            print(terminal.document({"error": {"kind": type(e).__name__, "message": str(e)}}, e.exit_code, line=True),
                  flush=True)
        else:
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
    code = Exit.PENDING if plan.actions else Exit.OK
    if args.format == "json":
        terminal.show_plan(plan, args.format, blockers, code)
    else:
        held = f", held back by {', '.join(b.rule for b in blockers)}" if blockers else ""
        print(_line(bans, plan, f"dry run, {len(plan.actions)} actions pending{held}"))
    return int(code)
