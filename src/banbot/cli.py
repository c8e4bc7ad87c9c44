"""banbot's command line: parse arguments, set up logging once, and hand over to one command module.

Exit codes live in :mod:`banbot.exits`; ``banbot --help`` lists them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Sequence

from banbot import logs
from banbot.errors import BanbotError
from banbot.exits import Exit, help_text

INIT_HELP = ("create the journal on a first run (a missing or empty journal is otherwise refused: it would redo "
             "what humans reversed)")


def _common(top: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after the command's name (``banbot --config X run`` and
    ``banbot run --config X``): after it, an option left out keeps what was given before it."""
    p = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    p.add_argument("--config", default=default(None),
                   help="banbot's TOML config (default: $BANBOT_CONFIG or ./banbot.toml)")
    p.add_argument("-v", "--verbose", action="count", default=default(0), help="more log lines (twice: pywikibot's)")
    p.add_argument("-q", "--quiet", action="count", default=default(0), help="warnings and errors only")
    p.add_argument("--log-format", choices=["text", "json"], default=default("text"),
                   help="log lines on stderr as text or JSON")
    return p


def build_parser() -> argparse.ArgumentParser:
    common = _common(top=False)
    listopts = argparse.ArgumentParser(add_help=False)
    listopts.add_argument("--page", help="the list page (overrides list.page)")
    listopts.add_argument("--section", help="only this section of the page (overrides list.section)")

    ap = argparse.ArgumentParser(prog="banbot", description="Enforce a global ban list across a MediaWiki farm.",
                                 epilog=help_text(), formatter_class=argparse.RawDescriptionHelpFormatter,
                                 parents=[_common(top=True)])
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, text: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common, *parents], help=text, description=text)
        p.set_defaults(module=name)
        return p

    p = add("bans", "read and parse the ban list", listopts)
    p.add_argument("--source-file", help="parse this local wikitext file instead of the wiki page")
    p.add_argument("--format", choices=["table", "json"])

    p = add("plan", "preview what enforcement still lacks (writes nothing)", listopts)
    p.add_argument("--user", action="append", metavar="NAME", help="only this listed account (repeatable)")
    p.add_argument("--source-file", help="plan from a local list file (a preview; apply always reads the wiki)")
    p.add_argument("--format", choices=["table", "json", "wikitext"])
    p.add_argument("--out", metavar="PLAN.json", help="also write the plan to this file for `apply --plan`")
    p.add_argument("--anonymous", action="store_true", help="do not log in (read-only preview)")

    p = add("apply", "carry out the plan, each action once, journaled", listopts)
    p.add_argument("--user", action="append", metavar="NAME", help="only this listed account (repeatable)")
    p.add_argument("--plan", metavar="PLAN.json", help="apply exactly this reviewed plan, or refuse")
    p.add_argument("--digest", help="apply only if the fresh plan has this digest (at least 12 characters)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--force", action="store_true", help="override the safety rules that allow it, after review")
    p.add_argument("--format", choices=["table", "json"])
    p.add_argument("--init-journal", action="store_true", help=INIT_HELP)

    p = add("run", "the scheduled job: plan and apply within every safety rail, never prompting", listopts)
    p.add_argument("--dry-run", action="store_true", help="preview only; exit 1 when actions are pending")
    p.add_argument("--verify", action="store_true",
                   help="re-read every account even if the list is unchanged since a settled run (finds drift)")
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="table (default, even off a terminal: one summary line for cron mail) or json")
    p.add_argument("--init-journal", action="store_true", help=INIT_HELP)

    p = add("watch", "a long-running job: wait cheaply for a new list or kill switch revision, then run", listopts)
    p.add_argument("--poll", type=float, default=30.0, metavar="SECONDS",
                   help="how often to look for a new revision (one request each; default 30)")
    p.add_argument("--verify-every", type=float, metavar="HOURS",
                   help="also run a full pass this often, to find drift (default: run.verify_every_hours; 0: never)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="each pass's summary line or report")
    p.add_argument("--init-journal", action="store_true", help=INIT_HELP)

    p = add("enforce", "enforce one account now, listed or not (a steward's request)")
    p.add_argument("name", help="the account")
    p.add_argument("--reason", required=True, help="why; recorded in the journal, the log entries and the notice")
    p.add_argument("--by", help="who asks (default: the operating system user)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--format", choices=["table", "json"])
    p.add_argument("--init-journal", action="store_true", help=INIT_HELP)

    p = add("audit", "each account's state on each wiki against what the list requires", listopts)
    p.add_argument("name", nargs="*", help="accounts to audit (default: every active entry)")
    p.add_argument("--anonymous", action="store_true", help="do not log in (read-only)")
    p.add_argument("--format", choices=["table", "json"])

    p = add("lifted", "accounts banbot sanctioned that are no longer listed, until lifted on the wiki or dismissed "
            "(banbot never lifts)", listopts)
    p.add_argument("--format", choices=["table", "json"])
    p.add_argument("--dismiss", metavar="NAME", help="record that NAME's sanction was reviewed and stays (journaled)")
    p.add_argument("--by", help="who dismisses (default: the operating system user)")
    p.add_argument("--reason", help="why the sanction stays (required with --dismiss)")

    p = add("check", "log in on each wiki and check rights, list, kill switch, report page and journal")
    p.add_argument("--format", choices=["table", "json"])

    p = add("report", "a results table of what banbot did, per account and wiki")
    p.add_argument("--publish", action="store_true",
                   help="write it as wikitext to report.page on the central wiki (hidden accounts only counted)")
    p.add_argument("--format", choices=["table", "json", "wikitext"],
                   help="what to print: table, json, or the wikitext --publish writes")
    p.add_argument("--limit", type=int, default=500, help="the last N actions (default 500)")
    return ap


def _fail(args: argparse.Namespace, code: Exit, message: str, kind: str) -> int:
    """One line on stderr; and for ``--format json`` an error object on stdout, so a script never parses an
    empty document."""
    if args.log_format == "json":
        logging.getLogger("banbot").error(message)  # stderr carries JSON lines only
    else:
        print(f"banbot: error: {message}", file=sys.stderr)
    if getattr(args, "format", None) == "json":
        print(json.dumps({"error": {"kind": kind, "message": message}, "exit_code": int(code)}, ensure_ascii=False))
    return int(code)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`banbot plan | head`): nothing more to say, and nobody to say it to
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(Exit.OK)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup(args.verbose - args.quiet, args.log_format)
    command = importlib.import_module(f"banbot.commands.{args.module}")
    try:
        return int(command.run(args))
    except BanbotError as e:
        return _fail(args, Exit(e.exit_code), str(e), type(e).__name__)
    except KeyboardInterrupt:
        return _fail(args, Exit.INTERRUPTED, "interrupted; the journal records what was done", "Interrupted")


if __name__ == "__main__":
    sys.exit(main())
