"""`banbot run`: the scheduled job. Plans and applies within every safety rail, never prompts, never
forces, never overlaps another run, and ends with one line and an exit code fit for cron mail."""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from banbot import alerting, app, terminal
from banbot.actions import Action, Plan
from banbot.alerts import PassOutcome
from banbot.banlist import BanList
from banbot.config import Config, Source
from banbot.errors import BanbotError, UnsafeRun
from banbot.exits import Exit
from banbot.plan import union
from banbot.safety import Blocker


def _line(bans: BanList, plan: Plan, tail: str, name: str = "") -> str:
    src = bans.source
    label = f"[{name}] " if name else ""
    return (f"run: {label}{src.location}:{src.title} rev {src.revid} ({len(bans.active)} active, {len(bans.lifted)} "
            f"lifted, {len(bans.problems)} unreadable rows, {len(plan.holds)} held): {tail}")


class _Cron(app.Quiet):
    """No operator: remember what was planned, for the one summary line."""

    seen: tuple[BanList, Plan] | None = None
    blockers: Sequence[Blocker] = ()

    def __init__(self, writing: list[bool]) -> None:
        self.writing = writing  # shared by every source's pass: Ctrl-C after the first write stops cleanly

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None:
        self.seen, self.blockers = (bans, plan), blockers

    def progress(self, done: int, total: int, action: Action) -> None:
        self.writing[0] = True


@dataclass
class _Pass:
    """One source's pass: its exit code, what alerts learn of it, and what the command prints."""

    code: int
    outcome: PassOutcome | None
    text: list[str] = field(default_factory=list)
    doc: dict[str, Any] = field(default_factory=dict)


# A pass over several sources goes on after one source's error, except these, which no other source escapes.
_ENDS_EVERY_SOURCE = (Exit.LOCKED, Exit.STORAGE, Exit.INTERRUPTED, Exit.INTERNAL)


def _source_pass(cfg: Config, args: argparse.Namespace, source: Source, stop: threading.Event, writing: list[bool],
                 name: str) -> _Pass:
    ui = _Cron(writing)
    quiet_since: list[str] = []
    verification: list[str] = []  # how the accounts not read were verified (the logs), or why all were read
    verify = getattr(args, "verify", False)

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        bans = a.read_list(args.page, args.section)
        verified = None if verify else a.unchanged(bans)
        if verified is not None:
            quiet_since.append(verified)
            return bans, Plan(bans.source, ())  # unchanged and settled: the list read was the only request
        only = a.changes_only(bans) if not verify else None
        verification.append("full re-read: run --verify" if verify else a.verification or "")
        return bans, a.plan(bans, only)

    policy = app.Policy(app.Command.RUN, init_journal=args.init_journal)
    try:
        done = app.write(cfg, policy, prepare, ui, stop, source)
    except BanbotError as e:
        if not name or e.exit_code in _ENDS_EVERY_SOURCE:
            alerting.after_pass(cfg, alerting.outcome(ui.seen, ui.blockers, error=e), stop)
            if isinstance(e, UnsafeRun) and ui.seen and args.format != "json":  # JSON: the error document says it
                print(_line(*ui.seen, str(e)), flush=True)
            raise
        text = [_line(*ui.seen, str(e), name)] if ui.seen else [f"run: [{name}] error: {e}"]
        return _Pass(int(e.exit_code), alerting.outcome(ui.seen, ui.blockers, error=e), text,
                     {"error": {"kind": type(e).__name__, "message": str(e)}, "exit_code": int(e.exit_code)})
    unchanged = bool(quiet_since)
    o = alerting.outcome(ui.seen, ui.blockers, done.report, unchanged=unchanged)
    doc = done.report.to_json() | {"held": [h.data() for h in done.plan.holds],
                                   "unchanged_since": quiet_since[0] if quiet_since else None,
                                   "verification": verification[0] if verification and verification[0] else None}
    if unchanged:
        text = [_line(done.bans, done.plan, f"unchanged since the full pass of {quiet_since[0]} (run --verify "
                                            "re-reads every account); nothing to do", name)]
    else:
        note = f"; {verification[0]}" if verification and verification[0] else ""
        text = [_line(done.bans, done.plan, done.report.line().removeprefix("apply: ") + note, name)]
        text += [f"  failed: {o_.action.describe()}: {o_.code} {o_.info}" for o_ in done.report.failed]
    return _Pass(int(done.report.exit_code), o, text, doc)


def one_pass(cfg: Config, args: argparse.Namespace, stopping: threading.Event | None = None, *,
             lines: bool = False) -> int:
    """One scheduled pass over every source (or ``--source``): each read, vetted and applied on its own, so a
    source held back does not hold the others; prints one line a source (or a JSON report; ``lines``: on one
    line, for ``watch``). The exit code is the most serious of the sources'."""
    sources = app.selected_sources(cfg, getattr(args, "source", None), args.page)
    several = len(cfg.sources) > 1
    if len(sources) > 1:
        app.keep_sessions()  # each source's pass takes over the session, tokens and rights the one before set up
    writing = [False]
    passes: dict[str, _Pass] = {}
    with contextlib.ExitStack() as stack:
        stop = stopping if stopping is not None else stack.enter_context(terminal.interruptible(lambda: writing[0]))
        for source in sources:
            passes[source.name] = _source_pass(cfg, args, source, stop, writing, source.name if several else "")
            if stop.is_set():
                break
    alerting.after_passes(cfg, [p.outcome for p in passes.values()], stopping)
    code = app.worst([p.code for p in passes.values()])
    if args.format == "json":
        data = next(iter(passes.values())).doc if not several else {"sources": {n: p.doc for n, p in passes.items()}}
        print(terminal.document(data, code, line=lines), flush=True)
    else:
        for p in passes.values():
            for text in p.text:
                print(text, flush=True)
    return int(code)


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
    several = len(cfg.sources) > 1
    read: list[tuple[str, BanList, Plan, Sequence[Blocker]]] = []
    for source in app.selected_sources(cfg, getattr(args, "source", None), args.page):
        with app.reading(cfg, login=True, source=source) as a:
            bans = a.read_list(args.page, args.section)
            plan = a.plan(bans)
            read.append((source.name, bans, plan, a.rails(bans, plan)))
    plans = union([plan for _, _, plan, _ in read])  # what two lists require is counted once
    shown: list[tuple[str, Plan, Sequence[Blocker], int]] = []
    for (name, bans, _, blockers), plan in zip(read, plans, strict=True):
        shown.append((name, plan, blockers, Exit.PENDING if plan.actions else Exit.OK))
        if args.format != "json":
            held = f", held back by {', '.join(b.rule for b in blockers)}" if blockers else ""
            print(_line(bans, plan, f"dry run, {len(plan.actions)} actions pending{held}", name if several else ""))
    code = app.worst([c for *_, c in shown])
    if args.format == "json" and several:
        terminal.show_plans(shown, "json", code)
    elif args.format == "json":
        terminal.show_plan(shown[0][1], "json", shown[0][2], code)
    return int(code)
