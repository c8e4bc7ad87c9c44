"""The journal: every write recorded as intended before it is sent and with its outcome after (SQLite).

It is what makes "each action once" hold across crashes and runs: an action whose outcome is ``done`` or
``already`` is never planned again by banbot (if a wiki shows it undone, a human reversed it and the plan
says so instead), and an ``intended`` row with no outcome — the process died between send and record — is
settled against a fresh observation of the wiki before anything else is sent.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from banbot import __version__
from banbot.config import default_journal
from banbot.errors import JournalError, JournalUnwritable
from banbot.provenance import Origin
from banbot.sanctions import ACTION_TYPES, Action, Scope
from banbot.sanctions.base import Status as Status  # the outcome type lives with the actions; re-exported

# Each migration takes the journal from the version before it (PRAGMA user_version) to its own number.
# Version 1 is the schema journals had before versioning (their user_version is 0; its statements are
# idempotent, so an old journal upgrades in place).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, command TEXT NOT NULL, requested_by TEXT,
        why TEXT, list_location TEXT, list_title TEXT, list_revid INTEGER, digest TEXT, summary TEXT
    );
    CREATE TABLE IF NOT EXISTS actions (
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), key TEXT NOT NULL,
        user TEXT NOT NULL, wiki TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, status TEXT NOT NULL,
        code TEXT, info TEXT, intended TEXT NOT NULL, finished TEXT
    );
    CREATE INDEX IF NOT EXISTS actions_key ON actions(key);
    CREATE INDEX IF NOT EXISTS actions_user ON actions(user);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS applied_lists (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, list_location TEXT, list_title TEXT, list_revid INTEGER,
        active TEXT NOT NULL
    );
    """,
    # 2: the cross-check of each list revision (banbot.crosscheck), so a steady-state run pays nothing for it;
    # meta no longer caches facts about the farm (trusted editors, batch reads): those are read per run.
    """
    CREATE TABLE IF NOT EXISTS list_checks (
        list_location TEXT NOT NULL, list_title TEXT NOT NULL, list_revid INTEGER NOT NULL, section TEXT NOT NULL,
        objections TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (list_location, list_title, list_revid, section)
    );
    DELETE FROM meta WHERE key LIKE 'has-globalusers:%' OR key LIKE 'trusted-editor:%' OR key LIKE 'cross-check:%';
    """,
    # 3: whether an applied revision left nothing undone (every active entry confirmed or held), and when every
    # account was last read afresh: an unchanged, settled revision needs no more than the list read
    """
    ALTER TABLE applied_lists ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE applied_lists ADD COLUMN verified TEXT;
    """,
    # 4: who wrote each active entry's row (banbot.provenance), per list and section, with the revision it was
    # vetted at: a row that stood unchanged since is not traced again
    """
    CREATE TABLE IF NOT EXISTS provenance (
        list_location TEXT NOT NULL, list_title TEXT NOT NULL, section TEXT NOT NULL, name TEXT NOT NULL,
        row TEXT NOT NULL, origin TEXT NOT NULL, origin_revid INTEGER, author TEXT, doubt TEXT,
        vetted_revid INTEGER NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (list_location, list_title, section, name)
    );
    """,
    # 5: a human's word that a sanction banbot placed on an account no longer listed was reviewed and stays
    # (`banbot lifted --dismiss`): the account leaves `lifted` until banbot sanctions it again
    """
    CREATE TABLE IF NOT EXISTS dismissals (
        id INTEGER PRIMARY KEY, user TEXT NOT NULL, by TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS dismissals_user ON dismissals(user);
    """,
    # 6: the alerts `run` and `watch` have open (banbot.alerts: one per condition until it clears), and each line
    # to publish, once per channel (the alert page, each operator mailed): sent stays NULL until it went out
    """
    CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, text TEXT NOT NULL, opened TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS alert_outbox (
        id INTEGER PRIMARY KEY, line TEXT NOT NULL, channel TEXT NOT NULL, at TEXT NOT NULL, sent TEXT
    );
    CREATE INDEX IF NOT EXISTS alert_outbox_unsent ON alert_outbox(channel) WHERE sent IS NULL;
    """,
    # 7: plans posted for a second person's approval (banbot.approval): who proposed, who approved or rejected
    """
    CREATE TABLE IF NOT EXISTS approvals (
        digest TEXT PRIMARY KEY, page TEXT NOT NULL, posted_revid INTEGER NOT NULL, proposed_by TEXT NOT NULL,
        command TEXT NOT NULL, reasons TEXT NOT NULL, proposed TEXT NOT NULL, state TEXT NOT NULL,
        decided_by TEXT, decided_revid INTEGER, decided TEXT, applied TEXT
    );
    """,
    # 8: which banbot made each run (the first line of every bug report)
    """
    ALTER TABLE runs ADD COLUMN banbot_version TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


CONFIRMED = (Status.DONE, Status.ALREADY, Status.RESTORED, Status.VERIFIED)
_CONFIRMED_SQL = "(" + ",".join(f"'{s}'" for s in CONFIRMED) + ")"


def ensure_folder(folder: Path, setting: str) -> None:
    """banbot creates only its own state folder (``$XDG_STATE_HOME/banbot``); any other missing folder is the
    operator's to create: a typo in a path must not scatter folders over the disk."""
    if folder.is_dir():
        return
    if folder == default_journal().parent:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise JournalError(f"cannot create banbot's state folder {folder}: {e.strerror}") from None
        return
    raise JournalError(f"the folder {folder} does not exist; create it, or fix {setting} in the config")


@dataclass(frozen=True)
class Backup:
    """What ``banbot journal backup`` copied, checked on the copy."""

    source: Path
    path: Path
    schema: int
    runs: int
    actions: int
    size: int

    def data(self) -> dict[str, Any]:
        return {"journal": str(self.source), "backup": str(self.path), "schema": self.schema, "runs": self.runs,
                "actions": self.actions, "bytes": self.size}


def backup(source: Path | str, dest: Path | str) -> Backup:
    """A consistent copy of the journal, also while a run writes it: SQLite's online backup API (a ``cp`` of a
    live SQLite file can be torn). The journal is opened read-only (no migration, nothing created); the copy
    is written next to ``dest``, checked (``quick_check``), and only then renamed to ``dest``."""
    src, dst = Path(source), Path(dest)
    if not src.is_file():
        raise JournalError(f"there is no journal at {src}: nothing to back up (check journal.path in the config)")
    if not dst.parent.is_dir():
        raise JournalError(f"the folder {dst.parent} does not exist; create it, or back up elsewhere")
    if dst.exists() and dst.resolve() == src.resolve():
        raise JournalError(f"{dst} is the journal itself; back it up to another file")
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
    os.close(fd)
    try:
        reader = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
        try:
            copy = sqlite3.connect(tmp)
            try:
                reader.backup(copy)  # all pages in one step, under a read lock: one moment of the journal
                check = copy.execute("PRAGMA quick_check").fetchone()
                schema = int(copy.execute("PRAGMA user_version").fetchone()[0])
                runs, actions = (copy.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("runs", "actions"))
            finally:
                copy.close()
        finally:
            reader.close()
        if not check or check[0] != "ok":
            raise JournalError(f"the copy of {src} failed its integrity check ({check}); the journal itself may be "
                               "damaged: run `sqlite3 JOURNAL 'PRAGMA integrity_check'`")
        os.replace(tmp, dst)
    except sqlite3.Error as e:
        raise JournalError(f"cannot back up {src} to {dst}: {e}") from None
    except OSError as e:
        raise JournalError(f"cannot back up {src} to {dst}: {e.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return Backup(src, dst, schema, int(runs), int(actions), dst.stat().st_size)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class JournalRow:
    id: int
    run_id: int
    key: str
    user: str
    wiki: str
    kind: str
    data: dict[str, Any]
    status: Status
    code: str | None
    info: str | None
    intended: str
    finished: str | None


@dataclass(frozen=True)
class Vetted:
    """An entry's row as vetted: who wrote it, why it may not be acted on (None: trusted), at which revision."""

    row: str
    origin: Origin
    doubt: str | None
    revid: int


# the kinds whose effect stays on the account (audit and lifted look for them): each kind says so itself
SANCTION_KINDS = tuple(k for k, t in ACTION_TYPES.items() if t.lasting)


@dataclass(frozen=True)
class Sanction:
    """A lock, block or group removal the wikis confirmed, as the journal recorded it."""

    user: str
    wiki: str
    kind: str
    groups: tuple[str, ...]  # group removals: the groups removed
    at: str
    command: str  # the run that placed it: apply, run, enforce
    requested_by: str | None = None


@dataclass(frozen=True)
class Dismissal:
    """A human's word that a sanction on an account no longer listed was reviewed and stays."""

    user: str
    by: str
    reason: str
    at: str


@dataclass(frozen=True)
class Proposal:
    """A plan posted for approval, and what became of it."""

    digest: str
    page: str
    posted_revid: int
    proposed_by: str
    command: str
    reasons: tuple[str, ...]
    proposed: str
    state: str  # waiting, approved, rejected, expired
    decided_by: str | None = None
    decided_revid: int | None = None
    decided: str | None = None
    applied: str | None = None


# SQLite's primary result codes (the low byte of an extended code)
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 10, 11, 13, 26
_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def unwritable(path: Path, what: str) -> JournalUnwritable:
    return JournalUnwritable(
        f"the journal {path} could not be written: {what}; free space on that disk (or fix it) and run again. The "
        "journal itself is intact: keep it where it is; an action sent but not yet recorded is settled against the "
        "wiki by the next run")


def journal_error(path: Path, e: sqlite3.Error) -> JournalError:
    """What an SQLite error means for the operator: a full or failing disk, a lock held elsewhere, or a damaged
    journal (only then is moving it aside the advice)."""
    code = getattr(e, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    msg = str(e)
    if primary == _SQLITE_FULL:
        return unwritable(path, f"the disk is full ({msg})")
    if primary == _SQLITE_IOERR:
        return unwritable(path, f"the disk reported an I/O error ({msg}): it may be full, failing or gone")
    if "locked" in msg or "busy" in msg:
        return JournalError(f"the journal {path} is locked by another process ({msg}); wait for it to finish "
                            "or stop it; no wiki was written")
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return JournalError(f"the journal {path} is unreadable ({msg}); move it aside and restore it from a "
                            "backup; no wiki was written")
    return JournalError(f"the journal {path} could not be used ({msg}); check journal.path, the folder's "
                        "permissions and the disk")


class Journal:
    """The journal at ``path``. ``staged``: a journal being created (``--init-journal``) is built in a file of
    its own beside ``path`` and becomes ``path`` with the first run it records; closed before that (the run was
    refused), it leaves nothing behind."""

    def __init__(self, path: Path | str, *, timeout: float = 5.0, staged: bool = False) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._staging = self.path.with_name(f".{self.path.name}.new-{os.getpid()}") if staged else None
        try:
            ensure_folder(self.path.parent, "journal.path")
            if self._staging is not None:
                self._staging.unlink(missing_ok=True)
            self.db = self._connect(self._staging or self.path)
            check = self.db.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise JournalError(f"the journal {self.path} failed its integrity check ({check}); move it aside and "
                                   "restore it from a backup; no wiki was written")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise self._error(e) from None
        except OSError as e:
            if e.errno in _DISK_FULL_ERRNOS:
                raise unwritable(self.path, f"the disk is full ({e.strerror})") from None
            raise JournalError(f"cannot open the journal {self.path}: {e.strerror}; check journal.path") from None

    def _connect(self, file: Path) -> sqlite3.Connection:
        return sqlite3.connect(str(file), timeout=self._timeout, isolation_level=None)

    def _adopt(self) -> None:
        """A staged journal becomes the journal: the first run is about to be recorded."""
        if self._staging is None:
            return
        self.db.close()
        try:
            if self.path.exists():
                raise JournalError(f"{self.path} appeared while this run created the journal; nothing was written: "
                                   "run again (without --init-journal if that journal is banbot's)")
            self._staging.rename(self.path)
            self._staging = None
            self.db = self._connect(self.path)
        except OSError as e:
            raise JournalError(f"cannot create the journal {self.path}: {e.strerror}; check journal.path") from None

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise JournalError(f"the journal {self.path} has schema version {version}, newer than this banbot knows "
                               f"({SCHEMA_VERSION}); upgrade banbot, or use the journal with the version that wrote it")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self.db.executescript(f"BEGIN IMMEDIATE; {MIGRATIONS[number - 1]}; PRAGMA user_version = {number}; COMMIT;")

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @classmethod
    def for_writes(cls, path: Path | str, *, init: bool = False) -> Journal:
        """The journal of a command that writes. A missing or empty journal is refused unless ``init``:
        a lost journal would redo blocks and notices that humans have since reversed."""
        p = Path(path)
        if not p.exists() and not init:
            raise JournalError(f"there is no journal at {p}. If this is banbot's first run with this config, pass "
                               "--init-journal; if the journal was lost, restore it from a backup first (without it "
                               "banbot would redo what humans have reversed)")
        if not p.exists() and p.parent.is_dir():  # called under the run lock: no other run is making one
            for stale in p.parent.glob(f".{p.name}.new-*"):  # left by a run killed before its first record
                stale.unlink(missing_ok=True)
        journal = cls(p, staged=not p.exists())
        if init:
            if journal.recall("initialized") is None:
                journal.remember("initialized", now())
        elif journal.is_empty():
            journal.close()
            raise JournalError(f"the journal {p} is empty (no run was ever recorded in it). If this is banbot's first "
                               "run with this config, pass --init-journal; otherwise restore the journal from a backup")
        return journal

    def is_empty(self) -> bool:
        try:
            runs = self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        except sqlite3.Error as e:
            raise self._error(e) from None
        return not runs and self.recall("initialized") is None

    def _error(self, e: sqlite3.Error) -> JournalError:
        return journal_error(self.path, e)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            if self.db.in_transaction:
                with suppress(sqlite3.Error):  # on a full or failing disk the rollback may fail too: SQLite recovers
                    self.db.execute("ROLLBACK")  # the hot journal at the next open
            raise self._error(e) from None

    def close(self) -> None:
        self.db.close()
        if self._staging is not None:  # never became the journal: the run was refused before recording anything
            for leftover in (self._staging, self._staging.with_name(self._staging.name + "-journal")):
                leftover.unlink(missing_ok=True)

    # --- runs ------------------------------------------------------------------------------
    def start_run(self, command: str, *, digest: str = "", location: str | None = None, title: str | None = None,
                  revid: int | None = None, requested_by: str | None = None, why: str | None = None) -> int:
        self._adopt()
        with self._tx() as db:
            cur = db.execute("INSERT INTO runs (started, command, requested_by, why, list_location, list_title, "
                             "list_revid, digest, banbot_version) VALUES (?,?,?,?,?,?,?,?,?)",
                             (now(), command, requested_by, why, location, title, revid, digest, __version__))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET finished = ?, summary = ? WHERE id = ?", (now(), json.dumps(summary), run_id))

    # --- actions ---------------------------------------------------------------------------
    def intend(self, run_id: int, action: Action) -> int:
        """Record the action before it is sent; the row stays ``intended`` until :meth:`record`."""
        with self._tx() as db:
            cur = db.execute("INSERT INTO actions (run_id, key, user, wiki, kind, data, status, intended) "
                             "VALUES (?,?,?,?,?,?,?,?)",
                             (run_id, action.key, action.user, action.wiki, action.kind,
                              json.dumps(action.data(), ensure_ascii=False), "intended", now()))
            return int(cur.lastrowid or 0)

    def record(self, row_id: int, status: Status, code: str | None = None, info: str | None = None) -> None:
        with self._tx() as db:
            db.execute("UPDATE actions SET status = ?, code = ?, info = ?, finished = ? WHERE id = ?",
                       (status, code, info, now(), row_id))

    def _rows(self, where: str, args: tuple[Any, ...] = ()) -> list[JournalRow]:
        try:
            cur = self.db.execute(f"SELECT id, run_id, key, user, wiki, kind, data, status, code, info, intended, "
                                  f"finished FROM actions {where} ORDER BY id", args)
            return [JournalRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), Status(r[7]), *r[8:])
                    for r in cur]
        except sqlite3.Error as e:
            raise self._error(e) from None

    def pending(self) -> list[JournalRow]:
        """Actions sent (or about to be) whose outcome was never recorded."""
        return self._rows(f"WHERE status = '{Status.INTENDED}'")

    def completed(self) -> dict[str, str]:
        """key -> when, for every action the wikis confirmed (done, already, or verified after a crash)."""
        return {r.key: r.finished or r.intended for r in self._rows(f"WHERE status IN {_CONFIRMED_SQL}")}

    def settled_users(self) -> set[str]:
        """Accounts whose lock the journal has confirmed: their detail reads can be skipped when still locked."""
        locks = ",".join(f"'{k}'" for k, t in ACTION_TYPES.items() if t.scope == Scope.GLOBAL and t.protective)
        return {r.user for r in self._rows(f"WHERE kind IN ({locks}) AND status IN {_CONFIRMED_SQL}")}

    def history(self, users: list[str] | None = None) -> list[JournalRow]:
        if users:
            marks = ",".join("?" * len(users))
            return self._rows(f"WHERE user IN ({marks})", tuple(users))
        return self._rows("")

    # --- small facts ----------------------------------------------------------------------------
    def remember(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO meta (key, value, at) VALUES (?,?,?) ON CONFLICT(key) DO UPDATE SET "
                       "value = excluded.value, at = excluded.at", (key, value, now()))

    def recall(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from None
        return None if row is None else str(row[0])

    # --- the cross-check of each list revision --------------------------------------------------
    def list_check(self, location: str, title: str | None, revid: int, section: str | None) -> dict[str, str] | None:
        """The objections found for this list revision (entry → why it is not one), or None: not checked yet."""
        try:
            row = self.db.execute("SELECT objections FROM list_checks WHERE list_location = ? AND list_title = ? "
                                  "AND list_revid = ? AND section = ?",
                                  (location, title or "", revid, section or "")).fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from None
        return None if row is None else dict(json.loads(row[0]))

    def record_list_check(self, location: str, title: str | None, revid: int, section: str | None,
                          found: dict[str, str]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO list_checks (list_location, list_title, list_revid, section, "
                       "objections, at) VALUES (?,?,?,?,?,?)",
                       (location, title or "", revid, section or "", json.dumps(found, ensure_ascii=False), now()))

    # --- applied list revisions -------------------------------------------------------------
    def record_applied(self, location: str | None, title: str | None, revid: int | None, active: list[str],
                       settled: bool = False, verified: str | None = None) -> None:
        """Remember the list revision whose every active entry was planned and applied: a new row when the
        revision changed, else the same row marked verified now. ``settled``: nothing failed or was skipped.
        ``verified``: when every account was last read, if not now (a pass that read only the changed entries
        keeps the time of the last full read)."""
        last = self._last_row(location, title)
        at = verified or now()
        with self._tx() as db:
            if last is not None and last[1] == revid and json.loads(last[2]) == active:
                db.execute("UPDATE applied_lists SET settled = ?, verified = ? WHERE id = ?",
                           (int(settled), at, last[0]))
                return
            db.execute("INSERT INTO applied_lists (at, list_location, list_title, list_revid, active, settled, "
                       "verified) VALUES (?,?,?,?,?,?,?)",
                       (now(), location, title, revid, json.dumps(active, ensure_ascii=False), int(settled), at))

    def settled_base(self, location: str | None, title: str | None) -> tuple[int | None, list[str], str] | None:
        """The last applied revision, its active entries and when every account was last read, if that pass
        left everything settled (None otherwise, or when a crashed run left a row unsettled)."""
        last = self._last_row(location, title)
        if last is None or not last[3] or not last[4] or self.pending():
            return None
        return last[1], json.loads(last[2]), str(last[4])

    def _last_row(self, location: str | None, title: str | None) -> tuple[Any, ...] | None:
        try:
            row = self.db.execute("SELECT id, list_revid, active, settled, verified FROM applied_lists WHERE "
                                  "list_location IS ? AND list_title IS ? ORDER BY id DESC LIMIT 1",
                                  (location, title)).fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from None
        return tuple(row) if row else None

    def settled_since(self, location: str | None, title: str | None, revid: int | None) -> str | None:
        """When every account of this list revision was last read and found settled (None: it was not, or the
        revision is not the last applied one, or a crashed run left a row unsettled)."""
        last = self._last_row(location, title)
        if last is None or last[1] != revid or not last[3] or self.pending():
            return None
        return str(last[4]) if last[4] else None

    def last_applied(self, location: str | None, title: str | None) -> tuple[int | None, list[str]] | None:
        """The last applied revision of this list page and its active entries (None: none yet)."""
        row = self._last_row(location, title)
        return (row[1], json.loads(row[2])) if row else None

    # --- sanctions and their review (`banbot lifted`) -------------------------------------------------
    def sanctions(self, location: str | None = None, title: str | None = None) -> list[Sanction]:
        """Every lock, block and group removal the wikis confirmed, oldest first, with the run that did it;
        with ``location`` and ``title``, those placed by runs of that list only (one source of several)."""
        kinds = ",".join(f"'{k}'" for k in SANCTION_KINDS)
        mine = location is not None
        where, args = ("AND r.list_location = ? AND r.list_title = ?", (location, title)) if mine else ("", ())
        try:
            cur = self.db.execute(
                "SELECT a.user, a.wiki, a.kind, a.data, COALESCE(a.finished, a.intended), r.command, r.requested_by "
                f"FROM actions a JOIN runs r ON r.id = a.run_id WHERE a.kind IN ({kinds}) AND a.status IN "
                f"{_CONFIRMED_SQL} {where} ORDER BY a.id", args)
            return [Sanction(r[0], r[1], r[2], tuple(json.loads(r[3]).get("groups") or ()), r[4], r[5], r[6])
                    for r in cur]
        except sqlite3.Error as e:
            raise self._error(e) from None

    def dismiss(self, user: str, by: str, reason: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO dismissals (user, by, reason, at) VALUES (?,?,?,?)", (user, by, reason, now()))

    def dismissals(self) -> dict[str, Dismissal]:
        """The latest dismissal of each account."""
        try:
            cur = self.db.execute("SELECT user, by, reason, at FROM dismissals ORDER BY id")
            return {r[0]: Dismissal(r[0], r[1], r[2], r[3]) for r in cur}
        except sqlite3.Error as e:
            raise self._error(e) from None

    # --- alerts (banbot.alerts) ----------------------------------------------------------------------
    def open_alerts(self) -> dict[str, str]:
        """key → the text each open alert was sent with."""
        try:
            return {r[0]: r[1] for r in self.db.execute("SELECT key, text FROM alerts ORDER BY key")}
        except sqlite3.Error as e:
            raise self._error(e) from None

    def record_alerts(self, opened: list[tuple[str, str]], closed: list[str], lines: list[str],
                      channels: list[str]) -> None:
        """Open and close alerts and queue their lines on every channel, in one transaction."""
        at = now()
        with self._tx() as db:
            db.executemany("INSERT OR REPLACE INTO alerts (key, text, opened) VALUES (?,?,?)",
                           [(k, t, at) for k, t in opened])
            db.executemany("DELETE FROM alerts WHERE key = ?", [(k,) for k in closed])
            db.executemany("INSERT INTO alert_outbox (line, channel, at) VALUES (?,?,?)",
                           [(line, ch, at) for line in lines for ch in channels])

    def unsent_alerts(self) -> dict[str, list[tuple[int, str]]]:
        """channel → the lines not sent on it yet (id, line), oldest first."""
        out: dict[str, list[tuple[int, str]]] = {}
        try:
            for i, line, ch in self.db.execute("SELECT id, line, channel FROM alert_outbox WHERE sent IS NULL "
                                               "ORDER BY id"):
                out.setdefault(ch, []).append((i, line))
        except sqlite3.Error as e:
            raise self._error(e) from None
        return out

    def alerts_sent(self, ids: list[int]) -> None:
        with self._tx() as db:
            db.executemany("UPDATE alert_outbox SET sent = ? WHERE id = ?", [(now(), i) for i in ids])

    # --- the two-person rule ---------------------------------------------------------------------
    def proposal(self, digest: str) -> Proposal | None:
        try:
            r = self.db.execute("SELECT digest, page, posted_revid, proposed_by, command, reasons, proposed, state, "
                                "decided_by, decided_revid, decided, applied FROM approvals WHERE digest = ?",
                                (digest,)).fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from None
        return None if r is None else Proposal(r[0], r[1], int(r[2]), r[3], r[4], tuple(json.loads(r[5])), r[6],
                                               r[7], r[8], r[9], r[10], r[11])

    def record_proposal(self, digest: str, page: str, revid: int, proposed_by: str, command: str,
                        reasons: list[str]) -> None:
        """A plan posted for approval (posted again after an expiry: the new revision replaces the old)."""
        self._adopt()  # something was written on a wiki: a journal staged by --init-journal becomes the journal
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO approvals (digest, page, posted_revid, proposed_by, command, reasons, "
                       "proposed, state) VALUES (?,?,?,?,?,?,?,?)",
                       (digest, page, revid, proposed_by, command, json.dumps(reasons), now(), "waiting"))

    def record_decision(self, digest: str, state: str, by: str | None, revid: int | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE approvals SET state = ?, decided_by = ?, decided_revid = ?, decided = ? "
                       "WHERE digest = ?", (state, by, revid, now(), digest))

    def record_approved_applied(self, digest: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE approvals SET state = 'applied', applied = ? WHERE digest = ?", (now(), digest))

    # --- provenance of each entry ---------------------------------------------------------------
    def origins(self, location: str, title: str, section: str | None) -> dict[str, Vetted]:
        try:
            cur = self.db.execute("SELECT name, row, origin, doubt, vetted_revid FROM provenance WHERE "
                                  "list_location = ? AND list_title = ? AND section = ?",
                                  (location, title, section or ""))
            return {r[0]: Vetted(r[1], Origin.from_data(r[0], r[1], json.loads(r[2])), r[3], int(r[4])) for r in cur}
        except sqlite3.Error as e:
            raise self._error(e) from None

    def record_origins(self, location: str, title: str, section: str | None, vetted: dict[str, Vetted]) -> None:
        """The provenance of every active entry now; entries no longer active are forgotten (a row that comes
        back is traced afresh)."""
        with self._tx() as db:
            db.execute("DELETE FROM provenance WHERE list_location = ? AND list_title = ? AND section = ?",
                       (location, title, section or ""))
            db.executemany(
                "INSERT INTO provenance (list_location, list_title, section, name, row, origin, origin_revid, author, "
                "doubt, vetted_revid, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(location, title, section or "", name, v.row, json.dumps(v.origin.data(), ensure_ascii=False),
                  v.origin.revid, v.origin.chain[-1].user if v.origin.chain else None, v.doubt, v.revid, now())
                 for name, v in vetted.items()])
