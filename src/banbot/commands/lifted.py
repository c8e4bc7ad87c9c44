"""`banbot lifted`: every account banbot sanctioned that is no longer an active entry, while the sanction is
still in place on the wiki. It stays in view until a human lifts the sanction on the wiki or dismisses it
(`banbot lifted --dismiss NAME --by WHO --reason TEXT`, journaled). banbot never lifts a lock or a block
itself: a steward decides."""

from __future__ import annotations

import argparse
from typing import Any

from banbot import app, render, terminal
from banbot.config import Config, Source
from banbot.errors import ConfigError
from banbot.exits import Exit
from banbot.journal import Journal
from banbot.review import lifted_rows


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    if args.dismiss is not None:
        return dismiss(args)
    if not cfg.journal.exists():
        if terminal.output(args) == "json":
            print(terminal.document({"current_revid": None, "lifted": []}, Exit.OK))
        else:
            print(f"lifted: no journal at {cfg.journal}: banbot has sanctioned nothing with this config")
        return int(Exit.OK)
    rows: list[dict[str, object]] = []
    revids: dict[str, int | None] = {}
    several = len(cfg.sources) > 1
    for source in app.selected_sources(cfg, args.source, args.page):
        found, revids[source.name] = _lifted(cfg, args, source, several)
        rows += [{**r, "source": source.name} for r in found] if several else found
    current: object = next(iter(revids.values())) if not several else revids
    if terminal.output(args) == "json":
        print(terminal.document({"current_revid": current, "lifted": rows},
                                Exit.PENDING if rows else Exit.OK))
    else:
        if rows:
            print(render.table(["user", "change", "still in place", "sanctioned"],
                               [(r["user"], r["change"], r["state"], r["sanctioned"]) for r in rows]))
        print(f"\nlifted: {len(rows)} accounts banbot sanctioned are no longer listed and still sanctioned; banbot "
              "does not lift locks or blocks: a steward decides, then lifts it on the wiki or runs `banbot lifted "
              "--dismiss NAME --by WHO --reason TEXT`")
    return int(Exit.PENDING if rows else Exit.OK)


def _lifted(cfg: Config, args: argparse.Namespace, source: Source, scoped: bool) -> tuple[list[dict[str, Any]],
                                                                                          int | None]:
    """One source's lifted rows, and the list revision they were judged against. ``scoped``: with several
    sources each reviews what it sanctioned, so a struck restriction is its own row."""
    with app.reading(cfg, login=False, source=source) as a:
        bans = a.read_list(args.page, args.section)
        journal = a.journal
        if journal is None:
            return [], bans.source.revid
        src = bans.source
        sanctions = journal.sanctions(src.location, src.title) if scoped else journal.sanctions()
        dismissed = journal.dismissals()
        active = {e.user for e in bans.active}
        last = {s.user: s.at for s in sanctions}  # oldest first: each account's latest sanction
        gone = [u for u, at in last.items() if u not in active and not (u in dismissed and dismissed[u].at >= at)]
        return lifted_rows(sanctions, bans, a.observe(gone) if gone else {}, dismissed), src.revid


def dismiss(args: argparse.Namespace) -> int:
    """A human's review of one such account, journaled: it leaves `lifted` until banbot sanctions it again."""
    cfg = terminal.config(args)
    if not args.reason or not args.reason.strip():
        raise ConfigError("--dismiss needs --reason TEXT: why the sanction stays (recorded in the journal)")
    names = app.canonical_names([args.dismiss]) or []
    name, by = names[0], terminal.requester(args)
    with app.reading(cfg, login=False, source=cfg.source(args.source)) as a:
        if a.journal is None:
            raise ConfigError(f"no journal at {cfg.journal}: banbot has sanctioned nothing with this config")
        if name not in {s.user for s in a.journal.sanctions()}:
            raise ConfigError(f"banbot's journal holds no lock, block or group removal of {name!r}: nothing to "
                              "dismiss (see `banbot lifted`)")
        bans = a.read_list(args.page, args.section)
        if name in {e.user for e in bans.active}:
            raise ConfigError(f"{name!r} is an active entry of the list: there is nothing lifted to dismiss")
    journal = Journal.for_writes(cfg.journal)
    try:
        journal.dismiss(name, by, args.reason.strip())
    finally:
        journal.close()
    if terminal.output(args) == "json":
        print(terminal.document({"dismissed": {"user": name, "by": by, "reason": args.reason.strip()}}, Exit.OK))
    else:
        print(f"lifted: {name} dismissed by {by}; it is shown again only if banbot sanctions it again")
    return int(Exit.OK)
