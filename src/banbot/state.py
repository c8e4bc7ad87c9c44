"""What banbot observed of an account across the farm (pure, frozen values).

The adapters fill these in from the API; the planner only ever reads them. ``locked`` is ``None`` on a
farm without global accounts, where "locked" has no meaning. On a CentralAuth farm ``local`` holds every
wiki CentralAuth reports for the account, configured in banbot or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LocalAccount:
    wiki: str
    groups: tuple[str, ...] = ()  # explicit groups only (never *, user, autoconfirmed)
    blocked: bool = False
    block_partial: bool = False
    block_expiry: str | None = None
    attached: bool = True
    registered: str | None = None  # ISO timestamp, when the wiki says
    url: str | None = None  # the wiki's server as CentralAuth reports it (globaluserinfo merged[].url)


@dataclass(frozen=True)
class TalkPage:
    wiki: str
    title: str
    exists: bool
    revid: int | None = None
    timestamp: str | None = None
    has_notice: bool = False
    nobots: bool = False
    protection: str | None = None  # edit protection level, if any
    redirect: bool = False
    content_model: str = "wikitext"
    text: str | None = field(default=None, compare=False, repr=False)  # the wikitext, to append a notice to
    read_at: str | None = field(default=None, compare=False)  # server time of the read (the edit's starttimestamp)
    lang: str | None = None  # the wiki's content language (siteinfo), for a wiki the config does not name


@dataclass(frozen=True)
class AccountState:
    name: str
    exists: bool
    locked: bool | None = None
    global_groups: tuple[str, ...] = ()
    home: str | None = None
    local: tuple[LocalAccount, ...] = ()
    talk: tuple[TalkPage, ...] = ()
    lock_check: str | None = None  # CentralAuth's statecheck hash for a lock from this state
    registered: str | None = None  # ISO timestamp of the earliest registration known (global or attached)
    # every statecheck this state may have: a hidden account's hash depends on its hidden *level* ("lists" or
    # "suppressed"), which no read API reveals, so both are kept; the most likely one is ``lock_check``
    lock_checks: tuple[str, ...] = field(default=(), compare=False)
    hidden: bool = False  # CentralAuth hides this account (from lists, or suppressed)
    local_only: bool = False  # local accounts of this name, but no global account: CentralAuth cannot lock it
    # why banbot cannot judge this account from what it read: "invalid" (the central wiki rejects the name)
    # or "unseen" (missing to a login without centralauth-suppress, which hidden accounts are too)
    problem: str | None = None
    problem_info: str = field(default="", compare=False)

    def on(self, wiki: str) -> LocalAccount | None:
        return next((a for a in self.local if a.wiki == wiki), None)

    def talk_on(self, wiki: str) -> TalkPage | None:
        return next((t for t in self.talk if t.wiki == wiki), None)
