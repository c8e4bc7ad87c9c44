"""Observe: each listed account's current state across the farm, with the cheapest reads the API allows.

The global-account adapter (:mod:`banbot.wiki.accounts`) reads lock state, groups and local accounts; then
the talk pages where notices would go are read, 50 a request per wiki. A missing account is observed as
missing and reported by the planner, never acted on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from banbot.plan import PlanSettings, notice_wikis
from banbot.state import AccountState
from banbot.wiki import pages
from banbot.wiki.accounts import GlobalAccounts, accounts_for
from banbot.wiki.session import Farm

log = logging.getLogger(__name__)


def observe(farm: Farm, names: list[str], s: PlanSettings, settled: Iterable[str] = (),
            accounts: GlobalAccounts | None = None) -> dict[str, AccountState]:
    """``settled``: accounts whose lock the journal confirmed; still locked, they need no detail read."""
    names = list(dict.fromkeys(names))
    states = (accounts or accounts_for(farm)).states(names, settled)
    log.info("observe: %d accounts, %d missing", len(states), sum(not st.exists for st in states.values()))
    return _with_talk_pages(farm, states, s)


def _with_talk_pages(farm: Farm, states: dict[str, AccountState], s: PlanSettings) -> dict[str, AccountState]:
    by_wiki: dict[str, list[str]] = {}
    for n, st in states.items():
        for w in notice_wikis(st, s):
            by_wiki.setdefault(w, []).append(n)
    for wiki, who in by_wiki.items():
        if wiki not in farm.clients:
            continue
        talk = pages.read_talk_pages(farm[wiki], who, s.bot_name)
        if wiki not in s.langs:  # a wiki CentralAuth reported, not in the config: its language from siteinfo
            lang = farm[wiki].siteinfo().get("lang")
            talk = {n: dataclasses.replace(t, lang=str(lang) if lang else None) for n, t in talk.items()}
        for n in who:
            if n in talk:
                states[n] = dataclasses.replace(states[n], talk=states[n].talk + (talk[n],))
    return states
