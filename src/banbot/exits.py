"""banbot's exit codes, in one place: the CLI returns them, `banbot --help` lists them, cron reads them."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    PENDING = 1
    USAGE = 2
    UNSAFE = 3
    PARTIAL = 4
    ERROR = 5
    LOCKED = 6
    STORAGE = 7
    INTERNAL = 70  # sysexits' EX_SOFTWARE
    INTERRUPTED = 130


MEANING = {
    Exit.OK: "nothing to do, or everything done",
    Exit.PENDING: "a preview has pending actions, the list has problem rows, an audit found something amiss, "
                  "`check` found a problem, or `lifted` has accounts to review",
    Exit.USAGE: "usage, input, config or journal error (nothing was written)",
    Exit.UNSAFE: "a safety rail or the kill switch held the run back (nothing was written)",
    Exit.PARTIAL: "applied, but some actions failed (see the report and the journal)",
    Exit.ERROR: "the farm could not be read or written at all (down, refused, read-only, logged out)",
    Exit.LOCKED: "another banbot run holds the lock (this run did nothing)",
    Exit.STORAGE: "the journal could not be written: its disk is full or failing (free space or fix the disk, then run "
                  "again; the journal is intact)",
    Exit.INTERNAL: "an internal error: a bug in banbot or pywikibot (one line; -v -v shows the traceback)",
    Exit.INTERRUPTED: "interrupted by Ctrl-C or SIGTERM: what was done before is shown, the rest is left",
}


def help_text() -> str:
    return "exit codes:\n" + "\n".join(f"  {int(code):<4} {text}" for code, text in MEANING.items())
