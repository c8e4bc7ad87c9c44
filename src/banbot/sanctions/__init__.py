"""Sanction kinds and the actions they are made of.

Each action kind is one module (:mod:`.lock`, :mod:`.block`, :mod:`.groups`, :mod:`.notice`) holding its record,
how it is shown, how it is performed through the wiki port and whether it is still in place; each sanction a
list may carry is one module (:mod:`.ban`, :mod:`.restrict`) holding which actions it plans from an account's
state. Planning, executing, rendering and the journal ask these registries, never a table kept elsewhere;
``tests/test_sanctions.py`` fails in CI when a kind lacks a planner, a performer or a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from banbot.config import SanctionKind
from banbot.sanctions import ban, block, groups, lock, notice, restrict
from banbot.sanctions.base import Action, Basis, Port, Sanction, Scope, Settings, Status

ACTION_MODULES = (lock, block, groups, notice)
SANCTION_MODULES = (ban, restrict)

ACTION_TYPES: Mapping[str, type[Action]] = {t.kind: t for m in ACTION_MODULES for t in m.ACTIONS}
SANCTIONS: Mapping[SanctionKind, Sanction] = {m.SANCTION.kind: m.SANCTION for m in SANCTION_MODULES}


def action_from_data(data: Mapping[str, Any]) -> Action:
    """Rebuild an action from its JSON form (a plan file or the journal)."""
    return ACTION_TYPES[data["kind"]].from_data(data)


__all__ = ["ACTION_TYPES", "SANCTIONS", "Action", "Basis", "Port", "Sanction", "Scope", "Settings", "Status",
           "action_from_data"]
