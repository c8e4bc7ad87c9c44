"""`banbot watch`: a long-running job (Toolforge continuous job, systemd service) that enforces a trusted edit
of the list within seconds and costs one request per poll while nothing changes. See :mod:`banbot.watch`."""

from __future__ import annotations

import argparse
import signal
import threading
import time
from types import FrameType

from banbot import alerting, app, terminal
from banbot.commands.run import guarded_pass
from banbot.errors import WikiError
from banbot.exits import Exit
from banbot.watch import watch

IDLE_ALERTS_S = 300.0


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # long-lived, read-only sessions for the polls, one request a wiki; each pass opens its own farm, logged in, and
    # takes over the sessions (tokens, rights) the passes before it set up, rechecked at no cost (issue 20)
    app.keep_sessions()
    sources = app.selected_sources(cfg, args.source, args.page)
    peek = app.Poll(cfg, app.watched_pages(cfg, sources, args.page))

    hours = cfg.verify_every_hours if args.verify_every is None else args.verify_every
    ticked = [-float("inf")]

    def peek_and_alert() -> dict[str, int | None]:
        """A poll; between passes, alerts learn of the farm failing or answering again and the hourly login
        check falls due (every few minutes at most; no request unless the check is due)."""
        try:
            got = peek()
        except WikiError as e:
            alerting.after_pass(cfg, alerting.outcome(None, (), error=e), stop)
            ticked[0] = -float("inf")  # the first poll that answers again says so at once
            raise
        if time.monotonic() - ticked[0] >= IDLE_ALERTS_S:
            ticked[0] = time.monotonic()
            alerting.after_pass(cfg, alerting.idle(), stop)
        return got

    def run_pass(verify: bool) -> int:
        args.verify = verify  # a verification falling due re-reads every account; a new revision is a run
        return guarded_pass(cfg, args, stop)

    stats = watch(peek_and_alert, run_pass, stop, poll_s=args.poll, verify_every_s=hours * 3600 if hours else None)
    if args.format == "json":
        print(terminal.document({"watch": {"stopped": True, "polls": stats.polls, "requests": peek.requests(),
                                           "passes": stats.passes}}, Exit.OK, line=True), flush=True)
    else:
        print(f"watch: stopped after {stats.polls} polls ({peek.requests()} requests) and {stats.passes} "
              "passes", flush=True)
    return int(Exit.OK)
