"""Vetting a list revision: who wrote each entry's row (the application side of :mod:`banbot.provenance`).

Every active entry's origin is known before anything is planned: read from the journal when its row has stood
unchanged in every revision since it was vetted, traced through the page's history otherwise (reverts,
rollbacks and undos followed back to the editor who first wrote the row). An entry whose writers are not all
trusted is held — whether or not it needs an action today, so a row that is harmless now (an account not
registered yet, an exempt one, one a human already blocked) cannot become a lock later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from banbot.banlist import BanList, blank_comments
from banbot.journal import Journal, Vetted
from banbot.provenance import Gap, Origin, Version, holds_row, lines_of, trace
from banbot.wiki.client import WikiClient

log = logging.getLogger(__name__)

HISTORY_LIMIT = 1000  # revisions read at most to find who first wrote a row; beyond it the origin is unknown


def comparable(text: str) -> str:
    """A revision's text as the parser saw the list's rows: one kind of newline, comments blanked."""
    return blank_comments(text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class _History:
    """The page's revisions read so far, newest first, read further back on demand."""

    client: WikiClient
    title: str
    versions: list[Version]
    next_start: int | None

    def more(self) -> bool:
        from banbot.wiki.trust import read_versions

        if self.next_start is None or len(self.versions) >= HISTORY_LIMIT:
            return False
        got, self.next_start = read_versions(self.client, self.title, self.next_start)
        self.versions += [_cmp(v) for v in got]
        return bool(got)

    @property
    def complete(self) -> bool:
        return self.next_start is None


def _cmp(v: Version) -> Version:
    return v if v.text is None else Version(v.revid, v.parentid, v.user, v.sha1, v.tags, comparable(v.text),
                                            v.timestamp)


def _continuous(row: str, framed: Sequence[str | None]) -> bool:
    """Whether ``row`` stood in every revision given (framed by :func:`lines_of`; None: hidden)."""
    return all(text is not None and holds_row(text, row) for text in framed)


def origins(bans: BanList, client: WikiClient, journal: Journal | None,
            trusted: Callable[[Sequence[str]], frozenset[str]]) -> dict[str, str]:
    """Why each active entry may not be acted on (entry → doubt); an entry absent from the answer has a row
    written by trusted editors only. Remembered in the journal per entry with the revision it was vetted at."""
    from banbot.wiki.trust import read_versions

    src = bans.source
    if src.kind != "wiki" or src.revid is None or not bans.active:
        return {}
    rows = {e.user: lines_of(e.text).strip("\n") for e in bans.active}
    known = journal.origins(src.location, str(src.title), bans.section) if journal else {}
    head = min((v.revid for v in known.values()), default=None)
    history = _History(client, str(src.title), [], src.revid)
    if head is not None and head < src.revid:  # what changed since the last vetting: every revision since
        got, _ = read_versions(client, str(src.title), src.revid, stop=head, limit=HISTORY_LIMIT)
        history.versions = [_cmp(v) for v in got]
        history.next_start = got[-1].parentid or None if got else src.revid
    covered = head is not None and any(v.revid <= head for v in history.versions)
    # every revision since the last vetting, framed once (all known rows were vetted at ``head``)
    since_head = [None if v.text is None else lines_of(v.text) for v in history.versions
                  if head is not None and v.revid > head]
    keep: dict[str, Vetted] = {}
    todo: dict[str, str] = {}
    for name, row in rows.items():
        v = known.get(name)
        if v is not None and v.row == row and (v.revid == src.revid or covered and _continuous(row, since_head)):
            keep[name] = v
        else:
            todo[name] = row
    fresh = _trace_all(todo, history)
    editors = sorted({u for o in fresh.values() for u in o.editors()})
    ok = trusted(editors) if editors else frozenset()
    vetted = {**{n: Vetted(row=v.row, origin=v.origin, doubt=v.doubt, revid=src.revid) for n, v in keep.items()},
              **{n: Vetted(row=o.row, origin=o, doubt=o.doubt(ok), revid=src.revid) for n, o in fresh.items()}}
    if journal is not None:
        journal.record_origins(src.location, str(src.title), bans.section, vetted)
    doubts = {n: v.doubt for n, v in vetted.items() if v.doubt}
    if fresh:
        log.info("vetting: traced the rows of %d entries (%d revisions read), %d held for their origin",
                 len(fresh), len(history.versions), len([n for n in fresh if vetted[n].doubt]))
    return doubts


def _trace_all(rows: Mapping[str, str], history: _History) -> dict[str, Origin]:
    """Trace every row, reading further back while any origin lies before what was read."""
    if not rows:
        return {}
    if not history.versions:
        history.more()
    while True:
        found = {n: trace(n, r, history.versions, complete=history.complete) for n, r in rows.items()}
        if not any(o.gap == Gap.HISTORY_ENDS for o in found.values()) or not history.more():
            return found
