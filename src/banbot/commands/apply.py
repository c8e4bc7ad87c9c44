"""`banbot apply`: carry out the reviewed plan (or plan and apply), within the safety rails."""

from __future__ import annotations

import argparse
import sys

from banbot import app, render, terminal
from banbot.actions import Plan
from banbot.banlist import BanList
from banbot.config import Config, Source
from banbot.errors import ConfigError, PlanRejected, UnsafeRun


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    file = app.load_plan_file(args.plan) if args.plan else None
    reviewed = file.plan if file else None
    if reviewed is not None and reviewed.source.kind == "wiki" and args.source is None and len(cfg.sources) > 1:
        found = cfg.source_of(reviewed.source.location, reviewed.source.title)
        if found is None:
            raise PlanRejected(f"{args.plan} is a plan for {reviewed.source.location}:{reviewed.source.title}, which "
                               "is none of the config's sources; add --source NAME")
        return _apply(cfg, args, file, found)
    sources = app.selected_sources(cfg, args.source, args.page)
    if len(sources) > 1 and (reviewed is not None or args.digest or args.user):
        raise ConfigError(f"the config has {len(sources)} sources ({', '.join(s.name for s in sources)}): a digest or "
                          "--user names one list's plan; add --source NAME")
    if len(sources) == 1:
        return _apply(cfg, args, file, sources[0])
    codes = []
    for source in sources:  # each source on its own: one held back does not hold the others
        try:
            codes.append(_apply(cfg, args, file, source, name=source.name))
        except (UnsafeRun, PlanRejected) as e:
            print(f"banbot: [{source.name}] {e}", file=sys.stderr, flush=True)
            codes.append(int(e.exit_code))
    return int(app.worst(codes))


def _apply(cfg: Config, args: argparse.Namespace, file: app.Reviewed | None, source: Source, name: str = "") -> int:
    """Plan and apply one source (each asks its own confirmation and is held back on its own); ``name``: one of
    several, each report (a JSON document a line) labelled with it. A reviewed plan file is re-planned from the
    observations it carries brought up to date by the logs, where they verify (:mod:`banbot.sealed`)."""
    fmt = terminal.output(args)
    reviewed = file.plan if file else None

    def prepare(a: app.App) -> tuple[BanList, Plan]:
        bans = a.read_list(args.page, args.section)
        only = a.listed_only(bans, args.user)
        if reviewed is not None and only is None and reviewed.source.revid == bans.source.revid \
                and set(reviewed.users) < {e.user for e in bans.active}:
            only = list(reviewed.users)  # a plan made with --user is re-made for those only
        # (on a new list revision the whole list is planned: the refusal then shows every account it adds)
        plan = a.plan(bans, only, sealed=file.sealed if file else None)
        if reviewed is not None:
            app.check_same(reviewed, plan)
        elif args.digest and (len(args.digest) < 12 or not plan.digest.startswith(args.digest)):
            raise PlanRejected(f"the current plan's digest is {plan.digest}, not {args.digest}: the list or the farm "
                               "changed since it was reviewed; re-plan and review again")
        return bans, plan

    is_reviewed = reviewed is not None or bool(args.digest)
    # a reviewed plan file or digest, or the operator answering the prompt after seeing the plan, is a review
    policy = app.Policy(app.Command.APPLY, force=args.force, reviewed=is_reviewed or not args.yes,
                        confirm=not (args.yes or is_reviewed), init_journal=args.init_journal,
                        alone=not (args.yes or is_reviewed) and sys.stdin.isatty())
    ui = terminal.Terminal(fmt, show=not is_reviewed)
    with terminal.interruptible(lambda: ui.writing) as stop:
        done = app.write(cfg, policy, prepare, ui, stop, source)
    if fmt == "json":
        label = {"source": name} if name else {}
        print(terminal.document(label | done.report.to_json(), done.report.exit_code, line=bool(name)))
    else:
        print((f"== {name} ==\n" if name else "") + render.report_table(done.report))
    return int(done.report.exit_code)
