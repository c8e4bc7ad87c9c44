"""Desired state − observed state = a plan (pure: imports no network code).

A :class:`Plan` is a frozen value: an ordered tuple of typed actions, the accounts held back for a human
(:class:`Hold`), the list revision it came from and a digest over both. The preview renders this object,
and the executor takes this object and nothing else, so what a reviewer reads is what apply does.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from banbot.banlist import BanList, ListSource
from banbot.config import EnforceConfig, FarmMode, Nobots
from banbot.names import InvalidName, normalize
from banbot.state import AccountState, LocalAccount, TalkPage

NOTICE_MARKER = "banbot:global-ban-notice"
_NOBOTS = re.compile(r"\{\{\s*(nobots\s*(\|[^}]*)?|bots\s*\|\s*deny\s*=\s*([^}]*))\}\}", re.IGNORECASE)


class ActionKind(StrEnum):
    LOCK = "lock"
    REMOVE_GLOBAL_GROUPS = "remove-global-groups"
    REMOVE_LOCAL_GROUPS = "remove-local-groups"
    BLOCK = "block"
    NOTIFY = "notify"


class Scope(StrEnum):
    GLOBAL = "global"  # the global account, on the central wiki
    LOCAL = "local"  # one wiki's account
    NOTICE = "notice"  # a talk page


@dataclass(frozen=True)
class Action:
    """One write. ``key`` identifies it in the journal across runs; ``data`` is its stable JSON form.

    The facts about each kind live on its class: ``kind`` (its name in plans and the journal), ``label``
    (how a summary counts it) and ``scope``."""

    kind: ClassVar[ActionKind]
    label: ClassVar[str]
    scope: ClassVar[Scope]
    protective: ClassVar[bool] = False  # stops the account from editing (a lock, a block)
    user: str
    wiki: str
    reason: str

    def fields(self) -> dict[str, Any]:
        return {}

    def data(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "user": self.user, "wiki": self.wiki, "reason": self.reason, **self.fields()}

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.user}|{self.wiki}"

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Lock(Action):
    kind: ClassVar[ActionKind] = ActionKind.LOCK
    protective: ClassVar[bool] = True
    label: ClassVar[str] = "locked"
    scope: ClassVar[Scope] = Scope.GLOBAL
    statecheck: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"statecheck": self.statecheck}

    def describe(self) -> str:
        return f"lock the global account {self.user}"


@dataclass(frozen=True)
class RemoveGlobalGroups(Action):
    kind: ClassVar[ActionKind] = ActionKind.REMOVE_GLOBAL_GROUPS
    label: ClassVar[str] = "global groups removed"
    scope: ClassVar[Scope] = Scope.GLOBAL
    groups: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        return {"groups": list(self.groups)}

    @property
    def key(self) -> str:
        return f"{super().key}|{','.join(self.groups)}"

    def describe(self) -> str:
        return f"remove global groups {', '.join(self.groups)} from {self.user}"


@dataclass(frozen=True)
class RemoveLocalGroups(Action):
    kind: ClassVar[ActionKind] = ActionKind.REMOVE_LOCAL_GROUPS
    label: ClassVar[str] = "local groups removed"
    scope: ClassVar[Scope] = Scope.LOCAL
    groups: tuple[str, ...] = ()
    via_central: bool = False  # CentralAuth farms: userrights user=Name@dbname on the central wiki

    def fields(self) -> dict[str, Any]:
        return {"groups": list(self.groups), "via_central": self.via_central}

    @property
    def key(self) -> str:
        return f"{super().key}|{','.join(self.groups)}"

    def describe(self) -> str:
        return f"remove local groups {', '.join(self.groups)} from {self.user} on {self.wiki}"


@dataclass(frozen=True)
class Block(Action):
    kind: ClassVar[ActionKind] = ActionKind.BLOCK
    protective: ClassVar[bool] = True
    label: ClassVar[str] = "blocked"
    scope: ClassVar[Scope] = Scope.LOCAL
    noemail: bool = True
    reblock: bool = False

    def fields(self) -> dict[str, Any]:
        return {"expiry": "infinite", "nocreate": True, "noemail": self.noemail, "reblock": self.reblock}

    def describe(self) -> str:
        how = "replace the existing block with an indefinite one" if self.reblock else "block indefinitely"
        return f"{how}: {self.user} on {self.wiki}"


@dataclass(frozen=True)
class Notify(Action):
    """A new section appended to the talk page as a whole-page edit against the observed revision, so a
    retried or repeated edit meets an edit conflict instead of posting the notice twice."""

    kind: ClassVar[ActionKind] = ActionKind.NOTIFY
    label: ClassVar[str] = "notified"
    scope: ClassVar[Scope] = Scope.NOTICE
    title: str = ""
    section_title: str = ""
    text: str = ""
    base_revid: int | None = None  # None: the page did not exist (the edit must create it)
    base_text: str | None = field(default=None, compare=False, repr=False)
    base_timestamp: str | None = field(default=None, compare=False)
    start_timestamp: str | None = field(default=None, compare=False)

    def fields(self) -> dict[str, Any]:
        return {"title": self.title, "section_title": self.section_title, "text": self.text,
                "base_revid": self.base_revid}

    def describe(self) -> str:
        return f"post a notice on {self.title} on {self.wiki}"


ACTION_TYPES: dict[ActionKind, type[Action]] = {
    t.kind: t for t in (Lock, RemoveGlobalGroups, RemoveLocalGroups, Block, Notify)}
INDEFINITE = ("infinite", "infinity", "indefinite", "never")


def action_from_data(data: Mapping[str, Any]) -> Action:
    """Rebuild an action from its JSON form (a plan file or the journal)."""
    cls = ACTION_TYPES[ActionKind(data["kind"])]
    kw = {k: v for k, v in data.items() if k not in ("kind", "expiry", "nocreate")}
    if "groups" in kw:
        kw["groups"] = tuple(kw["groups"])
    return cls(**kw)


class Why(StrEnum):
    """Why a hold: audit, lifted and the reports decide from these codes, never from the words."""

    MISSING = "missing"  # no such account: nothing to do
    INVALID = "invalid"  # the central wiki rejects the name
    NOT_VISIBLE = "not-visible"  # missing to this login; a hidden account looks the same
    LOCAL_ONLY = "local-only"  # local accounts of the name, no global account (CentralAuth cannot lock it)
    HIDDEN = "hidden"  # a hidden account: no notice that would publish its name
    OWN_ACCOUNT = "own-account"
    EXEMPT = "exempt"  # exempt_users or exempt_groups
    UNATTACHED = "unattached"  # a local account of the name that may be someone else's
    REGISTERED_AFTER_LISTING = "registered-after-listing"
    REVERSED = "reversed"  # done once (journal), undone on the wiki: a human's decision
    OPTED_OUT = "opted-out"  # {{nobots}}
    PROTECTED = "protected"  # the talk page
    NOT_WIKITEXT = "not-wikitext"  # the talk page is a redirect or of another content model
    FOREIGN_MARKER = "foreign-marker"  # banbot's marker on a talk page, not written by banbot


@dataclass(frozen=True)
class Hold:
    """An account or step banbot will not act on, with the reason, for a human to review."""

    user: str
    reason: str
    wiki: str | None = None
    why: Why = Why.EXEMPT

    @property
    def missing(self) -> bool:
        return self.why == Why.MISSING

    def data(self) -> dict[str, Any]:
        return {"user": self.user, "wiki": self.wiki, "reason": self.reason, "code": str(self.why)}


@dataclass(frozen=True)
class Plan:
    source: ListSource
    actions: tuple[Action, ...]
    holds: tuple[Hold, ...] = ()
    users: tuple[str, ...] = ()  # the accounts considered
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", compute_digest(self.source, self.actions, self.users))

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "source": self.source.to_json(), "users": list(self.users),
                "actions": [a.data() for a in self.actions], "holds": [h.data() for h in self.holds]}


def compute_digest(source: ListSource, actions: Iterable[Action], users: Iterable[str] = ()) -> str:
    """Over everything apply reads from a plan: the list revision, every field of every action, the accounts."""
    basis = {"list": [source.location, source.title, source.revid], "actions": [a.data() for a in actions],
             "users": list(users)}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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


def opts_out(text: str, bot_name: str | None) -> bool:
    """The documented {{nobots}} rule: {{nobots}} or {{bots|deny=all}} (or naming the bot) opts out."""
    for m in _NOBOTS.finditer(text):
        if m.group(1).lower().startswith("nobots"):
            return True
        denied = {d.strip().casefold() for d in (m.group(3) or "").split(",")}
        if "all" in denied or (bot_name and bot_name.casefold() in denied):
            return True
    return False


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
    reason = _fill(s.enforce.reason, user=name, **links)
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
              pending: Collection[str] = ()) -> Plan:
    """The plan for every active entry (or only the named accounts) of ``bans``.

    ``completed`` maps journal keys to when the wikis confirmed them: such an action is never planned
    again; if the wiki shows it undone, a human reversed it, and the plan holds it for review instead.
    ``pending`` holds the keys of actions a crashed run left unsettled.
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
    return Plan(bans.source, protect_first(actions), tuple(holds), tuple(users))


# Protective actions first, for every account, before anything that only tidies up: on a first run over a long
# list, the last account is locked (or blocked) minutes in, not at the very end.
_ORDER = {ActionKind.LOCK: 0, ActionKind.BLOCK: 1, ActionKind.REMOVE_GLOBAL_GROUPS: 2,
          ActionKind.REMOVE_LOCAL_GROUPS: 3, ActionKind.NOTIFY: 4}


def protect_first(actions: Iterable[Action]) -> tuple[Action, ...]:
    """Locks, then blocks, then group removals, then notices; within each, the list's order (a stable sort)."""
    return tuple(sorted(actions, key=lambda a: _ORDER[a.kind]))


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """Read a plan file back; the caller compares ``digest`` with the file's own claim."""
    src = data["source"]
    from banbot.banlist import Protection

    source = ListSource(src["kind"], src["location"], src.get("title"), src.get("revid"), src.get("timestamp"),
                        src.get("user"), tuple(Protection(**p) for p in src.get("protection", [])))
    actions = tuple(action_from_data(a) for a in data["actions"])
    holds = tuple(Hold(h["user"], h["reason"], h.get("wiki"), Why(h.get("code", Why.EXEMPT)))
                  for h in data.get("holds", []))
    return Plan(source, actions, holds, tuple(data.get("users", [])))
