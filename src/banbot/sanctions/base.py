"""What every action kind shares (pure): its record, the outcome of sending it, the port it is sent through,
and the settings planners read.

An action kind is a frozen dataclass whose class carries the facts about the kind (``kind``, ``label``,
``scope``, ``order``, whether it ``protects`` or ``lasts``) and whose methods say how it is shown
(:meth:`Action.describe`), how it is performed through a :class:`Port` (:meth:`Action.perform`) and whether
it is still in place on an account (:meth:`Action.in_place`). The executor, the renderers and the journal ask
these, never a table kept elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from banbot.config import EnforceConfig, FarmMode, SanctionKind
from banbot.holds import Hold, hidden_fact
from banbot.names import InvalidName, normalize
from banbot.state import AccountState, LocalAccount


class Status(StrEnum):
    """What became of an action (a journal row's status). ``intended`` is written before the request goes out."""

    INTENDED = "intended"
    DONE = "done"
    ALREADY = "already"  # the wiki says it was already so
    RESTORED = "restored"  # done, and an edit someone made in the same second was put back
    FAILED = "failed"
    SKIPPED = "skipped"  # never sent: the kill switch, a fatal error, or the journal says it is done
    VERIFIED = "verified"  # left intended by a crash; a fresh read shows it took effect
    INTERRUPTED = "interrupted"  # left intended by a crash; a fresh read shows it did not


class Scope(StrEnum):
    GLOBAL = "global"  # the global account, on the central wiki
    LOCAL = "local"  # one wiki's account
    NOTICE = "notice"  # a talk page


class Port(Protocol):
    """What performing an action needs of the farm: the wiki adapter (:class:`banbot.wiki.gateway.WikiGateway`)
    implements it, each method one API call or read, raising :class:`~banbot.errors.WikiError`."""

    def lock(self, user: str, reason: str, statecheck: str | None) -> Status: ...

    def global_account(self, user: str) -> AccountState: ...

    def remove_global_groups(self, user: str, groups: Sequence[str], reason: str) -> list[str]: ...

    def remove_local_groups(self, user: str, wiki: str, groups: Sequence[str], reason: str,
                            via_central: bool) -> list[str]: ...

    def local_account(self, user: str, wiki: str) -> LocalAccount | None: ...

    def block(self, user: str, wiki: str, reason: str, noemail: bool, reblock: bool) -> Status: ...

    def post_notice(self, wiki: str, *, title: str, section_title: str, text: str, summary: str,
                    base_revid: int | None, base_text: str | None, base_timestamp: str | None,
                    start_timestamp: str | None) -> dict[str, Any]: ...

    def notice_posted(self, wiki: str, title: str) -> bool: ...

    def revision_text(self, wiki: str, revid: int) -> str | None: ...


@dataclass(frozen=True)
class Action:
    """One write. ``key`` identifies it in the journal across runs; ``data`` is its stable JSON form.

    ``hidden``: the account is one CentralAuth hides; every renderer meant for a wiki counts it instead.
    ``sources``: the names of the lists that require it (plans, the journal and reports show them); not part of
    the key, so the same write required by two lists is still made once."""

    kind: ClassVar[str]
    label: ClassVar[str]  # how a summary counts it ("locked")
    scope: ClassVar[Scope]
    order: ClassVar[int]  # protective writes first: see banbot.plan.protect_first
    protective: ClassVar[bool] = False  # stops the account from editing (a lock, a block)
    lasting: ClassVar[bool] = True  # a sanction that stays on the account (audit and lifted look for it)
    user: str
    wiki: str
    reason: str
    hidden: bool = field(default=False, kw_only=True)
    sources: tuple[str, ...] = field(default=(), kw_only=True)

    def fields(self) -> dict[str, Any]:
        return {}

    def data(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "user": self.user, "wiki": self.wiki, "reason": self.reason, **self.fields(),
                **hidden_fact(self.hidden), **({"sources": list(self.sources)} if self.sources else {})}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Action:
        """The action back from its JSON form (a plan file or the journal)."""
        kw = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "kind"}
        if "sources" in kw:
            kw["sources"] = tuple(kw["sources"])
        return cls(**kw)

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.user}|{self.wiki}"

    def describe(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} does not say how it is shown")

    def perform(self, port: Port) -> Status:
        raise NotImplementedError(f"{type(self).__name__} does not say how it is performed")

    @classmethod
    def in_place(cls, placed: Mapping[str, Any], state: AccountState) -> str | None:
        """What of this placed sanction (its journal data) the account still carries, as read now; None: none."""
        return None


@dataclass(frozen=True)
class Settings:
    """What planners read besides the account: the farm, the config's rules for this list, the bot."""

    mode: FarmMode
    central: str
    wikis: tuple[str, ...]  # in config order
    langs: Mapping[str, str]
    enforce: EnforceConfig
    list_link: str
    bot_name: str | None
    permalink_prefix: str = "Special:PermanentLink/"
    sanction: SanctionKind = SanctionKind.BAN
    source: str = ""  # the list's name, on every action it plans ("" for a steward's request)

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


def fill(template: str, **values: Any) -> str:
    """A reason or notice template with the fields banbot knows filled in; any other ``{field}`` is kept."""
    return template.format_map(_Fill({k: str(v) for k, v in values.items()}))


@dataclass(frozen=True)
class Basis:
    """What a sanction's planner gets for one listed account, once the checks every sanction shares passed
    (:func:`banbot.plan.plan_account`): the state read, its entry's terms, and the reason already written."""

    state: AccountState
    reason: str
    links: Mapping[str, object]
    since: Any = None  # the entry's date (datetime.date), for registered-after checks on plain farms
    groups: tuple[str, ...] = ()  # restrict: the groups named by the entry
    wikis: tuple[str, ...] = ()  # restrict: the wikis named ((): every wiki)
    ours: frozenset[str] = frozenset()  # journal keys of notices banbot posted (or was posting)


@dataclass(frozen=True)
class Sanction:
    """What a list's sanction is made of: its planner and the action kinds it may plan. ``lock_settles``: an
    account whose lock the journal confirmed needs no detail read while it stays locked (true of a ban, which
    took everything when it locked; never of a restriction, whose groups are read wherever it applies)."""

    kind: SanctionKind
    plan: Callable[[Basis, Settings], tuple[list[Action], list[Hold]]]
    plans: tuple[type[Action], ...]
    lock_settles: bool = False
