"""What `banbot report` shows: the journal's actions as results rows, and hidden accounts as counts (pure).

A hidden or suppressed account is never named on a wiki, so the wikitext report leaves its rows out and counts
them instead ("2 hidden accounts: locked"). An account counts as hidden when any action the journal recorded
for it was planned for a hidden account: a row journaled before it was hidden is not published either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from banbot.actions import ACTION_TYPES
from banbot.journal import CONFIRMED, JournalRow, Status

OUTCOME = {Status.DONE: "done", Status.ALREADY: "already in place",
           Status.RESTORED: "done (an edit made meanwhile kept)", Status.VERIFIED: "done (confirmed after a restart)",
           Status.FAILED: "failed", Status.INTERRUPTED: "interrupted, retried later", Status.INTENDED: "in progress",
           Status.SKIPPED: "skipped"}


@dataclass(frozen=True)
class ResultRow:
    user: str
    wiki: str
    kind: str
    groups: tuple[str, ...]
    status: Status
    code: str | None
    when: str
    run: int
    hidden: bool
    sources: tuple[str, ...] = ()  # the lists that required it, with several sources

    @property
    def what(self) -> str:
        return self.kind + (f" ({', '.join(self.groups)})" if self.groups else "") + (
            f" for {', '.join(self.sources)}" if self.sources else "")

    @property
    def outcome(self) -> str:
        return OUTCOME.get(self.status, str(self.status))

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "wiki": self.wiki, "kind": self.kind, "groups": list(self.groups),
                "status": str(self.status), "outcome": self.outcome, "code": self.code, "when": self.when,
                "run": self.run, "hidden": self.hidden, **({"sources": list(self.sources)} if self.sources else {})}


@dataclass(frozen=True)
class Results:
    """The last ``limit`` actions of the journal, and how many rows it holds in all."""

    rows: tuple[ResultRow, ...]
    limit: int
    total: int

    @property
    def named(self) -> tuple[ResultRow, ...]:
        return tuple(r for r in self.rows if not r.hidden)

    def hidden_counts(self) -> list[str]:
        """One line per result, counting the distinct hidden accounts: ``2 hidden accounts: locked``."""
        users: dict[str, set[str]] = defaultdict(set)
        for r in self.rows:
            if r.hidden:
                users[_result(r)].add(r.user)
        return [f"{len(u)} hidden account{'s' if len(u) != 1 else ''}: {what}" for what, u in users.items()]

    def to_json(self) -> dict[str, Any]:
        return {"rows": [r.to_json() for r in self.rows], "hidden": self.hidden_counts(), "limit": self.limit,
                "total": self.total}


def _result(r: ResultRow) -> str:
    """``locked``, ``local groups removed``… for what took effect; ``lock failed`` and the like otherwise."""
    try:
        kind = ACTION_TYPES[r.kind]
    except KeyError:  # a kind this banbot does not know (a journal written by a later one)
        return f"{r.kind} {r.outcome}"
    return kind.label if r.status in CONFIRMED else f"{r.kind} {r.outcome}"


def results(history: Sequence[JournalRow], limit: int) -> Results:
    hidden = {r.user for r in history if r.data.get("hidden")}
    picked = history[-limit:] if limit > 0 else ()
    rows = tuple(ResultRow(r.user, r.wiki, r.kind, tuple(r.data.get("groups") or ()), r.status, r.code,
                           r.finished or r.intended, r.run_id, r.user in hidden, tuple(r.data.get("sources") or ()))
                 for r in picked)
    return Results(rows, limit, len(history))
