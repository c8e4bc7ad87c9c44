"""What the commands share about the operator's side: which config, which output, the terminal's prompts."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from banbot import __version__, render
from banbot.actions import Action, Plan
from banbot.banlist import BanList
from banbot.config import Config, load_config
from banbot.errors import ConfigError
from banbot.safety import Blocker


def config(args: argparse.Namespace) -> Config:
    path = args.config or os.environ.get("BANBOT_CONFIG")
    if not path and Path("banbot.toml").exists():
        path = "banbot.toml"
    if not path:
        raise ConfigError("no config: pass --config PATH (see README: Configuration), set BANBOT_CONFIG, "
                          "or put banbot.toml in this folder")
    return load_config(path)


def output(args: argparse.Namespace) -> str:
    """The output format asked for; by default a table on a terminal and JSON for a program."""
    return str(getattr(args, "format", None) or ("table" if sys.stdout.isatty() else "json"))


def requester(args: argparse.Namespace) -> str:
    return str(getattr(args, "by", None) or os.environ.get("SUDO_USER") or getpass.getuser())


def document(data: Mapping[str, Any], code: int, *, line: bool = False) -> str:
    """A command's one JSON document: its data, the banbot that made it, and the process's exit code.
    ``line``: on one line (``watch`` prints JSON Lines, a document a pass)."""
    doc = {**data, "banbot_version": __version__, "exit_code": int(code)}
    return json.dumps(doc, ensure_ascii=False) if line else render.to_json(doc)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as JSON (also the plan file): what apply reads, and which banbot made it."""
    return plan.to_json() | {"banbot_version": __version__}


def show_plans(shown: Sequence[tuple[str, Plan, Sequence[Blocker], int]], fmt: str, code: int) -> None:
    """The plans of several sources, each under its name: one JSON document ``{"sources": {name: plan}}``,
    or each plan in turn."""
    if fmt == "json":
        print(document({"sources": {name: plan_document(plan) | {"held_back_by": [b.data() for b in blockers],
                                                                 "exit_code": int(c)}
                                    for name, plan, blockers, c in shown}}, code))
        return
    for i, (name, plan, blockers, c) in enumerate(shown):
        if fmt == "table":
            print(("\n" if i else "") + f"== {name} ==")
        show_plan(plan, fmt, blockers, c)


def show_plan(plan: Plan, fmt: str, blockers: Sequence[Blocker], code: int) -> None:
    if fmt == "json":
        print(document(plan_document(plan) | {"held_back_by": [b.data() for b in blockers]}, code))
        return
    if fmt == "wikitext":  # a document to post on-wiki: what holds the run back is the operator's, on stderr
        print(render.plan_wikitext(plan))
        if blockers and plan.actions:
            print(render.blockers_text(blockers).lstrip("\n"), file=sys.stderr)
        return
    print(render.plan_table(plan))
    if blockers and plan.actions:
        print(render.blockers_text(blockers))


@contextmanager
def interruptible(writing: Callable[[], bool]) -> Iterator[threading.Event]:
    """Ctrl-C (SIGINT) or SIGTERM once writing has begun: the run stops before its next write and the command
    shows what was done, exit 130 (the write in flight is answered and journaled first). Before the first
    write, or a second time, it stops at once (KeyboardInterrupt): nothing, or only the journal, says more."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() or not writing():
            raise KeyboardInterrupt
        stop.set()
        print("banbot: stopping after the write in flight (Ctrl-C again stops at once)", file=sys.stderr, flush=True)

    before = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


class Terminal:
    """The operator at a terminal: the plan and what holds it back are shown before the question."""

    def __init__(self, fmt: str, *, show: bool = True) -> None:
        self.fmt = fmt
        self.showing = show and fmt != "json"
        self.writing = False  # the first write has begun (see interruptible)
        self._bar: tuple[Progress, TaskID] | None = None

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None:
        if self.showing:
            show_plan(plan, "table", blockers, 0)  # a table carries no exit code

    def confirm(self, plan: Plan) -> bool:
        if not sys.stdin.isatty():
            raise ConfigError("apply needs confirmation: review the plan, then pass --yes "
                              "(or --plan FILE / --digest D)")
        answer = input(f"apply these {len(plan.actions)} actions? [y/N] ").strip().lower()
        return answer in ("y", "yes")

    def progress(self, done: int, total: int, action: Action) -> None:
        """A progress bar on stderr when it is a terminal (rich keeps log lines above it); nothing otherwise."""
        self.writing = True
        if not sys.stderr.isatty() or self.fmt == "json":
            return
        if self._bar is None:
            bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True), redirect_stderr=True)
            self._bar = (bar, bar.add_task("applying", total=total))
            bar.start()
        bar, task = self._bar
        bar.update(task, completed=done, description=action.describe()[:50])
        if done + 1 == total:
            bar.update(task, completed=total)
            bar.stop()
            self._bar = None
