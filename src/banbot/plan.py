"""Desired state − observed state = a plan (pure: imports no network code).

A :class:`Plan` is a frozen value: an ordered tuple of typed actions, the accounts held back for a human
(:class:`Hold`), the list revision it came from and a digest over both. The preview renders this object,
and the executor takes this object and nothing else, so what a reviewer reads is what apply does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from banbot.banlist import BanList, ListSource
from banbot.config import EnforceConfig
from banbot.names import InvalidName, normalize
from banbot.state import AccountState, LocalAccount, TalkPage

NOTICE_MARKER = "banbot:global-ban-notice"
_NOBOTS = re.compile(r"\{\{\s*(nobots\s*(\|[^}]*)?|bots\s*\|\s*deny\s*=\s*([^}]*))\}\}", re.IGNORECASE)


@dataclass(frozen=True)
class Action:
    """One write. ``key`` identifies it in the journal across runs; ``data`` is its stable JSON form."""

    kind: ClassVar[str] = ""
    user: str
    wiki: str
    reason: str

    def fields(self) -> dict[str, Any]:
        return {}

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "user": self.user, "wiki": self.wiki, "reason": self.reason, **self.fields()}

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.user}|{self.wiki}"

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Lock(Action):
    kind: ClassVar[str] = "lock"
    statecheck: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"statecheck": self.statecheck}

    def describe(self) -> str:
        return f"lock the global account {self.user}"


@dataclass(frozen=True)
class RemoveGlobalGroups(Action):
    kind: ClassVar[str] = "remove-global-groups"
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
    kind: ClassVar[str] = "remove-local-groups"
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
    kind: ClassVar[str] = "block"
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

    kind: ClassVar[str] = "notify"
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


ACTION_TYPES: dict[str, type[Action]] = {
    t.kind: t for t in (Lock, RemoveGlobalGroups, RemoveLocalGroups, Block, Notify)}
INDEFINITE = ("infinite", "infinity", "indefinite", "never")


def action_from_data(data: Mapping[str, Any]) -> Action:
    """Rebuild an action from its JSON form (a plan file or the journal)."""
    cls = ACTION_TYPES[data["kind"]]
    kw = {k: v for k, v in data.items() if k not in ("kind", "expiry", "nocreate")}
    if "groups" in kw:
        kw["groups"] = tuple(kw["groups"])
    return cls(**kw)


@dataclass(frozen=True)
class Hold:
    """An account or step banbot will not act on, with the reason, for a human to review."""

    user: str
    reason: str
    wiki: str | None = None

    def data(self) -> dict[str, Any]:
        return {"user": self.user, "wiki": self.wiki, "reason": self.reason}


@dataclass(frozen=True)
class Plan:
    source: ListSource
    actions: tuple[Action, ...]
    holds: tuple[Hold, ...] = ()
    users: tuple[str, ...] = ()  # the accounts considered
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", compute_digest(self.source, self.actions))

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "source": self.source.to_json(), "users": list(self.users),
                "actions": [a.data() for a in self.actions], "holds": [h.data() for h in self.holds]}


def compute_digest(source: ListSource, actions: Iterable[Action]) -> str:
    basis = {"list": [source.location, source.title, source.revid], "actions": [a.data() for a in actions]}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class PlanSettings:
    mode: str  # "centralauth" or "plain"
    central: str
    wikis: tuple[str, ...]  # in config order
    langs: Mapping[str, str]
    enforce: EnforceConfig
    list_link: str
    bot_name: str | None
    permalink_prefix: str = "Special:PermanentLink/"

    @property
    def blocks(self) -> bool:
        return self.mode == "plain" if self.enforce.block is None else self.enforce.block

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
    if s.mode == "centralauth":
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


def _exempt(state: AccountState, s: PlanSettings) -> str | None:
    if s.bot_name and state.name == s.bot_name:
        return "this is banbot's own account; it is never acted on"
    if state.name in s.exempt_names:
        return "listed in enforce.exempt_users; review by hand"
    held = set(state.global_groups) | {g for a in state.local if a.attached for g in a.groups}
    hit = sorted(held & set(s.enforce.exempt_groups))
    if hit:
        return f"holds exempt group(s) {', '.join(hit)}; review by hand"
    return None


UNSEEN = ("not visible to this key; hidden accounts need centralauth-suppress (no such account to this login, "
          "or a hidden one that the bot's own plan may lock: preview with the bot's key to be sure)")


def _local_summary(state: AccountState) -> str:
    return "; ".join(f"{a.wiki} ({', '.join(a.groups) if a.groups else 'no groups'})" for a in state.local)


def plan_account(state: AccountState, source: ListSource, s: PlanSettings) -> tuple[list[Action], list[Hold]]:
    name = state.name
    if state.problem == "invalid":
        return [], [Hold(name, f"the central wiki rejects this name ({state.problem_info}); check the list row: "
                               "nothing done for it")]
    if not state.exists:
        if state.problem == "unseen":
            return [], [Hold(name, UNSEEN)]
        return [], [Hold(name, "no such account on the farm (never created, or renamed away); nothing to do")]
    if state.local_only:
        return [], [Hold(name, "no global account, but local accounts of this name: "
                               f"{_local_summary(state)}; CentralAuth cannot lock it and they may be someone else's: "
                               "review by hand")]
    why = _exempt(state, s)
    if why:
        return [], [Hold(name, why)]
    links = {"list_link": s.list_link, "revid": source.revid or "file",
             "permalink": f"{s.permalink_prefix}{source.revid}" if source.revid else s.list_link}
    reason = _fill(s.enforce.reason, user=name, **links)
    actions: list[Action] = []
    holds: list[Hold] = []
    if s.mode == "centralauth":
        if not state.locked:
            actions.append(Lock(name, s.central, reason, statecheck=state.lock_check))
        groups = _removable(state.global_groups, s.enforce)
        if groups:
            actions.append(RemoveGlobalGroups(name, s.central, reason, groups=groups))
    local = s.local_in_order(state)
    for acct in local:
        wiki = acct.wiki
        groups = _removable(acct.groups, s.enforce)
        if not acct.attached:
            if groups:
                holds.append(Hold(name, f"an unattached local account of this name holds {', '.join(groups)}; "
                                        "it may be someone else: review by hand", wiki))
            continue
        if groups:
            actions.append(RemoveLocalGroups(name, wiki, reason, groups=groups, via_central=s.mode == "centralauth"))
    if s.blocks:
        for acct in local:
            if not acct.attached or acct.wiki in s.enforce.no_block_wikis:
                continue
            if _needs_block(acct):
                actions.append(Block(name, acct.wiki, reason, noemail=s.enforce.noemail, reblock=acct.blocked))
    if state.hidden and s.enforce.notify and s.mode == "centralauth" and not state.locked:
        holds.append(Hold(name, "a hidden account (CentralAuth hides its name): no talk-page notice, which would "
                                "publish it", state.home))
    for wiki in notice_wikis(state, s):
        page = state.talk_on(wiki)
        if page is None or page.has_notice:
            continue
        hold = _notice_hold(page, s)
        if hold:
            holds.append(Hold(name, hold, wiki))
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


def _notice_hold(page: TalkPage, s: PlanSettings) -> str | None:
    if page.nobots and s.enforce.nobots == "skip":
        return f"{page.title} opts out of bot messages with {{{{nobots}}}}; notice not posted (enforce.nobots = skip)"
    if page.protection:
        return f"{page.title} is protected ({page.protection}); notice not posted"
    return None


def make_plan(bans: BanList, observed: Mapping[str, AccountState], s: PlanSettings,
              only: Iterable[str] | None = None, completed: Mapping[str, str] | None = None) -> Plan:
    """The plan for every active entry (or only the named accounts) of ``bans``.

    ``completed`` maps journal keys to when the wikis confirmed them: such an action is never planned
    again; if the wiki shows it undone, a human reversed it, and the plan holds it for review instead.
    """
    completed = completed or {}
    wanted = set(only) if only is not None else None
    actions: list[Action] = []
    holds: list[Hold] = []
    users: list[str] = []
    for entry in bans.active:
        if wanted is not None and entry.user not in wanted:
            continue
        users.append(entry.user)
        state = observed.get(entry.user) or AccountState(entry.user, exists=False)
        a, h = plan_account(state, bans.source, s)
        for action in a:
            if action.key in completed:
                h.append(Hold(entry.user, f"{action.describe()}: done on {completed[action.key]} (journal) but the "
                                          "wiki shows it undone; a human may have reversed it, so banbot will not "
                                          "redo it", action.wiki))
            else:
                actions.append(action)
        holds += h
    return Plan(bans.source, tuple(actions), tuple(holds), tuple(users))


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """Read a plan file back; the caller compares ``digest`` with the file's own claim."""
    src = data["source"]
    from banbot.banlist import Protection

    source = ListSource(src["kind"], src["location"], src.get("title"), src.get("revid"), src.get("timestamp"),
                        src.get("user"), tuple(Protection(**p) for p in src.get("protection", [])))
    actions = tuple(action_from_data(a) for a in data["actions"])
    holds = tuple(Hold(h["user"], h["reason"], h.get("wiki")) for h in data.get("holds", []))
    return Plan(source, actions, holds, tuple(data.get("users", [])))
