"""What a plan is made of (pure): typed actions, holds for a human, and the plan itself with its digest.

These records are what the executor, the journal, the gateway and the renderers share; the rules that decide
them live in :mod:`banbot.plan`. Each action kind carries its own facts (its name, its label in summaries, its
scope, whether it protects), and every record has one stable JSON form, which the digest covers whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from banbot.banlist import ListSource, Protection


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
    (how a summary counts it) and ``scope``. ``hidden``: the account is one CentralAuth hides (from lists, or
    suppressed); nothing banbot publishes may name it, so every renderer meant for a wiki counts it instead."""

    kind: ClassVar[ActionKind]
    label: ClassVar[str]
    scope: ClassVar[Scope]
    protective: ClassVar[bool] = False  # stops the account from editing (a lock, a block)
    user: str
    wiki: str
    reason: str
    hidden: bool = field(default=False, kw_only=True)

    def fields(self) -> dict[str, Any]:
        return {}

    def data(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "user": self.user, "wiki": self.wiki, "reason": self.reason, **self.fields(),
                **_hidden(self.hidden)}

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
class _GroupRemoval(Action):
    """Groups taken away: the groups are part of the action's identity (a later list may ask for others)."""

    groups: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        return {"groups": list(self.groups)}

    @property
    def key(self) -> str:
        return f"{super().key}|{','.join(self.groups)}"


@dataclass(frozen=True)
class RemoveGlobalGroups(_GroupRemoval):
    kind: ClassVar[ActionKind] = ActionKind.REMOVE_GLOBAL_GROUPS
    label: ClassVar[str] = "global groups removed"
    scope: ClassVar[Scope] = Scope.GLOBAL

    def describe(self) -> str:
        return f"remove global groups {', '.join(self.groups)} from {self.user}"


@dataclass(frozen=True)
class RemoveLocalGroups(_GroupRemoval):
    kind: ClassVar[ActionKind] = ActionKind.REMOVE_LOCAL_GROUPS
    label: ClassVar[str] = "local groups removed"
    scope: ClassVar[Scope] = Scope.LOCAL
    via_central: bool = False  # CentralAuth farms: userrights user=Name@dbname on the central wiki

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "via_central": self.via_central}

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
    UNTRUSTED_ORIGIN = "untrusted-origin"  # the entry's row was not written by trusted editors only


@dataclass(frozen=True)
class Hold:
    """An account or step banbot will not act on, with the reason, for a human to review (``hidden``: as on
    :class:`Action`)."""

    user: str
    reason: str
    wiki: str | None = None
    why: Why = Why.EXEMPT
    hidden: bool = False

    @property
    def missing(self) -> bool:
        return self.why == Why.MISSING

    @property
    def unnamed(self) -> bool:
        """Whether what is published on a wiki must not name this account: it is hidden, or this key cannot
        see it (a hidden account looks the same)."""
        return self.hidden or self.why == Why.NOT_VISIBLE

    def data(self) -> dict[str, Any]:
        return {"user": self.user, "wiki": self.wiki, "reason": self.reason, "code": str(self.why),
                **_hidden(self.hidden)}


def _hidden(hidden: bool) -> dict[str, Any]:
    """The ``hidden`` fact in a record's JSON form, only when true: the forms (and digests) of every other
    record stay as they were."""
    return {"hidden": True} if hidden else {}


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


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """Read a plan file back; the caller compares ``digest`` with the file's own claim."""
    src = data["source"]
    source = ListSource(src["kind"], src["location"], src.get("title"), src.get("revid"), src.get("timestamp"),
                        src.get("user"), tuple(Protection(**p) for p in src.get("protection", [])))
    actions = tuple(action_from_data(a) for a in data["actions"])
    holds = tuple(Hold(h["user"], h["reason"], h.get("wiki"), Why(h.get("code", Why.EXEMPT)), bool(h.get("hidden")))
                  for h in data.get("holds", []))
    return Plan(source, actions, holds, tuple(data.get("users", [])))
