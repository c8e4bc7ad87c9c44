"""`banbot watch`: a long-running job (Toolforge continuous job, systemd service) that enforces a trusted edit
of the list within seconds and costs one request per poll while nothing changes. See :mod:`banbot.watch`."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from banbot import terminal
from banbot.commands.run import guarded_pass
from banbot.exits import Exit
from banbot.watch import watch
from banbot.wiki.pages import latest_revisions
from banbot.wiki.session import open_farm


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pages = [args.page or cfg.list_page] + ([cfg.safety.kill_switch] if cfg.safety.kill_switch else [])
    # one long-lived, read-only session for the polls; each pass opens its own, logged in
    peeker = open_farm(cfg, login=False, simulate=True, only=[cfg.list_wiki])[cfg.list_wiki]
    if cfg.safety.kill_switch and cfg.central != cfg.list_wiki:
        switch_client = open_farm(cfg, login=False, simulate=True, only=[cfg.central])[cfg.central]

        def peek() -> dict[str, int | None]:
            return latest_revisions(peeker, pages[:1]) | latest_revisions(switch_client, pages[1:])
    else:
        def peek() -> dict[str, int | None]:
            return latest_revisions(peeker, pages)

    hours = cfg.verify_every_hours if args.verify_every is None else args.verify_every

    def run_pass(verify: bool) -> int:
        args.verify = verify  # a verification falling due re-reads every account; a new revision is a run
        return guarded_pass(cfg, args, stop)

    stats = watch(peek, run_pass, stop, poll_s=args.poll, verify_every_s=hours * 3600 if hours else None)
    if args.format == "json":
        print(terminal.document({"watch": {"stopped": True, "polls": stats.polls, "requests": peeker.counter.total(),
                                           "passes": stats.passes}}, Exit.OK, line=True), flush=True)
    else:
        print(f"watch: stopped after {stats.polls} polls ({peeker.counter.total()} requests) and {stats.passes} "
              "passes", flush=True)
    return int(Exit.OK)
