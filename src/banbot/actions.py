"""What a plan is made of (pure): typed actions, holds for a human, and the plan itself with its digest.

The action kinds live in :mod:`banbot.sanctions` (one module each, with how each is shown and performed);
the reasons for holds in :mod:`banbot.holds`; the rules that decide them in :mod:`banbot.plan`. Every record
has one stable JSON form, which the digest covers whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from banbot.banlist import ListSource, Protection
from banbot.holds import Hold, Why
from banbot.sanctions import ACTION_TYPES, Action, Scope, action_from_data
from banbot.sanctions.block import Block
from banbot.sanctions.groups import RemoveGlobalGroups, RemoveLocalGroups
from banbot.sanctions.lock import Lock
from banbot.sanctions.notice import Notify

__all__ = ["ACTION_TYPES", "Action", "Block", "Hold", "Lock", "Notify", "Plan", "RemoveGlobalGroups",
           "RemoveLocalGroups", "Scope", "Why", "action_from_data", "compute_digest", "plan_from_json"]


@dataclass(frozen=True)
class Plan:
    source: ListSource
    actions: tuple[Action, ...]
    holds: tuple[Hold, ...] = ()
    users: tuple[str, ...] = ()  # the accounts considered
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", compute_digest(self.source, self.actions, self.users))

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "source": self.source.to_json(), "users": list(self.users),
                "actions": [a.data() for a in self.actions], "holds": [h.data() for h in self.holds]}


def compute_digest(source: ListSource, actions: Iterable[Action], users: Iterable[str] = ()) -> str:
    """Over everything apply reads from a plan: the list revision, every field of every action, the accounts."""
    basis = {"list": [source.location, source.title, source.revid], "actions": [a.data() for a in actions],
             "users": list(users)}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """Read a plan file back; the caller compares ``digest`` with the file's own claim."""
    src = data["source"]
    source = ListSource(src["kind"], src["location"], src.get("title"), src.get("revid"), src.get("timestamp"),
                        src.get("user"), tuple(Protection(**p) for p in src.get("protection", [])))
    actions = tuple(action_from_data(a) for a in data["actions"])
    holds = tuple(Hold(h["user"], h["reason"], h.get("wiki"), Why(h.get("code", Why.EXEMPT)), bool(h.get("hidden")))
                  for h in data.get("holds", []))
    return Plan(source, actions, holds, tuple(data.get("users", [])))
