"""banbot's command line: parse arguments, set up logging, build the adapters, call the core.

Exit codes: 0 nothing to do / all done; 1 a preview has pending actions, or the list has problems;
2 usage, input or config error; 3 a safety rail holds the run back; 4 applied with failures;
5 the farm could not be read or written at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from banbot import logs, render
from banbot.config import Config, load_config
from banbot.enforce import EXIT_ERROR, EXIT_OK, EXIT_PENDING, EXIT_USAGE
from banbot.errors import BanbotError, ConfigError, PlanRejected, WikiError
from banbot.journal import Journal
from banbot.plan import Plan


def _config(args: argparse.Namespace, required: bool = True) -> Config | None:
    path = args.config or os.environ.get("BANBOT_CONFIG")
    if not path and Path("banbot.toml").exists():
        path = "banbot.toml"
    if not path:
        if required:
            raise ConfigError("no config: pass --config PATH (see README: Configuration), set BANBOT_CONFIG, "
                              "or put banbot.toml in this folder")
        return None
    return load_config(path)


def _fmt(args: argparse.Namespace) -> str:
    return args.format or ("table" if sys.stdout.isatty() else "json")


def cmd_bans(args: argparse.Namespace) -> int:
    from banbot.pipeline import list_from_file, list_from_wiki

    if args.source_file:
        bans = list_from_file(args.source_file, args.section)
    else:
        config = _config(args)
        assert config is not None
        from banbot.wiki.session import open_farm

        farm = open_farm(config, login=False, simulate=True, only=[config.list_wiki])
        bans = list_from_wiki(farm, config, args.page, args.section)
    print(render.to_json(bans.to_json()) if _fmt(args) == "json" else render.banlist_table(bans))
    return EXIT_PENDING if bans.problems else EXIT_OK


def _plan(args: argparse.Namespace, config: Config, farm: Any, journal: Journal | None) -> Plan:
    from banbot.names import InvalidName, normalize
    from banbot.pipeline import build_plan, list_from_file, list_from_wiki

    bans = list_from_file(args.source_file, args.section) if getattr(args, "source_file", None) else \
        list_from_wiki(farm, config, getattr(args, "page", None), args.section)
    only = None
    if args.user:
        only = []
        for raw in args.user:
            name = normalize(raw)
            if isinstance(name, InvalidName):
                raise ConfigError(f"--user {raw!r}: {name.reason}")
            only.append(name)
        listed = {e.user for e in bans.active}
        unlisted = [u for u in only if u not in listed]
        if unlisted:
            raise ConfigError(f"not active on the ban list: {', '.join(unlisted)}; use `banbot enforce NAME --reason` "
                              "for an account that is not listed")
    return build_plan(farm, config, bans, journal, only)


def _show_plan(plan: Plan, fmt: str) -> None:
    if fmt == "json":
        print(render.to_json(plan.to_json()))
    elif fmt == "wikitext":
        print(render.plan_wikitext(plan))
    else:
        print(render.plan_table(plan))


def cmd_plan(args: argparse.Namespace) -> int:
    from banbot.wiki.session import open_farm

    config = _config(args)
    assert config is not None
    journal = Journal(config.journal) if config.journal.exists() else None
    farm = open_farm(config, login=not args.anonymous, simulate=True)
    plan = _plan(args, config, farm, journal)
    _show_plan(plan, _fmt(args))
    if args.out:
        Path(args.out).write_text(render.to_json(plan.to_json()) + "\n", encoding="utf-8")
        print(f"plan written to {args.out}", file=sys.stderr)
    return EXIT_PENDING if plan.actions else EXIT_OK


def _confirm(plan: Plan, yes: bool) -> None:
    if yes or not plan.actions:
        return
    if not sys.stdin.isatty():
        raise ConfigError("apply needs confirmation: review the plan, then pass --yes (or --plan FILE / --digest D)")
    answer = input(f"apply these {len(plan.actions)} actions? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise PlanRejected("not applied: the operator declined")


def cmd_apply(args: argparse.Namespace) -> int:
    from banbot.enforce import apply_plan
    from banbot.pipeline import check_same, load_plan_file
    from banbot.wiki.session import open_farm

    config = _config(args)
    assert config is not None
    reviewed = load_plan_file(args.plan) if args.plan else None
    journal = Journal(config.journal)  # a broken journal stops the run before any wiki is touched
    farm = open_farm(config, login=True)
    from banbot.wiki.gateway import WikiGateway  # only after open_farm has pointed pywikibot at its config

    if reviewed is not None:
        args.user = args.user or (list(reviewed.users) if len(reviewed.users) else None)
    plan = _plan(args, config, farm, journal)
    if reviewed is not None:
        check_same(reviewed, plan)
    elif args.digest:
        if not plan.digest.startswith(args.digest) or len(args.digest) < 12:
            raise PlanRejected(f"the current plan's digest is {plan.digest}, not {args.digest}: the list or the farm "
                               "changed since it was reviewed; re-plan and review again")
    else:
        if _fmt(args) != "json":
            print(render.plan_table(plan))
        _confirm(plan, args.yes)
    progress = _progress_bar() if sys.stderr.isatty() and _fmt(args) != "json" else None
    report = apply_plan(plan, WikiGateway(farm), journal, progress=progress, record_list=not args.user)
    print(render.to_json(report.to_json()) if _fmt(args) == "json" else render.report_table(report))
    return report.exit_code


def _progress_bar() -> Any:
    def show(i: int, n: int, action: Any) -> None:
        width = 30
        done = int(width * (i + 1) / max(n, 1))
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i + 1}/{n} {action.describe()[:60]:60}")
        if i + 1 == n:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="banbot's TOML config (default: $BANBOT_CONFIG or ./banbot.toml)")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log lines (twice: pywikibot's too)")
    common.add_argument("-q", "--quiet", action="count", default=0, help="warnings and errors only")
    common.add_argument("--log-format", choices=["text", "json"], default="text", help="log lines as text or JSON")
    ap = argparse.ArgumentParser(prog="banbot", description="Enforce a global ban list across a MediaWiki farm.")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("bans", parents=[common], help="read and parse the ban list")
    p.add_argument("--source-file", help="parse this local wikitext file instead of the wiki page")
    p.add_argument("--page", help="the list page (overrides list.page)")
    p.add_argument("--section", help="only this section of the page (overrides list.section)")
    p.add_argument("--format", choices=["table", "json"])
    p.set_defaults(func=cmd_bans)

    for name, func, text in (("plan", cmd_plan, "preview what enforcement still lacks (writes nothing)"),
                             ("apply", cmd_apply, "carry out the plan, each action once, journaled")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("--user", action="append", metavar="NAME", help="only this listed account (repeatable)")
        p.add_argument("--section", help="only this section of the page (overrides list.section)")
        p.add_argument("--page", help="the list page (overrides list.page)")
        p.add_argument("--source-file", help=argparse.SUPPRESS if name == "apply" else
                       "plan from a local list file (for previews; apply always reads the wiki)")
        if name == "plan":
            p.add_argument("--format", choices=["table", "json", "wikitext"])
            p.add_argument("--out", metavar="PLAN.json", help="also write the plan to this file for `apply --plan`")
            p.add_argument("--anonymous", action="store_true", help="do not log in (read-only preview)")
        else:
            p.add_argument("--format", choices=["table", "json"])
            p.add_argument("--plan", metavar="PLAN.json", help="apply exactly this reviewed plan, or refuse")
            p.add_argument("--digest", help="apply only if the fresh plan has this digest (at least 12 characters)")
            p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        p.set_defaults(func=func)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup(args.verbose - args.quiet, args.log_format)
    try:
        return int(args.func(args))
    except WikiError as e:
        print(f"banbot: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BanbotError as e:
        print(f"banbot: error: {e}", file=sys.stderr)
        return e.exit_code if e.exit_code else EXIT_USAGE
    except KeyboardInterrupt:
        print("banbot: interrupted; the journal records what was done", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
