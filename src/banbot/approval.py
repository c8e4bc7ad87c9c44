"""The two-person rule (pure): which plans wait for a second person, and whether the approval page approves one.

A plan that needs a second person (``[approval]``: more than ``above_actions`` actions, the first applied
revision of a list, an ``enforce`` of an account on no list) is posted to the approval page with its digest
and not applied. A trusted user then writes ``{{approve|DIGEST}}`` (or a line ``approve DIGEST``) on the page;
``{{reject|DIGEST}}`` / ``reject DIGEST`` ends the proposal. The approval is vetted like the list itself:

- the page is protected at ``safety.require_protection``;
- the revision that added the line was made by a trusted editor (safety.trusted_groups), who is neither the
  proposer (the steward who asked, or the bot for unattended runs) nor any editor who wrote the entries the
  plan acts on (their provenance chains);
- a revision whose editor or text is hidden never approves; a line first seen after a hidden revision cannot
  be attributed and approves nothing (fail closed);
- an approval counts for ``expires_hours`` after it was written; a rejection by a trusted user ends it.

The digest is the plan's whole digest: a fresh plan that differs (the farm or the list moved) has another
digest, so an approval of the old one approves nothing and the new plan is posted again.
"""

from __future__ import annotations

import calendar
import re
import time
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from banbot.banlist import Protection
from banbot.safety import PROTECTION_ORDER, protection_level

MARKER = "banbot:approval"  # <!-- banbot:approval DIGEST --> in each posted proposal
_VERDICT = re.compile(r"(?:\{\{\s*(approve|reject)\s*\|\s*([0-9a-f]{64})\s*\}\}|^[*:#\s]*(approve|reject)\s+"
                      r"([0-9a-f]{64})\b)", re.IGNORECASE | re.MULTILINE)


class Reason(StrEnum):
    """Why a plan needs a second person."""

    ABOVE_ACTIONS = "above-actions"
    FIRST_RUN = "first-run"
    ENFORCE_UNLISTED = "enforce-unlisted"


class State(StrEnum):
    WAITING = "waiting"  # posted, no valid approval yet
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # approved, but longer ago than expires_hours


@dataclass(frozen=True)
class PageRevision:
    """One revision of the approval page (text None: hidden; user None: hidden)."""

    revid: int
    user: str | None
    timestamp: str
    text: str | None


@dataclass(frozen=True)
class ApprovalPage:
    """The approval page as read: its protection and its revisions after the proposal, oldest first, with the
    text of the proposal's own revision (what later revisions are compared with)."""

    title: str
    protection: tuple[Protection, ...] = ()
    base_text: str | None = None
    revisions: tuple[PageRevision, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """One ``approve`` or ``reject`` line, with the revision that added it (user None: not attributable)."""

    word: str
    revid: int
    user: str | None
    timestamp: str


@dataclass(frozen=True)
class Decision:
    state: State
    by: str | None = None  # who approved or rejected
    revid: int | None = None  # the revision that did
    at: str | None = None
    refused: tuple[str, ...] = field(default=())  # verdicts that did not count, and why

    def describe(self) -> str:
        out = {State.WAITING: "waiting for a second trusted person's approval",
               State.APPROVED: f"approved by {self.by} (revision {self.revid}, {self.at})",
               State.REJECTED: f"rejected by {self.by} (revision {self.revid}, {self.at})",
               State.EXPIRED: f"the approval by {self.by} ({self.at}) has expired"}[self.state]
        return out + (f"; not counted: {'; '.join(self.refused)}" if self.refused else "")


def reasons(*, actions: int, above_actions: int, first_run: bool, first_of_list: bool, enforce_unlisted: bool,
            unlisted: bool) -> tuple[Reason, ...]:
    """Why a plan of ``actions`` actions waits for a second person (empty: it does not)."""
    out = []
    if actions and above_actions >= 0 and actions > above_actions:
        out.append(Reason.ABOVE_ACTIONS)
    if actions and first_run and first_of_list:
        out.append(Reason.FIRST_RUN)
    if actions and enforce_unlisted and unlisted:
        out.append(Reason.ENFORCE_UNLISTED)
    return tuple(out)


_INERT = re.compile(r"<!--.*?(?:-->|$)|<(nowiki|pre|code)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def verdicts(text: str | None, digest: str) -> Counter[str]:
    """How many verdict lines of each word ("approve", "reject") ``text`` holds for ``digest``; a comment,
    ``<nowiki>``, ``<pre>`` or ``<code>`` (the instructions banbot posts) says nothing."""
    found: Counter[str] = Counter()
    for m in _VERDICT.finditer(_INERT.sub("", text or "")):
        word, d = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if d.lower() == digest:
            found[word.lower()] += 1
    return found


def attributed(page: ApprovalPage, digest: str) -> list[Verdict]:
    """Each verdict line for ``digest`` with the revision that added it, oldest first (a revision that adds a
    line where there were fewer). A line first present after a hidden revision (its text or editor hidden) may
    be that revision's: it is attributed to no one."""
    out: list[Verdict] = []
    before = verdicts(page.base_text, digest) if page.base_text is not None else None
    for r in page.revisions:
        if r.text is None:
            before = None  # what this revision added is unknown
            continue
        now = verdicts(r.text, digest)
        new = now - before if before is not None else now
        for word in sorted(new.elements()):
            out.append(Verdict(word, r.revid, r.user if before is not None else None, r.timestamp))
        before = now
    return out


def _epoch(ts: str) -> float:
    return float(calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")))


def decide(page: ApprovalPage, digest: str, *, trusted: Collection[str], excluded: Collection[str],
           require_protection: str, expires_hours: int, now: float | None = None) -> Decision:
    """Whether ``page`` approves the plan ``digest``. ``trusted``: the verdicts' authors found in
    safety.trusted_groups; ``excluded``: the proposer and every writer of the entries."""
    refused: list[str] = []
    if require_protection and protection_level(page.protection) < PROTECTION_ORDER[require_protection]:
        have = [p.level for p in page.protection if p.type == "edit"]
        what = f"protected at {', '.join(have)}" if have else "not protected"
        return Decision(State.WAITING, refused=(f"the approval page {page.title} is {what}; "
                                                f"safety.require_protection wants {require_protection}",))
    now = time.time() if now is None else now
    approved: Verdict | None = None
    for v in attributed(page, digest):
        who = v.user
        if who is None:
            refused.append(f"{v.word} in revision {v.revid}: its author or an earlier revision's text is hidden")
        elif who not in trusted:
            refused.append(f"{v.word} by {who}: not in safety.trusted_groups")
        elif v.word == "reject":
            return Decision(State.REJECTED, who, v.revid, v.timestamp, tuple(refused))
        elif who in excluded:
            refused.append(f"approve by {who}: the proposer or a writer of the entries cannot be the second person")
        elif approved is None:
            approved = v
    if approved is None:
        return Decision(State.WAITING, refused=tuple(refused))
    if now - _epoch(approved.timestamp) > expires_hours * 3600:
        return Decision(State.EXPIRED, approved.user, approved.revid, approved.timestamp, tuple(refused))
    return Decision(State.APPROVED, approved.user, approved.revid, approved.timestamp, tuple(refused))


def proposal_text(digest: str, table: str, why: Sequence[Reason], proposer: str, source: str) -> tuple[str, str]:
    """The section banbot posts: its heading and body (the wikitable a reviewer reads, the digest, what it waits
    for, who proposed, and how to approve or reject)."""
    waits = {Reason.ABOVE_ACTIONS: "more actions than approval.above_actions",
             Reason.FIRST_RUN: "the first applied revision of this list",
             Reason.ENFORCE_UNLISTED: "an account on no list (banbot enforce)"}
    body = "\n".join([
        f"<!-- {MARKER} {digest} -->",
        f"* '''Digest:''' <code>{digest}</code>",
        f"* '''Proposed by:''' {proposer} (from {source})",
        f"* '''Waits for:''' a second trusted person, because: {'; '.join(waits[r] for r in why)}",
        "* '''To approve''' (someone other than the proposer and the entries' writers), add on a line of its own: "
        f"<code><nowiki>{{{{approve|{digest}}}}} ~~~~</nowiki></code>; to reject: "
        f"<code><nowiki>{{{{reject|{digest}}}}} ~~~~</nowiki></code>",
        "",
        table,
    ])
    return f"banbot plan {digest[:12]}", body


def posted(text: str | None, digest: str) -> bool:
    return f"<!-- {MARKER} {digest} -->" in (text or "")
