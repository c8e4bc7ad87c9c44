"""The ban: the account is stopped everywhere — locked (CentralAuth) or blocked on every wiki (plain farms, or
``enforce.block``) — stripped of the groups ``enforce.remove_groups`` names, and told once on its talk page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from banbot.config import EnforceConfig, FarmMode, SanctionKind
from banbot.holds import Hold, Why
from banbot.sanctions.base import Action, Basis, Sanction, Settings
from banbot.sanctions.block import Block, needs_block
from banbot.sanctions.groups import RemoveGlobalGroups, RemoveLocalGroups
from banbot.sanctions.lock import Lock
from banbot.sanctions.notice import Notify, plan_notices
from banbot.state import LocalAccount


def removable(groups: Iterable[str], enforce: EnforceConfig) -> tuple[str, ...]:
    wanted = set(enforce.remove_groups)
    return tuple(sorted(g for g in groups if "*" in wanted or g in wanted))


def registered_after(registered: str | None, since: dt.date | None) -> bool:
    """Whether an account was registered on a later day than its entry's date (the same day is not later;
    no date or no registration, no check)."""
    if not registered or since is None:
        return False
    try:
        return dt.date.fromisoformat(registered[:10]) > since
    except ValueError:
        return False


def late(name: str, registered: str | None, since: dt.date | None, wiki: str | None = None) -> Hold:
    return Hold(name, f"registered {registered[:10] if registered else '?'}, after it was listed on "
                      f"{since}; the name may belong to someone else: review by hand", wiki,
                why=Why.REGISTERED_AFTER_LISTING)


def local_accounts(b: Basis, s: Settings) -> tuple[list[LocalAccount], list[Hold]]:
    """The local accounts a sanction may touch: on a plain farm each wiki's account is a separate one, so one
    registered after the listing is held on its own."""
    ok, holds = [], []
    for acct in s.local_in_order(b.state):
        if s.mode == FarmMode.PLAIN and registered_after(acct.registered, b.since):
            holds.append(late(b.state.name, acct.registered, b.since, acct.wiki))
        else:
            ok.append(acct)
    return ok, holds


def unattached(name: str, acct: LocalAccount, groups: tuple[str, ...]) -> Hold:
    return Hold(name, f"an unattached local account of this name holds {', '.join(groups)}; it may be someone "
                      "else: review by hand", acct.wiki, why=Why.UNATTACHED)


def _global(b: Basis, s: Settings) -> list[Action]:
    state, out = b.state, list[Action]()
    if not state.locked:
        out.append(Lock(state.name, s.central, b.reason, statecheck=state.lock_check))
    groups = removable(state.global_groups, s.enforce)
    if groups:
        out.append(RemoveGlobalGroups(state.name, s.central, b.reason, groups=groups))
    return out


def _local(b: Basis, s: Settings, local: list[LocalAccount]) -> tuple[list[Action], list[Hold]]:
    actions: list[Action] = []
    holds: list[Hold] = []
    for acct in local:
        groups = removable(acct.groups, s.enforce)
        if groups and not acct.attached:
            holds.append(unattached(b.state.name, acct, groups))
        elif groups:
            actions.append(RemoveLocalGroups(b.state.name, acct.wiki, b.reason, groups=groups,
                                             via_central=s.mode == FarmMode.CENTRALAUTH))
    if s.blocks:
        actions += [Block(b.state.name, a.wiki, b.reason, noemail=s.enforce.noemail, reblock=a.blocked)
                    for a in local if a.attached and a.wiki not in s.enforce.no_block_wikis and needs_block(a)]
    return actions, holds


def plan(b: Basis, s: Settings) -> tuple[list[Action], list[Hold]]:
    """What a ban of this account still lacks."""
    actions = _global(b, s) if s.mode == FarmMode.CENTRALAUTH else []
    local, holds = local_accounts(b, s)
    more, held = _local(b, s, local)
    late_wikis = {h.wiki for h in holds}
    notices, notice_holds = plan_notices(b, s, skip=late_wikis)
    return actions + more + notices, holds + held + notice_holds


SANCTION = Sanction(SanctionKind.BAN, plan, plans=(Lock, Block, RemoveGlobalGroups, RemoveLocalGroups, Notify),
                    lock_settles=True)
