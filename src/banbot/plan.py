"""Desired state − observed state = a plan: the planning rules (pure: imports no network code).

A :class:`~banbot.actions.Plan` is a frozen value: an ordered tuple of typed actions, the accounts held back for
a human, the list revision it came from and a digest over all of it. The preview renders this object, and the
executor takes this object and nothing else, so what a reviewer reads is what apply does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from banbot.actions import (
    ACTION_TYPES,
    Action,
    ActionKind,
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
from banbot.banlist import BanList, ListSource
from banbot.config import EnforceConfig, FarmMode, Nobots
from banbot.names import InvalidName, normalize
from banbot.notices import NOTICE_MARKER, opts_out
from banbot.state import AccountState, LocalAccount, TalkPage

# Re-exported for callers that plan: the records live in banbot.actions.
__all__ = ["ACTION_TYPES", "NOTICE_MARKER", "Action", "ActionKind", "Block", "Hold", "Lock", "Notify", "Plan",
           "PlanSettings", "RemoveGlobalGroups", "RemoveLocalGroups", "Scope", "Why", "action_from_data",
           "compute_digest", "make_plan", "notice_wikis", "opts_out", "plan_account", "plan_from_json",
           "protect_first"]


@dataclass(frozen=True)
class PlanSettings:
    mode: FarmMode
    central: str
    wikis: tuple[str, ...]  # in config order
    langs: Mapping[str, str]
    enforce: EnforceConfig
    list_link: str
    bot_name: str | None
    permalink_prefix: str = "Special:PermanentLink/"

    @property
    def blocks(self) -> bool:
        return self.mode == FarmMode.PLAIN if self.enforce.block is None else self.enforce.block

    @functools.cached_property
    def order(self) -> dict[str, int]:
        """Each configured wiki's position: plans list wikis in config order."""
        return {w: i for i, w in enumerate(self.wikis)}

    @functools.cached_property
    def exempt_names(self) -> frozenset[str]:
        return frozenset(n for u in self.enforce.exempt_users if not isinstance(n := normalize(u), InvalidName))

    def local_in_order(self, state: AccountState) -> list[LocalAccount]:
        """The account's local accounts: on configured wikis in config order, then on every other wiki
        CentralAuth reported, by name (cost: its own wikis, not all)."""
        last = len(self.order)
        return sorted(state.local, key=lambda a: (self.order.get(a.wiki, last), a.wiki))


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, **values: Any) -> str:
    return template.format_map(_Fill({k: str(v) for k, v in values.items()}))


HIDDEN_NAME = "this account"  # what a reason says in place of a hidden account's name


def _reason(template: str, state: AccountState, links: Mapping[str, object]) -> str:
    """The log reason (and edit summary) of every action for this account. A hidden account's name is
    published nowhere: ``{user}`` says "this account", and the name written in the template itself (a
    steward's ``enforce --reason``) is replaced the same way."""
    if not state.hidden:
        return _fill(template, user=state.name, **links)
    text = _fill(template, user=HIDDEN_NAME, **links)
    spelled = "[ _]+".join(re.escape(word) for word in state.name.split(" "))
    return re.sub(rf"(?<!\w){spelled}(?!\w)", HIDDEN_NAME, text, flags=re.IGNORECASE)


def _unnamed(actions: Iterable[Action], holds: Iterable[Hold], hidden: Collection[str]) -> tuple[
        list[Action], list[Hold]]:
    """Every action and hold about a hidden account, marked so: renderers meant for a wiki count them."""
    return ([dataclasses.replace(a, hidden=True) if a.user in hidden else a for a in actions],
            [dataclasses.replace(h, hidden=True) if h.user in hidden else h for h in holds])


def notice_wikis(state: AccountState, s: PlanSettings) -> list[str]:
    """Where the talk-page notice goes: the home wiki (CentralAuth); on a plain farm, whose accounts are
    separate on every wiki, each wiki where the account exists (``notify_all_wikis = false``: only the
    central wiki, or the first wiki with an account)."""
    if not s.enforce.notify or not state.exists or state.hidden or state.local_only:
        return []
    have = [a.wiki for a in s.local_in_order(state) if a.wiki not in s.enforce.no_notice_wikis]
    if s.mode == FarmMode.CENTRALAUTH:
        have = [w for w in have if (acct := state.on(w)) is not None and acct.attached]  # never someone else's
        home = state.home if state.home in have else (s.central if s.central in have else None)
        return [home] if home else have[:1]
    if s.enforce.notify_all_wikis is not False:
        return have
    return [s.central] if s.central in have else have[:1]


def _removable(groups: Iterable[str], enforce: EnforceConfig) -> tuple[str, ...]:
    wanted = set(enforce.remove_groups)
    return tuple(sorted(g for g in groups if "*" in wanted or g in wanted))


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


def registered_after(registered: str | None, since: dt.date | None) -> bool:
    """Whether an account was registered on a later day than its entry's date (the same day is not later;
    no date or no registration, no check)."""
    if not registered or since is None:
        return False
    try:
        return dt.date.fromisoformat(registered[:10]) > since
    except ValueError:
        return False


def _late(name: str, registered: str | None, since: dt.date | None, wiki: str | None = None) -> Hold:
    return Hold(name, f"registered {registered[:10] if registered else '?'}, after it was listed on "
                      f"{since}; the name may belong to someone else: review by hand", wiki,
                why=Why.REGISTERED_AFTER_LISTING)


def plan_account(state: AccountState, source: ListSource, s: PlanSettings, since: dt.date | None = None,
                 ours: Collection[str] = ()) -> tuple[list[Action], list[Hold]]:
    """What enforcement of one account still lacks. ``since`` is its entry's date; ``ours`` holds the journal
    keys of notices banbot posted (or was posting), so a marker someone else wrote is told apart."""
    name = state.name
    if state.problem == "invalid":
        return [], [Hold(name, f"the central wiki rejects this name ({state.problem_info}); check the list row: "
                               "nothing done for it", why=Why.INVALID)]
    if not state.exists:
        if state.problem == "unseen":
            return [], [Hold(name, UNSEEN, why=Why.NOT_VISIBLE)]
        return [], [Hold(name, "no such account on the farm (never created, or renamed away); nothing to do",
                         why=Why.MISSING)]
    if state.local_only:
        return [], [Hold(name, "no global account, but local accounts of this name: "
                               f"{_local_summary(state)}; CentralAuth cannot lock it and they may be someone else's: "
                               "review by hand", why=Why.LOCAL_ONLY)]
    exempt = _exempt(state, s)
    if exempt:
        return [], [exempt]
    if s.mode == FarmMode.CENTRALAUTH and registered_after(state.registered, since):
        return [], [_late(name, state.registered, since)]
    links = {"list_link": s.list_link, "revid": source.revid or "file",
             "permalink": f"{s.permalink_prefix}{source.revid}" if source.revid else s.list_link}
    reason = _reason(s.enforce.reason, state, links)
    actions: list[Action] = []
    holds: list[Hold] = []
    if s.mode == FarmMode.CENTRALAUTH:
        if not state.locked:
            actions.append(Lock(name, s.central, reason, statecheck=state.lock_check))
        groups = _removable(state.global_groups, s.enforce)
        if groups:
            actions.append(RemoveGlobalGroups(name, s.central, reason, groups=groups))
    local = []
    for acct in s.local_in_order(state):
        if s.mode == FarmMode.PLAIN and registered_after(acct.registered, since):
            holds.append(_late(name, acct.registered, since, acct.wiki))  # a separate account on each plain wiki
        else:
            local.append(acct)
    for acct in local:
        wiki = acct.wiki
        groups = _removable(acct.groups, s.enforce)
        if not acct.attached:
            if groups:
                holds.append(Hold(name, f"an unattached local account of this name holds {', '.join(groups)}; "
                                        "it may be someone else: review by hand", wiki, why=Why.UNATTACHED))
            continue
        if groups:
            actions.append(RemoveLocalGroups(name, wiki, reason, groups=groups,
                                             via_central=s.mode == FarmMode.CENTRALAUTH))
    if s.blocks:
        for acct in local:
            if not acct.attached or acct.wiki in s.enforce.no_block_wikis:
                continue
            if _needs_block(acct):
                actions.append(Block(name, acct.wiki, reason, noemail=s.enforce.noemail, reblock=acct.blocked))
    if state.hidden and s.enforce.notify and s.mode == FarmMode.CENTRALAUTH and not state.locked:
        holds.append(Hold(name, "a hidden account (CentralAuth hides its name): no talk-page notice, which would "
                                "publish it", state.home, why=Why.HIDDEN))
    late = {h.wiki for h in holds if h.wiki and h.why == Why.REGISTERED_AFTER_LISTING}
    for wiki in notice_wikis(state, s):
        page = state.talk_on(wiki)
        if page is None or wiki in late:
            continue
        hold = _notice_hold(page, s, ours_posted=f"notify|{name}|{wiki}" in ours)
        if hold:
            holds.append(Hold(name, hold[1], wiki, why=hold[0]))
            continue
        if page.has_notice:
            continue
        lang = s.langs.get(wiki) or page.lang or "en"
        template = s.enforce.notices.get(lang) or s.enforce.notices["en"]
        text = _fill(template, user=name, marker=NOTICE_MARKER, **links)
        if NOTICE_MARKER not in text:
            text += f" <!-- {NOTICE_MARKER} -->"
        actions.append(Notify(name, wiki, reason, title=page.title, section_title=s.enforce.notice_title,
                              text=text, base_revid=page.revid if page.exists else None,
                              base_text=page.text if page.exists else None, base_timestamp=page.timestamp,
                              start_timestamp=page.read_at))
    return actions, holds


INDEFINITE = ("infinite", "infinity", "indefinite", "never")


def _needs_block(acct: LocalAccount) -> bool:
    if not acct.blocked:
        return True
    return acct.block_partial or (acct.block_expiry or "infinite") not in INDEFINITE


def _notice_hold(page: TalkPage, s: PlanSettings, ours_posted: bool) -> tuple[Why, str] | None:
    if page.has_notice:
        if ours_posted:
            return None
        return Why.FOREIGN_MARKER, (
            f"{page.title} carries banbot's notice marker, but the journal records no notice posted there "
            "(someone else wrote it, or the journal was restored from an older backup); check the page by hand")
    if page.exists and page.redirect:
        return Why.NOT_WIKITEXT, (f"{page.title} is a redirect; a notice there would be invisible: post it by hand "
                                  "where it belongs")
    if page.exists and page.content_model != "wikitext":
        return Why.NOT_WIKITEXT, f"{page.title} has the content model {page.content_model!r}, not wikitext; notice " \
                                 "not posted"
    if page.nobots and s.enforce.nobots == Nobots.SKIP:
        return Why.OPTED_OUT, (f"{page.title} opts out of bot messages with {{{{nobots}}}}; notice not posted "
                               "(enforce.nobots = skip)")
    if page.protection:
        return Why.PROTECTED, f"{page.title} is protected ({page.protection}); notice not posted"
    return None


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
        a, h = plan_account(state, bans.source, s, entry.since, ours)
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


# Protective actions first, for every account, before anything that only tidies up: on a first run over a long
# list, the last account is locked (or blocked) minutes in, not at the very end.
_ORDER = {ActionKind.LOCK: 0, ActionKind.BLOCK: 1, ActionKind.REMOVE_GLOBAL_GROUPS: 2,
          ActionKind.REMOVE_LOCAL_GROUPS: 3, ActionKind.NOTIFY: 4}


def protect_first(actions: Iterable[Action]) -> tuple[Action, ...]:
    """Locks, then blocks, then group removals, then notices; within each, the list's order (a stable sort)."""
    return tuple(sorted(actions, key=lambda a: _ORDER[a.kind]))
