"""Safety rails: whether a plan may be applied at all (pure).

A vandalised or mis-edited list page must not become locks. Before anything is written, these rules look at
every list revision since the last applied one and at the plan itself; each rule that fails becomes a
:class:`Blocker` that the preview shows and apply refuses on (``--force`` overrides after review; ``banbot
run`` never does). The kill switch is different: it is never overridden, and a switch page that is unreadable,
unprotected or last edited by someone untrusted counts as "stop".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from banbot.actions import Plan
from banbot.banlist import BanList, Protection, blank_comments
from banbot.config import SafetyConfig
from banbot.names import shown

# Levels banbot knows, weakest first. A level it does not know counts as no protection (fail closed).
PROTECTION_ORDER = {"": 0, "autoconfirmed": 1, "extendedconfirmed": 2, "templateeditor": 3, "sysop": 4}


class Rule(StrEnum):
    KILL_SWITCH = "kill-switch"
    PROTECTION = "protection"
    EDITOR = "editor"
    FIRST_RUN = "first-run"
    NEW_ENTRIES = "new-entries"
    ACTIONS = "actions"


@dataclass(frozen=True)
class Blocker:
    rule: Rule
    message: str
    overridable: bool = True
    # lifted by a reviewed plan (apply --plan / --digest) as well as by --force
    lifted_by_review: bool = False

    def data(self) -> dict[str, object]:
        return {"rule": str(self.rule), "message": self.message, "overridable": self.overridable}


@dataclass(frozen=True)
class Revision:
    """One revision of the list page, as ``prop=revisions`` gives it (no content)."""

    revid: int
    parentid: int
    user: str | None  # None: the editor's name is hidden
    timestamp: str
    sha1: str | None  # None: hidden
    comment: str = ""


@dataclass(frozen=True)
class ListHistory:
    """The list page's revisions after the last applied one, oldest first, and who may be trusted.

    ``added`` maps an untrusted revision to the active entries it added (None when its text could not be
    parsed: then everything it might have added is suspect)."""

    since: int | None  # the last applied revision (None: none applied yet)
    since_sha1: str | None = None
    revisions: tuple[Revision, ...] = ()
    trusted: frozenset[str] = frozenset()  # editors found in safety.trusted_groups (local or global groups)
    added: Mapping[int, tuple[str, ...] | None] = field(default_factory=dict)
    # for each entry new since the last applied revision whose row trusted editors did not all write: why
    # (banbot.provenance: reverts, rollbacks and undos followed back to the first writer)
    doubts: Mapping[str, str] = field(default_factory=dict)

    def changed(self) -> list[Revision]:
        """Revisions that changed the text: a null revision (protection, move) changes nothing and so
        confers no trust either."""
        out, prev = [], self.since_sha1
        for r in self.revisions:
            if r.sha1 is None or prev is None or r.sha1 != prev:
                out.append(r)
            prev = r.sha1
        return out

    def untrusted(self) -> list[Revision]:
        """Changes by an editor not trusted, or hidden: a hidden editor or a hidden text (its sha1 is hidden
        with it) vouches for nothing, whoever made it."""
        return [r for r in self.changed() if r.user is None or r.user not in self.trusted or r.sha1 is None]


@dataclass(frozen=True)
class SwitchPage:
    """The kill switch page as read: its text (None: missing), last editor and edit protection."""

    title: str
    text: str | None
    revid: int | None = None
    user: str | None = None
    protection: tuple[Protection, ...] = ()


def protection_level(protection: Iterable[Protection]) -> int:
    """The strongest known edit protection; unknown levels count as none."""
    return max((PROTECTION_ORDER.get(p.level, 0) for p in protection if p.type == "edit"), default=0)


def _protection_blocker(bans: BanList, cfg: SafetyConfig) -> Blocker | None:
    if not cfg.require_protection:
        return None
    have = [p.level for p in bans.source.protection if p.type == "edit"]
    if protection_level(bans.source.protection) >= PROTECTION_ORDER[cfg.require_protection]:
        return None
    what = f"protected at {', '.join(have)}" if have else "not protected"
    return Blocker(Rule.PROTECTION, f"the list page is {what}; safety.require_protection wants "
                                    f"{cfg.require_protection} (a level banbot does not know counts as none)")


def _editor_blockers(bans: BanList, cfg: SafetyConfig, history: ListHistory) -> list[Blocker]:
    groups = ", ".join(cfg.trusted_groups)
    if history.since is None:
        editor = bans.source.user
        if editor is None or editor not in history.trusted:
            return [Blocker(Rule.EDITOR, f"the list revision {bans.source.revid} was last edited by "
                                         f"{shown(editor or '(hidden)')}, who is not in safety.trusted_groups "
                                         f"({groups}); check the edit, then re-run with --force or revert it")]
        return []
    active = {e.user for e in bans.active}
    out = []
    for r in history.untrusted():
        added = history.added.get(r.revid)
        still = sorted(active & set(added)) if added is not None else None
        if still == []:
            continue  # it added nothing that is still listed (reverted, or it only removed or reworded)
        what = (f"added {', '.join(shown(n) for n in still)}" if still is not None
                else "changed the list in a way banbot could not read (its text is hidden or not a list)")
        who = (f"by {shown(r.user)}, who is not in safety.trusted_groups ({groups})"
               if r.user is not None and r.user not in history.trusted
               else f"by {shown(r.user)}, whose text is hidden (hidden revisions are never trusted)" if r.user
               else "whose editor is hidden (hidden editors are never trusted)")
        out.append(Blocker(Rule.EDITOR, f"revision {r.revid} ({r.timestamp}) {who}, {what}; a later edit by a "
                                        "trusted editor does not vouch for it: check it, then revert it or re-run "
                                        "with --force"))
    for name, doubt in sorted(history.doubts.items()):
        out.append(Blocker(Rule.EDITOR, f"the row of {shown(name)}, new since the last applied revision: {doubt}; a "
                                        "trusted edit that made it part of the list does not vouch for it: a trusted "
                                        "editor who checked it edits the row itself (or a steward uses `banbot "
                                        "enforce`)"))
    return out


def trust_blockers(bans: BanList, plan: Plan, cfg: SafetyConfig, *, history: ListHistory | None,
                   last_applied: Collection[str] | None) -> list[Blocker]:
    """Rules about the list's revisions and the size of the change. ``history`` is None for a list that
    does not come from a wiki revision (a file, a steward's request)."""
    out: list[Blocker] = []
    if bans.source.kind != "wiki" or history is None:
        return out
    protection = _protection_blocker(bans, cfg)
    if protection:
        out.append(protection)
    if cfg.trusted_groups:
        out += _editor_blockers(bans, cfg, history)
    if last_applied is None and bans.active:
        out.append(Blocker(Rule.FIRST_RUN, f"no revision of the list has been applied yet, so all {len(bans.active)} "
                                           "active entries are new: the first run is a human's. Review `banbot plan "
                                           "--out PLAN.json`, then `banbot apply --plan PLAN.json`",
                           lifted_by_review=True))
    elif cfg.max_new_entries >= 0 and last_applied is not None:
        before = set(last_applied)
        new = [e.user for e in bans.active if e.user not in before]
        if len(new) > cfg.max_new_entries:
            out.append(Blocker(Rule.NEW_ENTRIES, f"{len(new)} new active entries since the last applied revision, "
                                                 f"more than safety.max_new_entries = {cfg.max_new_entries}; review "
                                                 "the list"))
    if cfg.max_actions >= 0 and len(plan.actions) > cfg.max_actions:
        out.append(Blocker(Rule.ACTIONS, f"the plan has {len(plan.actions)} actions, more than safety.max_actions = "
                                         f"{cfg.max_actions}"))
    return out


def kill_switch_blocker(cfg: SafetyConfig, page: SwitchPage | None, *, trusted: Collection[str] = (),
                        error: str | None = None) -> Blocker | None:
    """Fail closed: "run" counts only on a switch page protected at ``require_protection`` whose last
    revision is by a trusted editor; missing, unreadable, unprotected or otherwise edited means stop.
    ``trusted`` holds the editors known to be in ``trusted_groups``."""
    if not cfg.kill_switch:
        return None
    name = cfg.kill_switch

    def stop(why: str) -> Blocker:
        return Blocker(Rule.KILL_SWITCH, f"the kill switch page {name!r} {why}; nothing is written", overridable=False)

    if error is not None:
        return stop(f"could not be read ({error})")
    if page is None or page.text is None:
        return Blocker(Rule.KILL_SWITCH, f"the kill switch page {name!r} does not exist; create it with the word "
                                         f"{cfg.kill_switch_word!r} and protect it to let banbot write",
                       overridable=False)
    if cfg.require_protection and protection_level(page.protection) < PROTECTION_ORDER[cfg.require_protection]:
        return stop(f"is not protected at {cfg.require_protection}, so anyone could have re-enabled banbot")
    if cfg.trusted_groups and (page.user is None or page.user not in trusted):
        return stop(f"was last edited by {shown(page.user or '(hidden)')}, who is not in safety.trusted_groups")
    if switch_word(page.text) != cfg.kill_switch_word.casefold():
        return stop(f"says {blank_comments(page.text).strip()[:40]!r}, not {cfg.kill_switch_word!r}")
    return None


def switch_word(text: str) -> str:
    return blank_comments(text).strip().casefold()
