"""`banbot report [--publish]`: what banbot did, per account and wiki, as a wikitext results table.

Printed, or with ``--publish`` written to the status page named by ``report.page`` on the central wiki,
in the manner of Synchbot's results tables.
"""

from __future__ import annotations

import argparse

from banbot.commands import common
from banbot.enforce import EXIT_OK
from banbot.errors import ConfigError
from banbot.journal import Journal
from banbot.runlock import RunLock

OUTCOME = {"done": "done", "already": "already in place", "verified": "done (confirmed after a restart)",
           "failed": "failed", "interrupted": "interrupted, retried later", "intended": "in progress"}


def table(journal: Journal, limit: int) -> str:
    rows = journal.history()[-limit:]
    lines = ['{| class="wikitable sortable"', "! Account !! Wiki !! Action !! Outcome !! When !! Run"]
    for r in rows:
        detail = r.data.get("groups")
        what = r.kind + (f" ({', '.join(detail)})" if detail else "")
        outcome = OUTCOME.get(r.status, r.status) + (f": <code>{r.code}</code>" if r.code else "")
        lines += ["|-", f"| [[Special:CentralAuth/{r.user}|{r.user}]] || {r.wiki} || {what} || {outcome} || "
                        f"{r.finished or r.intended} || {r.run_id}"]
    lines.append("|}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    cfg = common.config(args)
    if not cfg.journal.exists():
        raise ConfigError(f"no journal at {cfg.journal}: nothing has been applied yet")
    journal = Journal(cfg.journal)
    text = f"Results of banbot runs (last {args.limit} actions), from its journal.\n\n{table(journal, args.limit)}"
    if not args.publish:
        print(text)
        return EXIT_OK
    if not cfg.report_page:
        raise ConfigError("report.page is not set: name the status page to publish to, e.g. \"User:BanBot/Status\"")
    from banbot.pipeline import kill_switch
    from banbot.wiki.pages import save_page
    from banbot.wiki.session import open_farm

    with RunLock(cfg.lock_file):
        farm = open_farm(cfg, login=True, only=[cfg.central])
        common.refuse_if_unsafe([b for b in [kill_switch(farm, cfg)] if b], force=False)
        result = save_page(farm.central, cfg.report_page, text, "banbot: results table")
    print(f"report: published to {cfg.central}:{cfg.report_page} (revision {result.get('newrevid', 'unchanged')})")
    return EXIT_OK
