"""`banbot audit [NAME…]`: each account's state on each wiki against what the list requires.

Read-only. Exit 1 when anything is out of place: an action still pending, or an account held back from
enforcement (exempt, unattached groups, a reversed action) while the list requires it.
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
    from banbot.plan import make_plan
    from banbot.wiki.session import open_farm

    cfg = common.config(args)
    journal = Journal(cfg.journal) if cfg.journal.exists() else None
    farm = open_farm(cfg, login=not args.anonymous, simulate=True)
    bans = common.read_list(args, cfg, farm)
    listed = [e.user for e in bans.active]
    wanted = common.names(args.name) or listed
    s = settings(cfg, farm)
    states = observe(farm, wanted, s, journal.settled_users() if journal else ())
    plan = make_plan(bans, states, s, only=[n for n in wanted if n in listed],
                     completed=journal.completed() if journal else {})
    rows, out_of_place = [], set()
    for name in wanted:
        st = states[name]
        pending = [a for a in plan.actions if a.user == name]
        held = [h for h in plan.holds if h.user == name and "no such account" not in h.reason]
        if pending or held:
            out_of_place.add(name)
        required = "banned" if name in listed else "not listed"
        if not st.exists:
            rows.append({"user": name, "wiki": "*", "required": required, "state": "no such account", "ok": True})
            continue
        if st.locked is not None:
            rows.append({"user": name, "wiki": "(global)", "required": required,
                         "state": ("locked" if st.locked else "not locked") + (
                             f"; groups {','.join(st.global_groups)}" if st.global_groups else ""),
                         "ok": not any(a.kind in ("lock", "remove-global-groups") for a in pending)})
        for acct in st.local:
            state = ", ".join(filter(None, [
                "groups " + ",".join(acct.groups) if acct.groups else "",
                ("partially blocked" if acct.block_partial else "blocked") if acct.blocked else "",
                "" if acct.attached else "unattached"])) or "no groups, not blocked"
            ok = not any(a.wiki == acct.wiki and a.kind in ("remove-local-groups", "block") for a in pending) and \
                not any(h.wiki == acct.wiki for h in held)
            rows.append({"user": name, "wiki": acct.wiki, "required": required, "state": state, "ok": ok})
        for a in pending:
            if a.kind == "notify":
                row = next((r for r in rows if r["user"] == name and r["wiki"] == a.wiki), None)
                if row is None:
                    rows.append({"user": name, "wiki": a.wiki, "required": required, "state": "no notice",
                                 "ok": False})
                else:
                    row.update(state=f"{row['state']}, no notice", ok=False)
        for h in held:
            if h.wiki is None:
                rows.append({"user": name, "wiki": "*", "required": required, "state": h.reason, "ok": False})
    if common.fmt(args) == "json":
        print(render.to_json({"accounts": rows, "out_of_place": sorted(out_of_place)}))
    else:
        print(render.table(["user", "wiki", "list requires", "state", "ok"],
                           [(r["user"], r["wiki"], r["required"], r["state"], "yes" if r["ok"] else "NO")
                            for r in rows]))
        print(f"\naudit: {len(wanted)} accounts, {len(out_of_place)} out of place")
    return EXIT_PENDING if out_of_place else EXIT_OK
