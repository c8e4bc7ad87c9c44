"""`banbot report [--format table|json|wikitext] [--publish]`: what banbot did, per account and wiki.

Printed as every command prints (a table on a terminal, JSON for a program, or the wikitext to post), or with
``--publish`` written as wikitext to the status page named by ``report.page`` on the central wiki, in the manner
of Synchbot's results tables. The page names no hidden account: those are counted. Publishing is a write: it
holds the run lock, reads the kill switch, and is journaled as a run of its own.
"""

from __future__ import annotations

import argparse
import sys

from banbot import app, render, terminal
from banbot.config import Config, FarmMode
from banbot.errors import ConfigError, WikiError
from banbot.exits import Exit
from banbot.journal import Journal
from banbot.results import Results, results
from banbot.runlock import RunLock

SUMMARY = "banbot: results table"


def publish(cfg: Config, journal: Journal, text: str, requested_by: str) -> int | None:
    """Write the results page on the central wiki; the new revision (None: the page was already so)."""
    if not cfg.report_page:
        raise ConfigError("report.page is not set: name the status page to publish to, e.g. \"User:BanBot/Status\"")
    with RunLock(cfg.lock_file):
        a = app.connect(cfg, journal, login=True, simulate=False, only=[cfg.central])
        app.refuse_if_unsafe([b for b in [a.kill_switch()] if b], app.Policy(app.Command.APPLY))
        run = journal.start_run("report", requested_by=requested_by,
                                why=f"publish the results table to {cfg.central}:{cfg.report_page}")
        try:
            revid = a.save_page(cfg.report_page, text, SUMMARY)
        except WikiError as e:
            journal.finish_run(run, {"published": None, "error": f"{e.code}: {e.info}"})
            raise
        journal.finish_run(run, {"published": f"{cfg.central}:{cfg.report_page}", "revid": revid})
    return revid


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    fmt = terminal.output(args)
    if not cfg.journal.exists():
        note = f"no journal at {cfg.journal} yet: nothing has been applied"
        if fmt == "json":
            print(terminal.document(Results((), args.limit, 0).to_json() | {"note": note}, Exit.OK))
        else:
            print(f"report: {note}")
        return int(Exit.OK)
    journal = Journal(cfg.journal)
    try:
        res = results(journal.history(), args.limit)
        text = render.results_wikitext(res, cfg.mode == FarmMode.CENTRALAUTH)
        published = None
        if args.publish:
            revid = publish(cfg, journal, text, terminal.requester(args))
            published = {"wiki": cfg.central, "title": cfg.report_page, "revid": revid}
            if fmt != "json":
                print(f"report: published to {cfg.central}:{cfg.report_page} "
                      f"(revision {revid or 'unchanged'})", file=sys.stderr)
    finally:
        journal.close()
    if fmt == "json":
        print(terminal.document(res.to_json() | {"published": published}, Exit.OK))
    else:
        print(text if fmt == "wikitext" else render.results_table(res))
    return int(Exit.OK)
