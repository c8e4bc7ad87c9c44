"""Apply a plan: each action once, journaled before and after, with a typed outcome for each.

The executor takes the :class:`~banbot.plan.Plan` and nothing else that decides *what* to do; the gateway
it is given only knows *how* to send one action. A failed action is reported and the run goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from banbot.errors import WikiError
from banbot.journal import Journal
from banbot.plan import Action, Plan

log = logging.getLogger(__name__)

EXIT_OK, EXIT_PENDING, EXIT_USAGE, EXIT_UNSAFE, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2, 3, 4, 5
COUNT_NAMES = {"lock": "locked", "remove-global-groups": "global groups removed",
               "remove-local-groups": "local groups removed", "block": "blocked", "notify": "notified"}


class Gateway(Protocol):
    def perform(self, action: Action) -> str: ...


@dataclass(frozen=True)
class Outcome:
    action: Action
    status: str  # done | already | failed | skipped
    code: str | None = None
    info: str = ""
    retry_later: bool = False

    def data(self) -> dict[str, Any]:
        return {**self.action.data(), "status": self.status, "code": self.code, "info": self.info}


@dataclass(frozen=True)
class Report:
    digest: str
    outcomes: tuple[Outcome, ...]
    settled_from_crash: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def exit_code(self) -> int:
        if any(o.code == "kill-switch" for o in self.outcomes):
            return EXIT_UNSAFE
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def summary(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for o in self.outcomes:
            if o.status == "done":
                c[COUNT_NAMES[o.action.kind]] += 1
            elif o.status == "already":
                c["already in place"] += 1
            else:
                c[o.status] += 1
        order = [*COUNT_NAMES.values(), "already in place", "failed", "skipped"]
        return {k: c.get(k, 0) for k in order}

    def line(self) -> str:
        parts = [f"{v} {k}" for k, v in self.summary().items() if v]
        return "apply: " + (", ".join(parts) if parts else "nothing to do")

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "summary": self.summary(), "exit_code": self.exit_code,
                "outcomes": [o.data() for o in self.outcomes], "settled_from_crash": list(self.settled_from_crash)}


def settle_interrupted(journal: Journal, plan: Plan) -> list[str]:
    """Rows left ``intended`` by a crash, judged by the fresh observation behind ``plan``: an action the
    plan no longer needs took effect (``verified``); one it still needs did not (``interrupted``).

    Only rows of accounts this plan observed afresh are settled: another account's row waits for a plan
    that reads *that* account (a partial ``apply --user`` never marks someone else's unsent block done)."""
    needed = {a.key for a in plan.actions}
    observed = set(plan.users)
    settled = []
    for row in journal.pending():
        if row.user not in observed:
            continue
        status = "interrupted" if row.key in needed else "verified"
        journal.record(row.id, status, info="outcome settled by re-reading the wiki after an interrupted run")
        settled.append(f"{row.key}: {status}")
    return settled


def apply_plan(plan: Plan, gateway: Gateway, journal: Journal, *, command: str = "apply",
               requested_by: str | None = None, why: str | None = None,
               progress: Callable[[int, int, Action], None] | None = None, record_list: bool = True,
               guard: Callable[[], str | None] | None = None) -> Report:
    """Apply every action of ``plan`` once. ``guard`` is asked before each action (it may re-read the kill
    switch); when it returns a reason, the run stops there and the rest is recorded as skipped."""
    settled = settle_interrupted(journal, plan)
    done_before = journal.completed()
    run = journal.start_run(command, digest=plan.digest, location=plan.source.location, title=plan.source.title,
                            revid=plan.source.revid, requested_by=requested_by, why=why)
    outcomes: list[Outcome] = []
    for i, action in enumerate(plan.actions):
        if progress:
            progress(i, len(plan.actions), action)
        stop = guard() if guard else None
        if stop:
            log.warning("apply: stopping: %s", stop)
            outcomes += [Outcome(a, "skipped", "kill-switch", stop) for a in plan.actions[i:]]
            break
        if action.key in done_before:  # a second plan made before this one finished: never twice
            outcomes.append(Outcome(action, "skipped", "journal", f"already done on {done_before[action.key]}"))
            continue
        row = journal.intend(run, action)
        try:
            status = gateway.perform(action)
        except WikiError as e:
            journal.record(row, "failed", e.code, e.info)
            log.warning("apply: %s failed: %s %s", action.describe(), e.code, e.info)
            outcomes.append(Outcome(action, "failed", e.code, e.info, retry_later=e.transient))
            continue
        journal.record(row, status)
        log.info("apply: %s: %s", action.describe(), status)
        outcomes.append(Outcome(action, status))
    report = Report(plan.digest, tuple(outcomes), tuple(settled))
    journal.finish_run(run, report.summary())
    if record_list:
        journal.record_applied(plan.source.location, plan.source.title, plan.source.revid, list(plan.users))
    return report
