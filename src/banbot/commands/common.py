"""Steps the commands share: config, output format, the list and its plan, rails, confirmation."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from banbot import render
from banbot.banlist import BanList
from banbot.config import Config, load_config
from banbot.errors import ConfigError, PlanRejected, UnsafeRun
from banbot.journal import Journal
from banbot.names import InvalidName, normalize
from banbot.plan import Plan
from banbot.safety import Blocker


def config(args: argparse.Namespace) -> Config:
    path = args.config or os.environ.get("BANBOT_CONFIG")
    if not path and Path("banbot.toml").exists():
        path = "banbot.toml"
    if not path:
        raise ConfigError("no config: pass --config PATH (see README: Configuration), set BANBOT_CONFIG, "
                          "or put banbot.toml in this folder")
    return load_config(path)


def fmt(args: argparse.Namespace) -> str:
    return str(args.format or ("table" if sys.stdout.isatty() else "json"))


def names(raw_names: list[str] | None) -> list[str] | None:
    if not raw_names:
        return None
    out = []
    for raw in raw_names:
        name = normalize(raw)
        if isinstance(name, InvalidName):
            raise ConfigError(f"{raw!r}: {name.reason}")
        out.append(name)
    return out


def read_list(args: argparse.Namespace, cfg: Config, farm: Any, journal: Journal | None = None) -> BanList:
    from banbot.pipeline import list_from_file, list_from_wiki

    if getattr(args, "source_file", None):
        return list_from_file(args.source_file, args.section, cfg.user_column)
    return list_from_wiki(farm, cfg, getattr(args, "page", None), getattr(args, "section", None), journal)


def listed_only(bans: BanList, only: list[str] | None) -> list[str] | None:
    if only is None:
        return None
    listed = {e.user for e in bans.active}
    unlisted = [u for u in only if u not in listed]
    if unlisted:
        raise ConfigError(f"not active on the ban list: {', '.join(unlisted)}; use `banbot enforce NAME --reason` "
                          "for an account that is not listed")
    return only


def plan_for(args: argparse.Namespace, cfg: Config, farm: Any, journal: Journal | None) -> tuple[BanList, Plan]:
    from banbot.pipeline import build_plan

    bans = read_list(args, cfg, farm, journal)
    only = listed_only(bans, names(getattr(args, "user", None)))
    return bans, build_plan(farm, cfg, bans, journal, only)


def show_plan(plan: Plan, output: str, blockers: list[Blocker]) -> None:
    if output == "json":
        print(render.to_json(plan.to_json() | {"held_back_by": [b.data() for b in blockers]}))
        return
    print(render.plan_wikitext(plan) if output == "wikitext" else render.plan_table(plan))
    if blockers and plan.actions:
        print(render.blockers_text(blockers))


def refuse_if_unsafe(blockers: list[Blocker], force: bool, reviewed: bool = False) -> None:
    """Refuse unless every rule that holds the plan back is overridden: ``force`` overrides the overridable
    ones; a reviewed plan (apply --plan / --digest) lifts the first-run rule."""
    blockers = [b for b in blockers if not (reviewed and b.lifted_by_review)]
    hard = [b for b in blockers if not b.overridable]
    soft = [b for b in blockers if b.overridable]
    if hard or (soft and not force):
        rules = "; ".join(f"[{b.rule}] {b.message}" for b in hard + soft)
        hint = "" if hard or force else " (after review, --force overrides these rules)"
        raise UnsafeRun(f"not applied, held back by: {rules}{hint}")


def confirm(plan: Plan, yes: bool) -> None:
    if yes or not plan.actions:
        return
    if not sys.stdin.isatty():
        raise ConfigError("apply needs confirmation: review the plan, then pass --yes (or --plan FILE / --digest D)")
    answer = input(f"apply these {len(plan.actions)} actions? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise PlanRejected("not applied: the operator declined")


def progress_bar(output: str) -> Any:
    if not sys.stderr.isatty() or output == "json":
        return None

    def show(i: int, n: int, action: Any) -> None:
        width = 30
        done = int(width * (i + 1) / max(n, 1))
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i + 1}/{n} {action.describe()[:60]:60}")
        if i + 1 == n:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def switch_guard(farm: Any, cfg: Config) -> Any:
    """For apply_plan: the kill switch, re-read every few seconds during a long run."""
    from banbot.pipeline import kill_switch

    def guard() -> str | None:
        blocker = kill_switch(farm, cfg)
        return blocker.message if blocker else None

    return guard


def journal_for_writes(args: argparse.Namespace, cfg: Config) -> Journal:
    return Journal.for_writes(cfg.journal, init=bool(getattr(args, "init_journal", False)))


def requester(args: argparse.Namespace) -> str:
    import getpass

    return str(getattr(args, "by", None) or os.environ.get("SUDO_USER") or getpass.getuser())
