"""`banbot lifted`: accounts that left the list since the last applied revision. banbot never lifts a lock
or a block itself: a steward decides."""

from __future__ import annotations

import argparse

from banbot import app, render, terminal
from banbot.exits import Exit
from banbot.review import lifted_rows


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    with app.reading(cfg, login=False) as a:
        bans = a.read_list(args.page, args.section)
        last = a.journal.last_applied(bans.source.location, bans.source.title) if a.journal else None
        if last is None:
            if terminal.output(args) == "json":
                print(terminal.document({"since_revid": None, "current_revid": bans.source.revid, "lifted": []},
                                        Exit.OK))
            else:
                print("lifted: no list revision has been applied yet")
            return int(Exit.OK)
        active = {e.user for e in bans.active}
        gone = [u for u in last[1] if u not in active]
        rows = lifted_rows(last[1], bans, a.observe(gone) if gone else {})
    code = Exit.PENDING if rows else Exit.OK
    if terminal.output(args) == "json":
        print(terminal.document({"since_revid": last[0], "current_revid": bans.source.revid, "lifted": rows}, code))
    else:
        if rows:
            print(render.table(["user", "change", "current state"], [(r["user"], r["change"], r["state"])
                                                                       for r in rows]))
        print(f"\nlifted: {len(rows)} accounts left the list since revision {last[0]} (now {bans.source.revid}); "
              "banbot does not lift locks or blocks: a steward decides")
    return int(code)
