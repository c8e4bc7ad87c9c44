"""`banbot plan`: the preview. Writes nothing: pywikibot's simulate mode is on as well."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from banbot import app, render, terminal
from banbot.actions import Plan
from banbot.config import Config, Source
from banbot.errors import ConfigError
from banbot.exits import Exit
from banbot.plan import union
from banbot.safety import Blocker


def _plan(cfg: Config, args: argparse.Namespace, source: Source) -> tuple[Plan, list[Blocker], dict[str, Any] | None]:
    """The plan, what holds it back, and (``--out``) what it read, sealed for the apply (:mod:`banbot.sealed`)."""
    with app.reading(cfg, login=not args.anonymous, source=source) as a:
        if args.source_file:
            bans = app.list_from_file(args.source_file, args.section, source.user_column, source.restricts)
        else:
            bans = a.read_list(args.page, args.section)
        plan = a.plan(bans, a.listed_only(bans, args.user))
        return plan, a.rails(bans, plan), a.sealed_observations(bans) if args.out else None


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    sources = app.selected_sources(cfg, args.source, args.page or args.source_file)
    if len(sources) > 1:
        if args.out or args.user:
            raise ConfigError(f"the config has {len(sources)} sources ({', '.join(s.name for s in sources)}): "
                              "--out and --user plan one list; add --source NAME")
        shown = [(s.name, *_plan(cfg, args, s)[:2]) for s in sources]
        plans = union([plan for _, plan, _ in shown])  # an action two lists require is shown once, naming both
        done = [(name, plan, blockers, Exit.PENDING if plan.actions else Exit.OK)
                for (name, _, blockers), plan in zip(shown, plans, strict=True)]
        code = app.worst([c for *_, c in done])
        terminal.show_plans(done, terminal.output(args), code)
        return int(code)
    plan, blockers, sealed = _plan(cfg, args, sources[0])
    code = Exit.PENDING if plan.actions else Exit.OK
    if args.out:  # before the plan is shown: a file that cannot be written is the one document on stdout
        doc = terminal.plan_document(plan) | ({"observed": sealed} if sealed else {})
        try:
            with Path(args.out).open("w", encoding="utf-8") as f:  # streamed: the reads of a long list are large
                render.write_json(doc, f)
        except OSError as e:
            raise ConfigError(f"cannot write the plan to {args.out}: {e.strerror}; choose another --out") from None
        print(f"plan written to {args.out}", file=sys.stderr)
    terminal.show_plan(plan, terminal.output(args), blockers, code)
    return int(code)
