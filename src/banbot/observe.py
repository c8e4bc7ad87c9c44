"""Observe: each listed account's current state across the farm, with the cheapest reads the API allows.

CentralAuth farms: one ``list=globalusers`` read per 50 accounts where the wiki has it, then one
``meta=globaluserinfo`` per account that may still need work (every account where it has not). Plain
farms: one ``list=users`` read per 50 accounts per wiki. Then the talk pages where notices would go,
50 a request. A missing account is observed as missing and reported by the planner, never acted on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from banbot.plan import PlanSettings, notice_wikis
from banbot.state import AccountState
from banbot.wiki import centralauth, pages, users
from banbot.wiki.session import Farm

log = logging.getLogger(__name__)


def observe(farm: Farm, names: list[str], s: PlanSettings, settled: Iterable[str] = ()) -> dict[str, AccountState]:
    """``settled``: accounts the journal says were fully enforced; locked ones need no detail read."""
    names = list(dict.fromkeys(names))
    states = _observe_centralauth(farm, names, set(settled)) if s.mode == "centralauth" else _observe_plain(farm, names)
    return _with_talk_pages(farm, states, s)


def _observe_plain(farm: Farm, names: list[str]) -> dict[str, AccountState]:
    found: dict[str, list] = {n: [] for n in names}
    for client in farm.clients.values():
        for name, acct in users.local_accounts(client, names).items():
            found.setdefault(name, []).append(acct)
    return {n: AccountState(n, exists=bool(accts), locked=None, local=tuple(accts)) for n, accts in found.items()}


def _observe_centralauth(farm: Farm, names: list[str], settled: set[str]) -> dict[str, AccountState]:
    central = farm.central
    wikis = set(farm.clients)
    states: dict[str, AccountState] = {}
    detail = names
    if names and centralauth.has_globalusers(central):
        batch = centralauth.lock_states(central, names)
        detail = []
        for n in names:
            exists, locked, groups = batch.get(n, (False, False, ()))
            if not exists:
                states[n] = AccountState(n, exists=False)
            elif locked and not groups and n in settled:
                states[n] = AccountState(n, exists=True, locked=True)
            else:
                detail.append(n)
    for n in detail:
        states[n], _ = centralauth.global_account(central, n, wikis)
    if farm.config.enforce.block:
        _add_block_detail(farm, states)
    return {n: states[n] for n in names}


def _add_block_detail(farm: Farm, states: dict[str, AccountState]) -> None:
    """globaluserinfo cannot tell partial blocks from sitewide ones: ask each wiki, 50 names a request."""
    for db, client in farm.clients.items():
        here = [n for n, st in states.items() if st.on(db) is not None]
        if not here:
            continue
        rows = users.local_accounts(client, here)
        for n in here:
            row = rows.get(n)
            old = states[n].on(db)
            if row is None or old is None:
                continue
            new = dataclasses.replace(old, blocked=row.blocked, block_partial=row.block_partial,
                                      block_expiry=row.block_expiry)
            states[n] = dataclasses.replace(states[n], local=tuple(new if a.wiki == db else a for a in states[n].local))


def _with_talk_pages(farm: Farm, states: dict[str, AccountState], s: PlanSettings) -> dict[str, AccountState]:
    by_wiki: dict[str, list[str]] = {}
    for n, st in states.items():
        for w in notice_wikis(st, s):
            by_wiki.setdefault(w, []).append(n)
    for wiki, who in by_wiki.items():
        if wiki not in farm.clients:
            continue
        talk = pages.read_talk_pages(farm[wiki], who, s.bot_name)
        for n in who:
            if n in talk:
                states[n] = dataclasses.replace(states[n], talk=states[n].talk + (talk[n],))
    return states
