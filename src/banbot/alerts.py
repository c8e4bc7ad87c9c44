"""What a human must hear about after a `run` or `watch` pass, once per condition (pure).

A pass's outcome becomes :class:`Condition`\\ s, each with a stable key: held back by a rail (the rail's own
message says which list, which revision, which rule and who edited), the kill switch, actions failed or a fatal
answer that stopped the run, the farm or the key unusable for longer than ``alerts.unusable_after_minutes``, and
a sanction banbot placed on an account that is no longer listed. :func:`diff` compares them with the alerts
still open in the journal: a new key is one alert, a key gone is one "resolved" line; a key still there is
silence, however many passes see it. A pass answers only for the families it looked at (a pass the farm cut short
says nothing about the rails), so an alert of a family it did not look at stays open.

Alerts are published (a wiki page, mail), so they name no hidden or suppressed account: such a name is replaced
by "a hidden account" wherever a message would carry it, and keys, which may hold names, are never published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from banbot.actions import Plan
from banbot.banlist import BanList
from banbot.enforce import Report
from banbot.names import shown
from banbot.safety import Blocker, Rule

HIDDEN = "a hidden account"


class Family(StrEnum):
    """What a pass may or may not have looked at."""

    HELD = "held"  # the rails (the kill switch apart)
    KILL_SWITCH = "kill-switch"
    FAILED = "failed"  # actions that failed, a fatal answer that stopped the apply
    UNUSABLE = "unusable"  # the farm could not be reached, the key could not be used
    KEY = "key"  # the hourly login check
    LIFTED = "lifted"  # sanctions on accounts no longer listed
    ERROR = "error"  # any other error that ended the pass
    APPROVAL = "approval"  # a plan waiting for a second person (banbot.approval)


@dataclass(frozen=True)
class Condition:
    key: str  # stable across passes; may name an account: kept in the journal, never published
    text: str  # one line, fit for an anonymous reader

    @property
    def family(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def ref(self) -> str:
        """A short public name for the key, to tie a resolved line to its alert."""
        return hashlib.sha1(self.key.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class PassOutcome:
    """What one pass found. ``looked_at``: the families it can speak for."""

    bans: BanList | None = None
    plan: Plan | None = None
    blockers: tuple[Blocker, ...] = ()
    report: Report | None = None
    error: str | None = None  # a one-line, public description of an error that ended the pass
    error_kind: str | None = None  # its class name (the key)
    unreachable: bool = False  # the error was the farm not answering (exit 5)
    looked_at: frozenset[Family] = frozenset()
    waiting: str | None = None  # the two-person rule holds the plan: why (its first line)


def hidden_names(plan: Plan | None) -> set[str]:
    """Accounts the plan marks hidden: never named in an alert."""
    if plan is None:
        return set()
    return {a.user for a in plan.actions if a.hidden} | {h.user for h in plan.holds if h.unnamed}


def redact(text: str, hidden: Collection[str]) -> str:
    for name in sorted(hidden, key=len, reverse=True):
        text = text.replace(shown(name), HIDDEN).replace(name, HIDDEN)
    return text


def _where(bans: BanList | None) -> str:
    if bans is None:
        return "the list"
    src = bans.source
    return f"{src.location}:{src.title}" + (f" revision {src.revid}" if src.revid is not None else "")


def _list_key(bans: BanList | None) -> str:
    return "" if bans is None else f"{bans.source.location}:{bans.source.title}"


def pass_conditions(o: PassOutcome) -> list[Condition]:
    """The conditions one pass found (the farm and key families apart: see :func:`unusable_conditions`)."""
    hidden = hidden_names(o.plan)
    out: list[Condition] = []
    where = _where(o.bans)
    rails = []
    for b in o.blockers:
        text = redact(b.message, hidden)
        if b.rule == Rule.KILL_SWITCH:
            out.append(Condition("kill-switch", f"banbot is stopped by the kill switch: {text}"))
        else:
            rails.append((b, text))
    if rails:
        # one alert for what holds the list back: the same rules (and, for the editor rule, the same revisions
        # and rows: its messages name them) keep the key; a count that grows does not make a new alert
        same = sorted({f"{b.rule}:{b.message if b.rule == Rule.EDITOR else ''}" for b, _ in rails})
        digest = hashlib.sha1("\n".join(same).encode()).hexdigest()[:12]
        why = "; ".join(f"[{b.rule}] {text}" for b, text in rails)
        out.append(Condition(f"held:{_list_key(o.bans)}:{digest}", f"banbot is held back on {where}: {why}"))
    if o.waiting is not None:
        digest = o.plan.digest[:12] if o.plan is not None else ""
        out.append(Condition(f"approval:{_list_key(o.bans)}:{digest}",
                             f"a plan for {where} waits for a second person: {redact(o.waiting, hidden)}"))
    if o.report is not None:
        for res in o.report.failed:
            a = res.action
            who = HIDDEN if a.hidden or a.user in hidden else shown(a.user)
            what = f"{a.label} of {who} on {a.wiki}" if a.hidden or a.user in hidden else redact(a.describe(), hidden)
            out.append(Condition(f"failed:{a.key}", f"an action failed: {what}: {res.code}"))
        if o.report.stopped:
            out.append(Condition("failed:stopped", f"a run stopped before the end: {redact(o.report.stopped, hidden)}"))
    if o.error is not None and not o.unreachable:
        out.append(Condition(f"error:{o.error_kind or 'error'}", f"a pass ended with an error: {o.error}"))
    return out


def lifted_conditions(sanctioned: Iterable[str], active: Collection[str], dismissed: Collection[str],
                      hidden: Collection[str], scope: str = "") -> list[Condition]:
    """One condition per account banbot sanctioned that is no longer an active entry and that no human has
    dismissed since (``sanctioned``, ``dismissed``: as :mod:`banbot.commands.lifted` reads them)."""
    out = []
    for user in sorted(set(sanctioned) - set(active) - set(dismissed)):
        who = HIDDEN if user in hidden else shown(user)
        key = f"lifted:{scope}:{user}" if scope else f"lifted:{user}"  # scope: one list of several
        listed = f"listed on {scope}" if scope else "listed"
        out.append(Condition(key, f"{who}, whom banbot sanctioned, is no longer {listed}; banbot lifts nothing: a "
                                  "steward reviews it (`banbot lifted`)"))
    return out


@dataclass(frozen=True)
class Unusable:
    """The farm or the key failing now, and since when each key has been failing (epoch seconds)."""

    conditions: tuple[Condition, ...]
    since: Mapping[str, float] = field(default_factory=dict)


def unusable_conditions(failing: Mapping[str, str], since: Mapping[str, float], now: float,
                        after_s: float) -> Unusable:
    """``failing``: key → text of what is unusable now. A condition once it has been failing ``after_s``
    seconds; ``since`` is carried over for keys still failing and dropped for keys that recovered."""
    kept = {k: since.get(k, now) for k in failing}
    def text(k: str, t: str) -> str:
        minutes = int((now - kept[k]) // 60)
        return f"{t} (for {minutes} minutes)" if minutes else t

    due = tuple(Condition(k, text(k, t)) for k, t in sorted(failing.items()) if now - kept[k] >= after_s)
    return Unusable(due, kept)


@dataclass(frozen=True)
class Diff:
    new: tuple[Condition, ...]
    resolved: tuple[Condition, ...]


def diff(open_alerts: Mapping[str, str], current: Sequence[Condition], looked_at: Collection[str]) -> Diff:
    """New conditions (not open yet) and open alerts that cleared: those of a family this pass looked at
    that it no longer finds. ``open_alerts``: key → the text it was opened with."""
    keys = {c.key for c in current}
    new = tuple(c for c in current if c.key not in open_alerts)
    resolved = tuple(Condition(k, t) for k, t in sorted(open_alerts.items())
                     if k not in keys and Condition(k, t).family in looked_at)
    return Diff(new, resolved)


def line(kind: str, c: Condition, at: str) -> str:
    """One published line: ``kind`` is "alert" or "resolved"."""
    if kind == "resolved":  # the alert it closes said it all: its start is enough to recognise it
        return f"{at} resolved [{c.ref}]: {c.text if len(c.text) <= 100 else c.text[:99] + '…'}"
    return f"{at} alert [{c.ref}]: {c.text}"
