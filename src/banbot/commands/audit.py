"""`banbot audit [NAME…]`: each account's state on each wiki against what the list requires.

Read-only. Exit 1 when anything is out of place: an action still pending, or an account held back from
enforcement (exempt, unattached groups, a reversed action) while the list requires it.
"""

from __future__ import annotations

import argparse

from banbot import app, render, terminal
from banbot.exits import Exit
from banbot.plan import make_plan
from banbot.review import audit_rows


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    with app.reading(cfg, login=not args.anonymous, source=cfg.source(args.source)) as a:
        bans = a.read_list(args.page, args.section)
        listed = [e.user for e in bans.active]
        wanted = app.canonical_names(args.name) or listed
        s = a.settings()
        states = a.observe(wanted, s)
        completed = a.journal.completed() if a.journal else {}
        plan = make_plan(bans, states, s, only=[n for n in wanted if n in listed], completed=completed)
    requires = "restricted" if a.source.restricts else "banned"
    rows, out_of_place = audit_rows(wanted, listed, states, plan, requires)
    code = Exit.PENDING if out_of_place else Exit.OK
    if terminal.output(args) == "json":
        print(terminal.document({"accounts": rows, "out_of_place": sorted(out_of_place)}, code))
    else:
        print(render.table(["user", "wiki", "list requires", "state", "ok"],
                           [(r["user"], r["wiki"], r["required"], r["state"], "yes" if r["ok"] else "NO")
                            for r in rows]))
        print(f"\naudit: {len(wanted)} accounts, {len(out_of_place)} out of place")
    return int(code)
