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
from banbot.exits import Exit
from banbot.results import Results


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    fmt = terminal.output(args)
    got = app.report(cfg, args.limit)
    if got is None:
        note = f"no journal at {cfg.journal} yet: nothing has been applied"
        if fmt == "json":
            print(terminal.document(Results((), args.limit, 0).to_json() | {"note": note}, Exit.OK))
        else:
            print(f"report: {note}")
        return int(Exit.OK)
    res, text = got
    published = None
    if args.publish:
        done = app.publish_report(cfg, args.limit, terminal.requester(args))
        res, text = done.results, done.text
        published = {"wiki": cfg.central, "title": cfg.report_page, "revid": done.revid}
        if fmt != "json":
            print(f"report: published to {cfg.central}:{cfg.report_page} "
                  f"(revision {done.revid or 'unchanged'})", file=sys.stderr)
    if fmt == "json":
        print(terminal.document(res.to_json() | {"published": published}, Exit.OK))
    else:
        print(text if fmt == "wikitext" else render.results_table(res))
    return int(Exit.OK)
