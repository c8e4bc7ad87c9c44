"""What changed between a reviewed plan and the plan the wiki gives now (pure), for a refused ``apply --plan``.

A reviewer who is told only "the digests differ" must re-plan and compare by eye; this names the list revision
that moved, and each action added, removed or changed (field by field), as ``terraform plan`` and ``kubectl
diff`` do. Actions are matched by their journal key (kind, account, wiki, and groups for group removals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from banbot.actions import Action, Plan
from banbot.names import shown

_SHORT = 40  # a changed value longer than this is named, not shown (a notice's whole text)


@dataclass(frozen=True)
class Changed:
    reviewed: Action
    now: Action
    fields: tuple[str, ...]

    def data(self) -> dict[str, Any]:
        before, after = self.reviewed.data(), self.now.data()
        return {"key": self.now.key, "fields": {f: {"reviewed": before.get(f), "now": after.get(f)}
                                                for f in self.fields}}

    def describe(self) -> str:
        before, after = self.reviewed.data(), self.now.data()
        parts = []
        for f in self.fields:
            old, new = repr(before.get(f)), repr(after.get(f))
            parts.append(f"{f} {old} → {new}" if len(old) + len(new) <= _SHORT else f"{f} changed")
        return f"{self.now.describe()}: {', '.join(parts)}"


@dataclass(frozen=True)
class PlanChanges:
    source: tuple[str, str] | None  # (reviewed, now) list revisions, when they differ
    added: tuple[Action, ...]
    removed: tuple[Action, ...]
    changed: tuple[Changed, ...]
    recited: tuple[Action, ...]  # changed only in citing the new list revision in their reason or notice
    users_added: tuple[str, ...]
    users_removed: tuple[str, ...]
    reordered: bool  # the same actions in another order (the digest covers the order)

    def __bool__(self) -> bool:
        return bool(self.source or self.added or self.removed or self.changed or self.users_added
                    or self.users_removed or self.reordered)

    def lines(self) -> list[str]:
        out = [f"list revision {self.source[0]} → {self.source[1]}"] if self.source else []
        out += [f"+ {shown(a.describe())}" for a in self.added]
        out += [f"- {shown(a.describe())}" for a in self.removed]
        out += [f"~ {shown(c.describe())}" for c in self.changed]
        if self.recited:
            n = len(self.recited)
            out.append(f"= {n} action{'s' if n != 1 else ''} otherwise the same, citing the new list revision in "
                       "the reason or notice")
        out += [f"+ account considered: {shown(u)}" for u in self.users_added]
        out += [f"- account considered: {shown(u)}" for u in self.users_removed]
        if self.reordered:
            out.append("the same actions, in another order")
        return out

    def summary(self) -> str:
        counts = [(len(self.added), "added"), (len(self.removed), "removed"), (len(self.changed), "changed")]
        words = [f"{n} action{'s' if n != 1 else ''} {what}" for n, what in counts if n]
        return ", ".join(words) or "no action added, removed or changed"

    def data(self) -> dict[str, Any]:
        return {"list_revision": {"reviewed": self.source[0], "now": self.source[1]} if self.source else None,
                "added": [a.data() for a in self.added], "removed": [a.data() for a in self.removed],
                "changed": [c.data() for c in self.changed], "recited": [a.key for a in self.recited],
                "users_added": list(self.users_added),
                "users_removed": list(self.users_removed), "reordered": self.reordered}


def _revision(plan: Plan) -> str:
    src = plan.source
    return f"{src.location}:{src.title}@{src.revid}"


def _cites_new_revision(old: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...], old_revid: int | None,
                        new_revid: int | None) -> bool:
    """Whether the only change is the list revision a reason or notice cites (its permanent link)."""
    if old_revid is None or new_revid is None or old_revid == new_revid or not set(fields) <= {"reason", "text"}:
        return False
    return all(str(old[f]).replace(str(old_revid), str(new_revid)) == new[f] for f in fields)


def compare(reviewed: Plan, now: Plan) -> PlanChanges:
    before = {a.key: a for a in reviewed.actions}
    after = {a.key: a for a in now.actions}
    changed, recited = [], []
    for key in before.keys() & after.keys():
        old, new = before[key].data(), after[key].data()
        fields = tuple(f for f in sorted(old.keys() | new.keys()) if old.get(f) != new.get(f))
        if fields and _cites_new_revision(old, new, fields, reviewed.source.revid, now.source.revid):
            recited.append(after[key])
        elif fields:
            changed.append(Changed(before[key], after[key], fields))
    source = None
    if (reviewed.source.location, reviewed.source.title, reviewed.source.revid) != \
            (now.source.location, now.source.title, now.source.revid):
        source = (_revision(reviewed), _revision(now))
    same_keys = [a.key for a in reviewed.actions if a.key in after]
    return PlanChanges(
        source=source,
        added=tuple(a for a in now.actions if a.key not in before),
        removed=tuple(a for a in reviewed.actions if a.key not in after),
        changed=tuple(sorted(changed, key=lambda c: now.actions.index(c.now))),
        recited=tuple(sorted(recited, key=now.actions.index)),
        users_added=tuple(u for u in now.users if u not in reviewed.users),
        users_removed=tuple(u for u in reviewed.users if u not in now.users),
        reordered=same_keys != [a.key for a in now.actions if a.key in before],
    )
