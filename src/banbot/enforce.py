"""Apply a plan: each action once, journaled before and after, with a typed outcome for each.

The executor takes the :class:`~banbot.plan.Plan` and nothing else that decides *what* to do; the gateway
it is given only knows *how* to send one action. A failed action is reported and the run goes on, unless the
failure dooms every later write too (the bot is blocked, logged out, the wiki is read-only): then the run stops
at once, and the rest is recorded as skipped with the reason.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from banbot.actions import ACTION_TYPES, Action, Plan, Why
from banbot.errors import WikiError
from banbot.exits import Exit
from banbot.journal import Journal, Status

log = logging.getLogger(__name__)

# Error codes after which no later write can succeed either: stop instead of failing every action.
FATAL_CODES = frozenset({
    "blocked", "autoblocked", "assertuserfailed", "assertbotfailed", "assertnameduserfailed", "readonly",
    "notloggedin", "mwoauth-invalid-authorization", "mwoauth-invalid-authorization-invalid-user",
    "mwoauth-invalid-authorization-blocked-user", "mwoauth-invalid-authorization-wrong-user",
    "mwoauth-invalid-authorization-not-approved", "mwoauth-invalid-authorization-nonce",
})
KILL_SWITCH = "kill-switch"
INTERRUPTED = "interrupted"


class Gateway(Protocol):
    def perform(self, action: Action) -> Status: ...


@dataclass(frozen=True)
class Outcome:
    action: Action
    status: Status
    code: str | None = None
    info: str = ""

    def data(self) -> dict[str, Any]:
        return {**self.action.data(), "status": str(self.status), "code": self.code, "info": self.info}


@dataclass(frozen=True)
class Report:
    digest: str
    outcomes: tuple[Outcome, ...]
    settled_from_crash: tuple[str, ...] = ()
    stopped: str | None = None  # why the run stopped before the end (the kill switch, a fatal error)
    protected_after_s: float | None = None  # seconds from the first write to the last lock or block done

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == Status.FAILED)

    @property
    def exit_code(self) -> Exit:
        if any(o.code == KILL_SWITCH for o in self.outcomes):
            return Exit.UNSAFE
        if any(o.code == INTERRUPTED for o in self.outcomes):
            return Exit.INTERRUPTED
        if self.stopped:
            return Exit.ERROR
        return Exit.PARTIAL if self.failed else Exit.OK

    def summary(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for o in self.outcomes:
            if o.status in (Status.DONE, Status.RESTORED):
                c[o.action.label] += 1
            elif o.status == Status.ALREADY:
                c["already in place"] += 1
            else:
                c[str(o.status)] += 1
        order = [t.label for t in ACTION_TYPES.values()] + ["already in place", Status.FAILED, Status.SKIPPED]
        return {k: c.get(k, 0) for k in order}

    def line(self) -> str:
        parts = [f"{v} {k}" for k, v in self.summary().items() if v]
        return "apply: " + (", ".join(parts) if parts else "nothing to do") + (
            f"; stopped: {self.stopped}" if self.stopped else "")

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "summary": self.summary(), "exit_code": int(self.exit_code),
                "stopped": self.stopped, "protected_after_s": self.protected_after_s,
                "outcomes": [o.data() for o in self.outcomes], "settled_from_crash": list(self.settled_from_crash)}


def settle_interrupted(journal: Journal, plan: Plan) -> list[str]:
    """Rows left ``intended`` by a crash, judged by the fresh observation behind ``plan``: an action the
    plan no longer needs took effect (``verified``); one it still needs did not (``interrupted``).

    Only rows of accounts this plan observed afresh are settled: another account's row waits for a plan
    that reads *that* account (a partial ``apply --user`` never marks someone else's unsent block done)."""
    needed = {a.key for a in plan.actions}
    observed = set(plan.users) - {h.user for h in plan.holds if h.why == Why.UNTRUSTED_ORIGIN}  # not read
    settled = []
    for row in journal.pending():
        if row.user not in observed:
            continue
        status = Status.INTERRUPTED if row.key in needed else Status.VERIFIED
        journal.record(row.id, status, info="outcome settled by re-reading the wiki after an interrupted run")
        settled.append(f"{row.key}: {status}")
    return settled


def apply_plan(plan: Plan, gateway: Gateway, journal: Journal, *, command: str = "apply",
               requested_by: str | None = None, why: str | None = None,
               progress: Callable[[int, int, Action], None] | None = None, record_list: bool = True,
               guard: Callable[[], str | None] | None = None,
               stopping: Callable[[], bool] | None = None) -> Report:
    """Apply every action of ``plan`` once. ``guard`` is asked before each action (it may re-read the kill
    switch); when it returns a reason, the run stops there and the rest is recorded as skipped. ``stopping``
    says the process was asked to end (SIGTERM): the run stops before its next write."""
    settled = settle_interrupted(journal, plan)
    done_before = journal.completed()
    run = journal.start_run(command, digest=plan.digest, location=plan.source.location, title=plan.source.title,
                            revid=plan.source.revid, requested_by=requested_by, why=why)
    outcomes: list[Outcome] = []
    stopped: str | None = None
    started = time.monotonic()
    protected_at: float | None = None
    for i, action in enumerate(plan.actions):
        if progress:
            progress(i, len(plan.actions), action)
        if stopping and stopping():
            stopped = "interrupted: asked to stop (SIGTERM or SIGINT); the rest is left for the next run"
            outcomes += [Outcome(a, Status.SKIPPED, INTERRUPTED, stopped) for a in plan.actions[i:]]
            break
        stop = guard() if guard else None
        if stop:
            log.warning("apply: stopping: %s", stop)
            outcomes += [Outcome(a, Status.SKIPPED, KILL_SWITCH, stop) for a in plan.actions[i:]]
            break
        if action.key in done_before:  # a second plan made before this one finished: never twice
            outcomes.append(Outcome(action, Status.SKIPPED, "journal", f"already done on {done_before[action.key]}"))
            continue
        row = journal.intend(run, action)
        try:
            status = gateway.perform(action)
        except WikiError as e:
            journal.record(row, Status.FAILED, e.code, e.info)
            log.warning("apply: %s failed: %s %s", action.describe(), e.code, e.info)
            outcomes.append(Outcome(action, Status.FAILED, e.code, e.info))
            if e.code in FATAL_CODES:
                stopped = (f"{e.code} on {e.wiki or action.wiki}: {e.info} — no later write could succeed; fix the "
                           "bot's account or session, then run again")
                log.error("apply: stopping: %s", stopped)
                outcomes += [Outcome(a, Status.SKIPPED, e.code, "not sent: the run stopped") for a in
                             plan.actions[i + 1:]]
                break
            continue
        journal.record(row, status)
        log.info("apply: %s: %s", action.describe(), status)
        outcomes.append(Outcome(action, status))
        if action.protective:
            protected_at = time.monotonic()
    report = Report(plan.digest, tuple(outcomes), tuple(settled), stopped,
                    None if protected_at is None else round(protected_at - started, 3))
    journal.finish_run(run, report.summary())
    if record_list and not stopped and not any(o.code == KILL_SWITCH for o in outcomes):
        journal.record_applied(plan.source.location, plan.source.title, plan.source.revid, list(plan.users),
                               settled=not report.failed and not any(o.status == Status.SKIPPED for o in outcomes))
    return report
