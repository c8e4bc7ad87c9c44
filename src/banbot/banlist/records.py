"""What parsing a list yields: where it came from, its entries and its problems (frozen values, JSON-able)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Protection:
    type: str
    level: str
    expiry: str


@dataclass(frozen=True)
class ListSource:
    """Where the list text came from; later stages decide trust from revid, editor and protection."""

    kind: str  # "file" or "wiki"
    location: str  # a path, or the wiki's dbname
    title: str | None = None
    revid: int | None = None
    timestamp: str | None = None
    user: str | None = None
    protection: tuple[Protection, ...] = ()

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind, "location": self.location}
        if self.kind == "wiki":
            data.update(
                title=self.title, revid=self.revid, timestamp=self.timestamp, user=self.user,
                protection=[{"type": p.type, "level": p.level, "expiry": p.expiry} for p in self.protection],
            )
        return data


@dataclass(frozen=True)
class BanEntry:
    user: str
    since: dt.date | None
    lifted: bool
    line: int
    text: str = field(default="", compare=False)
    linked: bool = field(default=True, compare=False)  # named by a link or user template, not as bare text
    # the titles of the links that name the account, as written (``:en:User:X``): where they lead is checked
    # against the list wiki's interwiki prefixes (banbot.crosscheck.off_farm)
    links: tuple[str, ...] = field(default=(), compare=False)
    # a restrictions list's row (``parse(restrictions=True)``): the user groups to take away, and the wikis'
    # database names to take them away on (empty: every wiki). A ban list's entries leave both empty. They
    # take part in equality: two rows that restrict different groups are different instructions.
    groups: tuple[str, ...] = ()
    wikis: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"user": self.user, "since": self.since.isoformat() if self.since else None,
                                   "lifted": self.lifted, "line": self.line}
        if self.groups:  # a ban list's JSON stays exactly as it was
            data.update(groups=list(self.groups), wikis=list(self.wikis))
        return data


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class BanList:
    source: ListSource
    section: str | None
    entries: tuple[BanEntry, ...]
    problems: tuple[Problem, ...]

    @property
    def active(self) -> tuple[BanEntry, ...]:
        return tuple(e for e in self.entries if not e.lifted)

    @property
    def lifted(self) -> tuple[BanEntry, ...]:
        return tuple(e for e in self.entries if e.lifted)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source.to_json(),
            "section": self.section,
            "entries": [e.to_json() for e in self.entries],
            "problems": [p.to_json() for p in self.problems],
            "summary": {"entries": len(self.entries), "active": len(self.active),
                        "lifted": len(self.lifted), "problems": len(self.problems)},
        }
