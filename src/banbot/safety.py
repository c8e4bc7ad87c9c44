"""Safety rails: whether a plan may be applied at all (pure).

A vandalised or mis-edited list page must not become locks. Before anything is written, these rules look at
the list revision the plan came from and at the plan itself; each rule that fails becomes a :class:`Blocker`
that the preview shows and apply refuses on (``--force`` overrides after review; ``banbot run`` never does).
The kill switch is different: it is never overridden, and an unreadable switch counts as "stop".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from banbot.banlist import BanList
from banbot.config import SafetyConfig
from banbot.plan import Plan

PROTECTION_ORDER = {"": 0, "autoconfirmed": 1, "extendedconfirmed": 2, "templateeditor": 3, "sysop": 4}


@dataclass(frozen=True)
class Blocker:
    rule: str
    message: str
    overridable: bool = True

    def data(self) -> dict[str, object]:
        return {"rule": self.rule, "message": self.message, "overridable": self.overridable}


def _protection_level(bans: BanList) -> str:
    levels = [p.level for p in bans.source.protection if p.type == "edit"]
    return max(levels, key=lambda lv: PROTECTION_ORDER.get(lv, 5), default="")


def trust_blockers(bans: BanList, plan: Plan, cfg: SafetyConfig, *, editor_groups: Sequence[str] | None,
                   last_applied: Iterable[str] | None) -> list[Blocker]:
    """Rules about the list revision and the size of the change. ``editor_groups`` is None when unknown."""
    out: list[Blocker] = []
    if bans.source.kind != "wiki":
        return out  # a local file or a steward's request: there is no list revision to trust
    if cfg.require_protection:
        have = _protection_level(bans)
        if PROTECTION_ORDER.get(have, 5) < PROTECTION_ORDER.get(cfg.require_protection, 5):
            out.append(Blocker("protection", f"the list page is {'protected at ' + have if have else 'not protected'}"
                                             f"; safety.require_protection wants {cfg.require_protection}"))
    if cfg.trusted_groups:
        editor = bans.source.user or "(unknown)"
        if editor_groups is None or not set(editor_groups) & set(cfg.trusted_groups):
            out.append(Blocker("editor", f"the list revision {bans.source.revid} was last edited by {editor}, who is "
                                         f"not in safety.trusted_groups ({', '.join(cfg.trusted_groups)}); check the "
                                         "edit, then re-run with --force or revert it"))
    if cfg.max_new_entries >= 0:
        before = set(last_applied or ())
        new = [e.user for e in bans.active if e.user not in before]
        if len(new) > cfg.max_new_entries:
            since = "since the last applied revision" if last_applied is not None else "(no revision applied yet)"
            out.append(Blocker("new-entries", f"{len(new)} new active entries {since}, more than "
                                              f"safety.max_new_entries = {cfg.max_new_entries}; review the list"))
    if cfg.max_actions >= 0 and len(plan.actions) > cfg.max_actions:
        out.append(Blocker("actions", f"the plan has {len(plan.actions)} actions, more than safety.max_actions = "
                                      f"{cfg.max_actions}"))
    return out


def kill_switch_blocker(cfg: SafetyConfig, page_text: str | None, error: str | None = None) -> Blocker | None:
    """Fail closed: a missing or unreadable switch page, or one without the run word, stops every write."""
    if not cfg.kill_switch:
        return None
    if error is not None:
        return Blocker("kill-switch", f"the kill switch page {cfg.kill_switch!r} could not be read ({error}); "
                                      "nothing is written", overridable=False)
    if page_text is None:
        return Blocker("kill-switch", f"the kill switch page {cfg.kill_switch!r} does not exist; create it with the "
                                      f"word {cfg.kill_switch_word!r} to let banbot write", overridable=False)
    if page_text.strip().casefold() != cfg.kill_switch_word.casefold():
        shown = page_text.strip()[:40]
        return Blocker("kill-switch", f"the kill switch page {cfg.kill_switch!r} says {shown!r}, not "
                                      f"{cfg.kill_switch_word!r}; nothing is written", overridable=False)
    return None
