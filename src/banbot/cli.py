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
from typing import Any, NoReturn

from banbot import __version__, logs
from banbot.errors import BanbotError, UsageError
from banbot.exits import Exit, help_text

log = logging.getLogger("banbot")

INIT_HELP = ("create the journal on a first run (a missing or empty journal is otherwise refused: it would redo "
             "what humans reversed)")


class Parser(argparse.ArgumentParser):
    """argparse that raises a :class:`UsageError` instead of printing and exiting, so that a usage error is
    reported like every other error (one line; a JSON error document under ``--format json``)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.format_usage())


def _common(top: bool) -> Parser:
    """The options every command takes, before or after the command's name (``banbot --config X run`` and
    ``banbot run --config X``): after it, an option left out keeps what was given before it."""
    p = Parser(add_help=False)

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
    listopts = Parser(add_help=False)
    listopts.add_argument("--page", help="the list page (overrides list.page)")
    listopts.add_argument("--section", help="only this section of the page (overrides list.section)")
    listopts.add_argument("--source", metavar="NAME", help="only the [[sources]] list called NAME (default: every "
                                                           "source; commands that read one list: the first)")

    ap = Parser(prog="banbot", description="Enforce a global ban list across a MediaWiki farm.",
                epilog=help_text(), formatter_class=argparse.RawDescriptionHelpFormatter, parents=[_common(top=True)])
    ap.add_argument("--version", action="version", version=f"banbot {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, text: str, *parents: Parser) -> Parser:
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
    p.add_argument("--out", metavar="PLAN.json",
                   help="also write the plan to this file for `apply --plan`, with its reads sealed so that apply "
                   "reads again only what the logs say changed")
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

    p = add("journal", "look after the journal: `banbot journal backup PATH`")
    jsub = p.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    b = jsub.add_parser("backup", parents=[common], help="copy the journal consistently, also while a run writes it",
                        description="copy the journal with SQLite's online backup (safe while a run writes it; "
                                    "a cp of a live SQLite file can be torn); the copy is checked before it is kept")
    b.add_argument("path", metavar="PATH", help="the backup file (replaced if it exists)")
    b.add_argument("--format", choices=["table", "json"])

    p = add("report", "a results table of what banbot did, per account and wiki")
    p.add_argument("--publish", action="store_true",
                   help="write it as wikitext to report.page on the central wiki (hidden accounts only counted)")
    p.add_argument("--format", choices=["table", "json", "wikitext"],
                   help="what to print: table, json, or the wikitext --publish writes")
    p.add_argument("--limit", type=int, default=500, help="the last N actions (default 500)")
    return ap


def wants_json(args: argparse.Namespace) -> bool:
    """Whether the command's stdout is JSON: ``--format json``, or no ``--format`` given to a command whose
    default off a terminal is JSON. A command without ``--format`` prints no error document."""
    if not hasattr(args, "format"):
        return False
    return (args.format or ("table" if sys.stdout.isatty() else "json")) == "json"


def _argv_wants_json(argv: Sequence[str]) -> bool:
    """For a command line that did not parse: did it ask for JSON, or would its command default to it?"""
    for i, arg in enumerate(argv):
        if arg == "--format=json" or (arg == "--format" and i + 1 < len(argv) and argv[i + 1] == "json"):
            return True
        if arg == "--format" or arg.startswith("--format="):
            return False
    defaults = _format_defaults(build_parser())
    commands = [a for a in argv if a in defaults]
    return bool(commands) and defaults[commands[0]] is None and not sys.stdout.isatty()


def _format_defaults(ap: argparse.ArgumentParser) -> dict[str, str | None]:
    """Each command that has ``--format``, and its default (None: table on a terminal, JSON otherwise)."""
    out: dict[str, str | None] = {}
    for action in ap._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, parser in action.choices.items():
                for a in parser._actions:
                    if "--format" in a.option_strings:
                        out[name] = a.default
    return out


def _fail(args: argparse.Namespace | None, code: Exit, message: str, kind: str, *, as_json: bool,
          details: dict[str, Any] | None = None) -> int:
    """One line on stderr; and for JSON output an error document on stdout, so a script never parses an
    empty document: ``{"error": {"kind", "message"}, "banbot_version", "exit_code"}``."""
    if args is not None and args.log_format == "json":
        log.error(message)  # stderr carries JSON lines only
    else:
        print(f"banbot: error: {message}", file=sys.stderr)
    if as_json:
        error: dict[str, Any] = {"kind": kind, "message": message, **({"details": details} if details else {})}
        print(json.dumps({"error": error, "banbot_version": __version__, "exit_code": int(code)}, ensure_ascii=False,
                         indent=2))
    return int(code)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # the reader went away (`banbot plan | head`): nothing more to say, and nobody to say it to
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(Exit.OK)


def _main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as e:
        print(e.usage, end="", file=sys.stderr)
        return _fail(None, Exit.USAGE, str(e), "UsageError", as_json=_argv_wants_json(argv))
    logs.setup(args.verbose - args.quiet, args.log_format)
    command = importlib.import_module(f"banbot.commands.{args.module}")
    try:
        return int(command.run(args))
    except BanbotError as e:
        return _fail(args, Exit(e.exit_code), str(e), type(e).__name__, as_json=wants_json(args),
                     details=getattr(e, "details", None))
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
    except KeyboardInterrupt:
        return _fail(args, Exit.INTERRUPTED, "interrupted before anything was written, or at once by a second Ctrl-C; "
                     "`banbot report` shows what the journal recorded", "Interrupted", as_json=wants_json(args))
    except Exception as e:  # a bug, banbot's or pywikibot's: one line and exit 70, never a traceback
        if args.verbose - args.quiet > 1:
            log.error("internal error", exc_info=True)
        first = str(e).splitlines()[0] if str(e) else ""
        return _fail(args, Exit.INTERNAL, f"internal error: {type(e).__name__}: {first} — a bug in banbot or "
                     "pywikibot; the journal records every write sent, and the next run settles it. Run again with "
                     "-v -v for the traceback and report it with `banbot --version`", "InternalError",
                     as_json=wants_json(args))


if __name__ == "__main__":
    sys.exit(main())
