"""The restriction: only the groups an entry names are removed, on the wikis it names (every wiki when it names
none) — never a lock, never a block, and by default no notice. On CentralAuth farms a named global group is
removed globally, and local groups through the central wiki (``user=Name@dbname``)."""

from __future__ import annotations

from banbot.config import FarmMode, SanctionKind
from banbot.holds import Hold, Why
from banbot.sanctions.ban import local_accounts, unattached
from banbot.sanctions.base import Action, Basis, Sanction, Settings
from banbot.sanctions.groups import RemoveGlobalGroups, RemoveLocalGroups
from banbot.sanctions.notice import Notify, plan_notices


def _unknown_wikis(b: Basis, s: Settings) -> list[Hold]:
    """A wiki the entry names that neither the config nor the account's own accounts know: a typo would
    otherwise do nothing, silently."""
    known = set(s.wikis) | {a.wiki for a in b.state.local}
    return [Hold(b.state.name, f"the restriction names the wiki {w!r}, which is not in the config and where this "
                               "account has no account; check the row's Wikis cell", w, why=Why.UNKNOWN_WIKI)
            for w in b.wikis if w not in known]


def plan(b: Basis, s: Settings) -> tuple[list[Action], list[Hold]]:
    """What this restriction still lacks: the named groups the account holds where the entry applies."""
    state, named = b.state, set(b.groups)
    actions: list[Action] = []
    if s.mode == FarmMode.CENTRALAUTH:
        held = tuple(sorted(named & set(state.global_groups)))
        if held:
            actions.append(RemoveGlobalGroups(state.name, s.central, b.reason, groups=held))
    local, holds = local_accounts(b, s)
    for acct in local:
        groups = tuple(sorted(named & set(acct.groups)))
        if not groups or (b.wikis and acct.wiki not in b.wikis):
            continue
        if not acct.attached:
            holds.append(unattached(state.name, acct, groups))
            continue
        actions.append(RemoveLocalGroups(state.name, acct.wiki, b.reason, groups=groups,
                                         via_central=s.mode == FarmMode.CENTRALAUTH))
    holds += _unknown_wikis(b, s)
    notices, notice_holds = plan_notices(b, s, skip={h.wiki for h in holds})
    return actions + notices, holds + notice_holds


# Notify only when the source says notify = true
SANCTION = Sanction(SanctionKind.RESTRICT, plan, plans=(RemoveGlobalGroups, RemoveLocalGroups, Notify))
