"""Desired state − observed state = a plan: the planning rules (pure: imports no network code).

A :class:`~banbot.actions.Plan` is a frozen value: an ordered tuple of typed actions, the accounts held back for
a human, the list revision it came from and a digest over all of it. The preview renders this object, and the
executor takes this object and nothing else, so what a reviewer reads is what apply does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from banbot.actions import (
    ACTION_TYPES,
    Action,
    Block,
    Hold,
    Lock,
    Notify,
    Plan,
    RemoveGlobalGroups,
    RemoveLocalGroups,
    Scope,
    Why,
    action_from_data,
    compute_digest,
    plan_from_json,
)
from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import FarmMode
from banbot.notices import NOTICE_MARKER, opts_out
from banbot.sanctions import SANCTIONS
from banbot.sanctions.ban import late, registered_after
from banbot.sanctions.base import Basis, fill
from banbot.sanctions.base import Settings as PlanSettings
from banbot.sanctions.notice import notice_wikis
from banbot.state import AccountState

# Re-exported for callers that plan: the records live in banbot.actions and banbot.sanctions.
__all__ = ["ACTION_TYPES", "NOTICE_MARKER", "Action", "Block", "Hold", "Lock", "Notify", "Plan", "PlanSettings",
           "RemoveGlobalGroups", "RemoveLocalGroups", "Scope", "Why", "action_from_data", "compute_digest",
           "make_plan", "notice_wikis", "opts_out", "plan_account", "plan_from_json", "protect_first",
           "registered_after", "union"]

HIDDEN_NAME = "this account"  # what a reason says in place of a hidden account's name


def _reason(template: str, state: AccountState, links: Mapping[str, object]) -> str:
    """The log reason (and edit summary) of every action for this account. A hidden account's name is
    published nowhere: ``{user}`` says "this account", and the name written in the template itself (a
    steward's ``enforce --reason``) is replaced the same way."""
    if not state.hidden:
        return fill(template, user=state.name, **links)
    text = fill(template, user=HIDDEN_NAME, **links)
    spelled = "[ _]+".join(re.escape(word) for word in state.name.split(" "))
    return re.sub(rf"(?<!\w){spelled}(?!\w)", HIDDEN_NAME, text, flags=re.IGNORECASE)


def _unnamed(actions: Iterable[Action], holds: Iterable[Hold], hidden: Collection[str]) -> tuple[
        list[Action], list[Hold]]:
    """Every action and hold about a hidden account, marked so: renderers meant for a wiki count them."""
    return ([dataclasses.replace(a, hidden=True) if a.user in hidden else a for a in actions],
            [dataclasses.replace(h, hidden=True) if h.user in hidden else h for h in holds])


def _exempt(state: AccountState, s: PlanSettings) -> Hold | None:
    name = state.name
    if s.bot_name and name == s.bot_name:
        return Hold(name, "this is banbot's own account; it is never acted on", why=Why.OWN_ACCOUNT)
    if name in s.exempt_names:
        return Hold(name, "listed in enforce.exempt_users; review by hand", why=Why.EXEMPT)
    held = set(state.global_groups) | {g for a in state.local if a.attached for g in a.groups}
    hit = sorted(held & set(s.enforce.exempt_groups))
    if hit:
        return Hold(name, f"holds exempt group(s) {', '.join(hit)}; review by hand", why=Why.EXEMPT)
    return None


UNSEEN = ("not visible to this key; hidden accounts need centralauth-suppress (no such account to this login, "
          "or a hidden one that the bot's own plan may lock: preview with the bot's key to be sure)")


def _local_summary(state: AccountState) -> str:
    return "; ".join(f"{a.wiki} ({', '.join(a.groups) if a.groups else 'no groups'})" for a in state.local)


def _unjudgeable(state: AccountState) -> Hold | None:
    """Every sanction's first checks: an account banbot cannot judge from what it read is held."""
    name = state.name
    if state.problem == "invalid":
        return Hold(name, f"the central wiki rejects this name ({state.problem_info}); check the list row: "
                          "nothing done for it", why=Why.INVALID)
    if not state.exists and state.problem == "unseen":
        return Hold(name, UNSEEN, why=Why.NOT_VISIBLE)
    if not state.exists:
        return Hold(name, "no such account on the farm (never created, or renamed away); nothing to do",
                    why=Why.MISSING)
    if state.local_only:
        return Hold(name, "no global account, but local accounts of this name: "
                          f"{_local_summary(state)}; CentralAuth cannot lock it and they may be someone else's: "
                          "review by hand", why=Why.LOCAL_ONLY)
    return None


def plan_account(state: AccountState, source: ListSource, s: PlanSettings, since: dt.date | None = None,
                 ours: Collection[str] = (), entry: BanEntry | None = None) -> tuple[list[Action], list[Hold]]:
    """What enforcement of one account still lacks, by the sanction of its list (``s.sanction``). ``since``
    is its entry's date; ``ours`` holds the journal keys of notices banbot posted (or was posting), so a
    marker someone else wrote is told apart; ``entry`` carries a restriction's groups and wikis."""
    hold = _unjudgeable(state) or _exempt(state, s)
    if hold is None and s.mode == FarmMode.CENTRALAUTH and registered_after(state.registered, since):
        hold = late(state.name, state.registered, since)
    if hold is not None:
        return [], [hold]
    links = {"list_link": s.list_link, "revid": source.revid or "file",
             "permalink": f"{s.permalink_prefix}{source.revid}" if source.revid else s.list_link}
    basis = Basis(state, _reason(s.enforce.reason, state, links), links, since,
                  groups=entry.groups if entry else (), wikis=entry.wikis if entry else (), ours=frozenset(ours))
    actions, holds = SANCTIONS[s.sanction].plan(basis, s)
    if s.source:
        actions = [dataclasses.replace(a, sources=(s.source,)) for a in actions]
    return actions, holds


def make_plan(bans: BanList, observed: Mapping[str, AccountState], s: PlanSettings,
              only: Iterable[str] | None = None, completed: Mapping[str, str] | None = None,
              pending: Collection[str] = (), doubts: Mapping[str, str] | None = None) -> Plan:
    """The plan for every active entry (or only the named accounts) of ``bans``.

    ``completed`` maps journal keys to when the wikis confirmed them: such an action is never planned
    again; if the wiki shows it undone, a human reversed it, and the plan holds it for review instead.
    ``pending`` holds the keys of actions a crashed run left unsettled. ``doubts`` maps each entry whose row
    trusted editors did not write (:mod:`banbot.vetting`) to why: such an entry is held, never acted on.
    """
    completed = completed or {}
    ours = set(completed) | set(pending)
    wanted = set(only) if only is not None else None
    actions: list[Action] = []
    holds: list[Hold] = []
    users: list[str] = []
    for entry in bans.active:
        if wanted is not None and entry.user not in wanted:
            continue
        users.append(entry.user)
        doubt = (doubts or {}).get(entry.user)
        if doubt:
            holds.append(Hold(entry.user, f"its row is not all trusted editors' work: {doubt}; a trusted editor who "
                                          "checked it edits the row itself, or a steward enforces it with `banbot "
                                          "enforce`", why=Why.UNTRUSTED_ORIGIN))
            continue
        state = observed.get(entry.user) or AccountState(entry.user, exists=False)
        a, h = plan_account(state, bans.source, s, entry.since, ours, entry)
        for action in a:
            if action.key in completed:
                h.append(Hold(entry.user, f"{action.describe()}: done on {completed[action.key]} (journal) but the "
                                          "wiki shows it undone; a human may have reversed it, so banbot will not "
                                          "redo it", action.wiki, why=Why.REVERSED))
            else:
                actions.append(action)
        holds += h
    actions, holds = _unnamed(actions, holds, {n for n, st in observed.items() if st.hidden})
    return Plan(bans.source, protect_first(actions), tuple(holds), tuple(users))


def protect_first(actions: Iterable[Action]) -> tuple[Action, ...]:
    """Protective actions first, for every account, before anything that only tidies up: on a first run over a
    long list, the last account is locked (or blocked) minutes in, not at the very end. Locks, then blocks,
    then group removals, then notices (each kind's ``order``); within each, the list's order (a stable sort)."""
    return tuple(sorted(actions, key=lambda a: a.order))


def _covers(earlier: Action, later: Action) -> bool:
    """Whether ``earlier`` already does what ``later`` asks: the same write, or the same kind of group removal
    on the same account and wiki taking every group ``later`` names."""
    if earlier.key == later.key:
        return True
    groups, more = getattr(earlier, "groups", None), getattr(later, "groups", None)
    return groups is not None and more is not None and set(more) <= set(groups)


def union(plans: Sequence[Plan]) -> list[Plan]:
    """The plans of several sources as one preview shows them: an action an earlier source's plan already
    makes is not shown again, and the earlier action names both sources (applied in order, the later source's
    fresh read finds it done and plans nothing for it). Earlier actions are found by kind, account and wiki,
    so a preview of long lists stays linear."""
    kept: list[list[Action]] = []
    where: dict[tuple[str, str, str], list[tuple[int, int]]] = {}  # (kind, user, wiki) -> (plan, action) indexes
    for plan in plans:
        mine: list[Action] = []
        for action in plan.actions:
            found = next(((i, j) for i, j in where.get((action.kind, action.user, action.wiki), ())
                          if _covers(kept[i][j], action)), None)
            if found is None:
                mine.append(action)
                continue
            i, j = found
            kept[i][j] = dataclasses.replace(kept[i][j], sources=tuple(dict.fromkeys(kept[i][j].sources
                                                                                     + action.sources)))
        for j, action in enumerate(mine):
            where.setdefault((action.kind, action.user, action.wiki), []).append((len(kept), j))
        kept.append(mine)
    return [Plan(p.source, tuple(actions), p.holds, p.users) for p, actions in zip(plans, kept, strict=True)]
