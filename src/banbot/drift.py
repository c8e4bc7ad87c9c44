"""Drift from the logs: which listed accounts a verification must read again (pure).

A list revision applied and found settled stays settled until something changes one of its accounts. Every
state the planner reads is changed only through an action MediaWiki writes to a log, so a verification reads
the logs since the last one on each wiki involved (``list=logevents``, every type at once, oldest first,
continued to the end) and re-reads only the listed accounts those entries name; every other account is as the
last read found it. Which state is recorded where (``letype``):

============================================  =================================================================
state the planner reads                       the log that records every change of it
============================================  =================================================================
lock (CentralAuth)                            ``globalauth/setstatus`` on the central wiki (``User:Name@global``);
                                              a change made while suppressing goes to ``suppress/setstatus``
hidden (CentralAuth)                          the same two (hide, unhide, suppress are status changes)
global groups (CentralAuth)                   ``gblrights/usergroups`` on the central wiki
local groups                                  ``rights`` on that wiki (``User:Name``) and, for a change made from
                                              the central wiki, ``rights`` there as ``User:Name@dbname``
blocks (and their expiry, partial or not)     ``block`` on that wiki (block, reblock, unblock)
existence, registration, local accounts       ``newusers`` on the wiki where it was created (create, create2,
                                              autocreate, byemail, forcecreatelocal)
name (an account renamed onto or off a name)  ``renameuser`` on that wiki, ``gblrename`` on the central wiki;
                                              ``usermerge`` where that extension runs
global account deleted                        ``globalauth/delete``, ``suppress/cadelete``
============================================  =================================================================

A block that simply expires writes no log entry, but it was read with its expiry: the planner already
replaces a temporary block by an indefinite one, so no expiry can leave a settled account unblocked. Local
accounts on a CentralAuth farm are read on every wiki where the last read found one, and on every configured
wiki: a locked account cannot log in, so it cannot gain a local account (autocreation) on a wiki banbot has
not seen; an unlocked one is named by the lock's log entry first and then read in full (``globaluserinfo``
reports every wiki).

What no log records, and what a verification therefore misses until the next full pass
(``run.full_verify_every_days``):

* talk-page edits (a removed notice, a new ``{{nobots}}``, a page protected or deleted after the notice was
  posted — the protection and deletion logs do record those, but a notice banbot posted is never posted
  again): they only change what the preview shows or holds for a human, never an action;
* attaching or detaching a local account by a maintenance script (no log): an unattached account is held for
  a human, never acted on, so attaching one only delays its group removal until the next full pass;
* on a CentralAuth farm, a listed name nobody had registered, registered afterwards on a wiki neither configured
  nor known from a listed account (its ``newusers`` entry is there only): the planner holds an account
  registered after its entry's date anyway, so only one registered on that very day waits for its lock;
* changes made to the database directly, and log entries whose target was hidden from the bot (revision
  deletion of a log entry's title): an entry of a type above whose target the bot cannot see makes the whole
  pass a full one, as does a log the bot cannot read (the suppression log without ``suppressionlog``).

A log that cannot be read — an error, a missing right, more entries than the read may page through — makes
the pass a full one: a pass that cannot prove nothing changed reads everything.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The log types whose entries may change a state the planner reads (see the table above). Types are read all
# at once and filtered here, so a farm's extra types (gblblock, thanks, patrol) cost nothing but their bytes.
LOCAL_TYPES = frozenset({"block", "rights", "newusers", "renameuser", "usermerge"})
CENTRAL_TYPES = frozenset({"globalauth", "gblrights", "gblrename", "suppress"})
RENAME_PARAMS = ("olduser", "newuser", "oldname", "newname", "4::olduser", "5::newuser")
USER_NS = 2
SPECIAL_NS = -1


@dataclass(frozen=True)
class LogEntry:
    """One ``list=logevents`` row, as much of it as drift needs."""

    wiki: str
    type: str
    action: str
    ns: int | None
    title: str | None  # None: the entry's target is hidden from this login
    timestamp: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    user: str | None = None  # who made the change (None: hidden)

    @classmethod
    def from_api(cls, wiki: str, row: Mapping[str, Any]) -> LogEntry:
        title = row.get("title")
        hidden = row.get("actionhidden") or row.get("titlehidden") or not isinstance(title, str)
        ns = row.get("ns")
        params = row.get("params")
        return cls(wiki, str(row.get("type", "")), str(row.get("action", "")), ns if isinstance(ns, int) else None,
                   None if hidden else str(title), str(row.get("timestamp", "")),
                   dict(params) if isinstance(params, Mapping) else {},
                   str(row["user"]) if isinstance(row.get("user"), str) and not row.get("userhidden") else None)


class Unprovable(Exception):
    """The logs cannot prove that an account is unchanged: the pass must read every account."""


def _after_colon(title: str) -> str:
    return title.split(":", 1)[1] if ":" in title else title


def candidates(entry: LogEntry) -> set[str]:
    """Every account name an entry may be about: its target (``User:Name``, ``User:Name@dbname``,
    ``User:Name@global``, ``Special:CentralAuth/Name``) and, for a rename, both names. More names than the entry
    is about are harmless (only listed ones are read); fewer would not be."""
    out: set[str] = set()
    if entry.title is not None:
        if entry.ns == SPECIAL_NS:
            out.add(entry.title.rsplit("/", 1)[-1])
        elif entry.ns == USER_NS or entry.ns is None:
            name = _after_colon(entry.title).replace("_", " ")
            out.add(name)
            if "@" in name:
                out.add(name.rsplit("@", 1)[0])
    for key in RENAME_PARAMS:
        value = entry.params.get(key)
        if isinstance(value, str) and value:
            out.add(value.replace("_", " "))
    return out


def _groups(params: Mapping[str, Any], *keys: str) -> set[str] | None:
    for key in keys:
        value = params.get(key)
        if isinstance(value, list):
            return {str(g.get("group")) if isinstance(g, Mapping) else str(g) for g in value}
    return None


def only_tightens(entry: LogEntry) -> bool:
    """Whether an entry only adds to a sanction: a block or reblock, groups removed and none added, a lock with
    nothing lifted. banbot's own entries are all of this kind (it never unblocks, unlocks or adds a group), and
    the pass that made them read the account first and confirmed the outcome, so they need no re-read; anything
    else banbot's account did (a human using it, say) is read again like anyone's."""
    if entry.type == "block":
        return entry.action in ("block", "reblock")
    if entry.type in ("rights", "gblrights"):
        old = _groups(entry.params, "oldgroups", "oldGroups", "4::oldgroups")
        new = _groups(entry.params, "newgroups", "newGroups", "5::newgroups")
        return old is not None and new is not None and new <= old
    if entry.type in ("globalauth", "suppress") and entry.action == "setstatus":
        added, removed = entry.params.get("added"), entry.params.get("removed")
        return isinstance(added, list) and set(added) <= {"locked"} and removed == []
    return False


def relevant(entry: LogEntry, central: bool) -> bool:
    return entry.type in LOCAL_TYPES or (central and entry.type in CENTRAL_TYPES)


def named(entries: Iterable[LogEntry], listed: Collection[str], central: str, bot: str | None = None) -> set[str]:
    """The listed accounts that the log entries (read on their wikis; ``central`` is the central wiki's dbname,
    where CentralAuth's own logs live) name, to be read again; entries by ``bot`` (banbot's account) that only
    tighten a sanction are its own and skipped. Raises :class:`Unprovable` for an entry of a type that matters
    whose target this login cannot see."""
    wanted = set(listed)
    found: set[str] = set()
    for entry in entries:
        if not relevant(entry, entry.wiki == central):
            continue
        if bot is not None and entry.user == bot and only_tightens(entry):
            continue
        if entry.title is None:
            raise Unprovable(f"a {entry.type}/{entry.action} log entry of {entry.timestamp or 'unknown time'} on "
                             f"{entry.wiki} hides its target from this login")
        found |= candidates(entry) & wanted
    return found
