"""`banbot report [--publish]`: what banbot did, per account and wiki, as a wikitext results table.

Printed, or with ``--publish`` written to the status page named by ``report.page`` on the central wiki,
in the manner of Synchbot's results tables.
"""

from __future__ import annotations

import argparse

from banbot import app, terminal
from banbot.config import FarmMode
from banbot.errors import ConfigError
from banbot.exits import Exit
from banbot.journal import Journal, Status
from banbot.runlock import RunLock
from banbot.wiki.session import open_farm

OUTCOME = {Status.DONE: "done", Status.ALREADY: "already in place",
           Status.RESTORED: "done (an edit made meanwhile kept)", Status.VERIFIED: "done (confirmed after a restart)",
           Status.FAILED: "failed", Status.INTERRUPTED: "interrupted, retried later", Status.INTENDED: "in progress",
           Status.SKIPPED: "skipped"}


def table(journal: Journal, limit: int, centralauth: bool) -> str:
    rows = journal.history()[-limit:]
    lines = ['{| class="wikitable sortable"', "! Account !! Wiki !! Action !! Outcome !! When !! Run"]
    for r in rows:
        detail = r.data.get("groups")
        what = r.kind + (f" ({', '.join(detail)})" if detail else "")
        outcome = OUTCOME.get(r.status, r.status) + (f": <code>{r.code}</code>" if r.code else "")
        who = f"[[Special:CentralAuth/{r.user}|{r.user}]]" if centralauth else f"[[User:{r.user}|{r.user}]]"
        lines += ["|-", f"| {who} || {r.wiki} || {what} || {outcome} || {r.finished or r.intended} || {r.run_id}"]
    lines.append("|}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from banbot.wiki.pages import save_page

    cfg = terminal.config(args)
    if not cfg.journal.exists():
        print(f"report: no journal at {cfg.journal} yet: nothing has been applied")
        return int(Exit.OK)
    journal = Journal(cfg.journal)
    text = (f"Results of banbot runs (last {args.limit} actions), from its journal.\n\n"
            f"{table(journal, args.limit, cfg.mode == FarmMode.CENTRALAUTH)}")
    if not args.publish:
        print(text)
        return int(Exit.OK)
    if not cfg.report_page:
        raise ConfigError("report.page is not set: name the status page to publish to, e.g. \"User:BanBot/Status\"")
    with RunLock(cfg.lock_file):
        a = app.App(cfg, open_farm(cfg, login=True, only=[cfg.central]), journal)
        app.refuse_if_unsafe([b for b in [a.kill_switch()] if b], app.Policy(app.Command.APPLY))
        result = save_page(a.farm.central, cfg.report_page, text, "banbot: results table")
    print(f"report: published to {cfg.central}:{cfg.report_page} (revision {result.get('newrevid', 'unchanged')})")
    return int(Exit.OK)
