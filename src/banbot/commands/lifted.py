"""`banbot lifted`: accounts that left the list, or were struck, since the last applied revision.

Shown for a human with their current state; banbot never unlocks or unblocks anyone by itself.
"""

from __future__ import annotations

import argparse

from banbot import render
from banbot.commands import common
from banbot.enforce import EXIT_OK, EXIT_PENDING
from banbot.journal import Journal


def run(args: argparse.Namespace) -> int:
    from banbot.observe import observe
    from banbot.pipeline import settings
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    if not cfg.journal.exists():
        print("lifted: no list revision has been applied yet (the journal is empty)")
        return EXIT_OK
    journal = Journal(cfg.journal)
    farm = open_farm(cfg, login=False, simulate=True)
    bans = common.read_list(args, cfg, farm)
    last = journal.last_applied(bans.source.location, bans.source.title)
    if last is None:
        print("lifted: no list revision has been applied yet")
        return EXIT_OK
    active = {e.user for e in bans.active}
    struck = {e.user: e for e in bans.lifted}
    gone = [u for u in last[1] if u not in active]
    states = observe(farm, gone, settings(cfg, farm)) if gone else {}
    rows = []
    for name in gone:
        how = f"struck on line {struck[name].line}" if name in struck else "no longer on the list"
        st = states[name]
        now = []
        if st.locked:
            now.append("locked")
        now += [f"blocked on {a.wiki}" for a in st.local if a.blocked]
        rows.append({"user": name, "change": how, "state": ", ".join(now) or "not locked or blocked"})
    if common.fmt(args) == "json":
        print(render.to_json({"since_revid": last[0], "current_revid": bans.source.revid, "lifted": rows}))
    else:
        if rows:
            print(render.table(["user", "change", "current state"], [(r["user"], r["change"], r["state"])
                                                                       for r in rows]))
        print(f"\nlifted: {len(rows)} accounts left the list since revision {last[0]} (now {bans.source.revid}); "
              "banbot does not lift locks or blocks: a steward decides")
    return EXIT_PENDING if rows else EXIT_OK
