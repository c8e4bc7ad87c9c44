"""Who wrote each entry's row: its origin revision, through reverts, rollbacks, undos and restores (pure).

An entry is acted on only when every editor who put its row on the list was trusted. Walking the page's
history from the newest revision back, a row's *writer* is the revision that introduced the run of
revisions holding it. When that revision restored older text — a rollback, an undo, a manual revert (the
tags MediaWiki itself sets, never an editor), or text identical to an older revision's — the restorer did
not write the row: the walk goes on to the older revision that held it, and its writer joins the chain. A
vandal's row brought back by an admin's rollback is the vandal's; an admin's row brought back by a vandal's
undo is the vandal's as well (every writer in the chain must be trusted).

Fail closed: a revision whose text is hidden, a writer whose name is hidden, or a history that ends before
the row's first writer is found makes the origin untrusted, and the hold says why.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Tags MediaWiki sets on a revision that restores earlier content (core ChangeTags, 1.36+): no user can add
# or remove them, so they say truthfully that the row came from an older revision.
REVERT_TAGS = frozenset({"mw-rollback", "mw-undo", "mw-manual-revert"})


@dataclass(frozen=True)
class Version:
    """One revision of the list page with its text (None: hidden by revision deletion or suppression)."""

    revid: int
    parentid: int
    user: str | None  # None: the editor's name is hidden
    sha1: str | None = None
    tags: tuple[str, ...] = ()
    text: str | None = None
    timestamp: str = ""


class Gap(StrEnum):
    """Why a chain is not complete: it makes the origin untrusted."""

    NONE = ""
    HISTORY_ENDS = "history-ends"  # the history read ended before the row's first writer


class Role(StrEnum):
    """What a revision in a row's chain did to it."""

    WROTE = "wrote"  # introduced the row
    RESTORED = "restored"  # brought it back from an older revision (the chain goes on there)
    KEPT = "kept"  # holds it just after revisions whose text is hidden: it may have put it back
    HIDDEN = "hidden"  # its text is hidden: it may have written the row


@dataclass(frozen=True)
class Writer:
    revid: int
    user: str | None  # None: hidden
    role: Role = Role.WROTE
    timestamp: str = ""

    def data(self) -> dict[str, Any]:
        return {"revid": self.revid, "user": self.user, "role": str(self.role), "timestamp": self.timestamp}


@dataclass(frozen=True)
class Origin:
    """The writers of one entry's row, newest first, and whether the walk reached the first of them."""

    name: str
    row: str
    chain: tuple[Writer, ...]
    gap: Gap = Gap.NONE
    gap_revid: int | None = None

    @property
    def revid(self) -> int | None:
        """The revision that originally wrote the row (the oldest writer found)."""
        return self.chain[-1].revid if self.chain else None

    def doubt(self, trusted: Collection[str]) -> str | None:
        """Why this row may not be acted on (None: every writer trusted and the chain complete)."""
        for w in self.chain:
            if w.user is None:
                return f"revision {w.revid}, whose editor is hidden, {_did(w)}"
            if w.user not in trusted:
                return f"revision {w.revid} by {w.user}, who is not in safety.trusted_groups, {_did(w)}"
        if self.gap == Gap.HISTORY_ENDS:
            return (f"who first wrote the row lies before the history banbot reads (older than revision "
                    f"{self.gap_revid})")
        return None

    def editors(self) -> set[str]:
        return {w.user for w in self.chain if w.user}

    def data(self) -> dict[str, Any]:
        return {"chain": [w.data() for w in self.chain], "gap": str(self.gap), "gap_revid": self.gap_revid}

    @classmethod
    def from_data(cls, name: str, row: str, data: Mapping[str, Any]) -> Origin:
        chain = tuple(Writer(int(w["revid"]), w.get("user"), Role(w.get("role", Role.WROTE)),
                             str(w.get("timestamp", ""))) for w in data.get("chain", []))
        return cls(name, row, chain, Gap(data.get("gap", "")), data.get("gap_revid"))


def _did(w: Writer) -> str:
    return {Role.WROTE: "wrote the row", Role.RESTORED: "restored the row",
            Role.KEPT: "holds the row just after a revision whose text is hidden (it may have put it back)",
            Role.HIDDEN: "has hidden text and may have written the row"}[w.role]


@functools.lru_cache(maxsize=256)
def lines_of(text: str) -> str:
    """Text as whole lines, each stripped, framed by newlines: rows are matched as whole lines.

    Kept for the last texts framed: :func:`trace` frames every revision of the history for each entry it
    traces, and a list's text framed 10,000 times was ~20-40 s of a 10,000-entry plan's CPU (issue 20). A
    string caches its own hash, so the same revision text is framed once."""
    return "\n" + "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) + "\n"


def holds_row(framed: str, row: str) -> bool:
    """Whether the framed text (see :func:`lines_of`) holds ``row`` as whole lines."""
    return lines_of(row) in framed


def trace(name: str, row: str, history: Sequence[Version], *, complete: bool) -> Origin:
    """The writers of ``row`` in ``history`` (newest first, each revision's parent next; ``history[0]`` holds
    the row). ``complete``: the history reaches the page's first revision.

    A restore to an identical older text (a rollback, a manual revert) goes on from that revision. An undo
    (tagged, text not identical) may have taken the row from any older copy, so every older revision that wrote
    a copy of it joins the chain. A revision whose text is hidden cannot be read: the revision just after it
    (it may have put the row back) and the hidden ones themselves (unless the row stood before them) join."""
    framed = [None if v.text is None else lines_of(v.text) for v in history]
    n = len(history)
    partial = not (complete or (n > 0 and history[-1].parentid == 0))  # more history lies beyond what was read
    chain: list[Writer] = []
    i = 0
    while True:
        j = i
        while j + 1 < n and framed[j + 1] is not None and holds_row(framed[j + 1] or "", row):
            j += 1
        top = history[j]
        k = j + 1
        while k < n and framed[k] is None:
            k += 1
        hidden = list(history[j + 1:k])
        if hidden:
            chain.append(Writer(top.revid, top.user, Role.KEPT, top.timestamp))
            stood = k < n and holds_row(framed[k] or "", row)
            chain += [Writer(h.revid, h.user, Role.HIDDEN, h.timestamp) for h in (hidden[:-1] if stood else hidden)]
            if stood:
                i = k
                continue
            return _end(name, row, chain, k == n and partial, history)
        if partial and j + 1 == n:
            return Origin(name, row, tuple(chain), Gap.HISTORY_ENDS, top.revid)
        same = _identical(history, j)
        if same is not None:  # a rollback or manual revert: the row is that revision's
            chain.append(Writer(top.revid, top.user, Role.RESTORED, top.timestamp))
            i = same
            continue
        if not REVERT_TAGS & set(top.tags):  # a fresh write
            chain.append(Writer(top.revid, top.user, Role.WROTE, top.timestamp))
            return Origin(name, row, tuple(chain))
        older = _every_copy(row, history, framed, j + 1)
        if not older and not partial:  # restored text never seen before: the restorer wrote it
            chain.append(Writer(top.revid, top.user, Role.WROTE, top.timestamp))  # (an undo whose form was edited)
            return Origin(name, row, tuple(chain))
        chain += [Writer(top.revid, top.user, Role.RESTORED, top.timestamp), *older]
        return _end(name, row, chain, partial, history)  # every copy counts: all of the history is needed


def _identical(history: Sequence[Version], j: int) -> int | None:
    """The newest revision older than ``history[j]`` with the very same text (by sha1), if any."""
    sha1 = history[j].sha1
    if sha1 is None:
        return None
    return next((m for m in range(j + 1, len(history)) if history[m].sha1 == sha1), None)


def _every_copy(row: str, history: Sequence[Version], framed: Sequence[str | None], start: int) -> list[Writer]:
    """Every revision from ``start`` on that introduced a copy of ``row``, and every hidden one (either may be
    where an undo took it from)."""
    out = []
    for m in range(start, len(history)):
        v = history[m]
        if framed[m] is None:
            out.append(Writer(v.revid, v.user, Role.HIDDEN, v.timestamp))
        elif holds_row(framed[m] or "", row) and (m + 1 == len(history) or framed[m + 1] is None or
                                                  not holds_row(framed[m + 1] or "", row)):
            out.append(Writer(v.revid, v.user, Role.WROTE, v.timestamp))
    return out


def _end(name: str, row: str, chain: list[Writer], ends: bool, history: Sequence[Version]) -> Origin:
    if ends:
        return Origin(name, row, tuple(chain), Gap.HISTORY_ENDS, history[-1].revid)
    return Origin(name, row, tuple(chain))
