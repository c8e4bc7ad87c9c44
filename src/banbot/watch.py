"""`banbot watch`: wait cheaply for a trusted edit, then run the same lifecycle as `banbot run`.

Waiting costs one request per poll (the list's and the kill switch's latest revision ids, read together); a new
revision of either, or a verification falling due, starts one pass — every rail, never forcing, under the run
lock, so a pass never overlaps a scheduled `banbot run`. The farm going away is logged once when it happens and
once when it comes back, with the waits growing in between. SIGTERM or SIGINT stops the wait at once and a pass
before its next write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from banbot.errors import WikiError

log = logging.getLogger(__name__)


@dataclass
class WatchStats:
    polls: int = 0
    passes: int = 0
    exit_codes: list[int] = field(default_factory=list)


def watch(peek: Callable[[], dict[str, int | None]], run_pass: Callable[[bool], int], stop: threading.Event, *,
          poll_s: float, verify_every_s: float | None = None, max_backoff_s: float = 600.0,
          clock: Callable[[], float] = time.monotonic) -> WatchStats:
    """Poll with ``peek`` every ``poll_s`` seconds; call ``run_pass`` when what it returns changes (and at the
    start), or with ``True`` (re-read every account) when ``verify_every_s`` has passed; return when ``stop``
    is set."""
    stats = WatchStats()
    seen: dict[str, int | None] | None = None
    last_pass = -float("inf")
    down_since: float | None = None
    wait = 0.0
    while not stop.wait(wait):
        stats.polls += 1
        try:
            now = peek()
        except WikiError as e:
            if down_since is None:
                down_since = clock()
                log.warning("watch: the farm does not answer (%s: %s); retrying, less often each time", e.code, e.info)
            wait = min(max(wait * 2, poll_s), max_backoff_s)
            continue
        if down_since is not None:
            log.warning("watch: the farm answers again after %.0f s", clock() - down_since)
            down_since = None
        due = verify_every_s is not None and clock() - last_pass >= verify_every_s
        if now != seen or due:
            why = "start" if seen is None else "verification due" if now == seen else f"new revision {now}"
            log.info("watch: %s: running a pass", why)
            code = run_pass(now == seen)
            stats.passes += 1
            stats.exit_codes.append(code)
            last_pass = clock()
            if code != 5:  # a pass the farm cut short is tried again at the next poll
                seen = now
        wait = poll_s
    log.info("watch: stopped after %d polls and %d passes", stats.polls, stats.passes)
    return stats
