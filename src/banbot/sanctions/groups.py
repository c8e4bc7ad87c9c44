"""Groups taken away, globally (CentralAuth's global groups) or on one wiki.

The groups are part of the action's identity (a later list may ask for others). ``userrights`` silently
drops what it cannot do, so performing compares what was removed with what was asked, then looks again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from banbot.errors import WikiError
from banbot.sanctions.base import Action, Port, Scope, Status
from banbot.state import AccountState


@dataclass(frozen=True)
class _GroupRemoval(Action):
    groups: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        return {"groups": list(self.groups)}

    @classmethod
    def from_data(cls, data: Any) -> Action:
        return super().from_data({**data, "groups": tuple(data.get("groups", ()))})

    @property
    def key(self) -> str:
        return f"{super().key}|{','.join(self.groups)}"

    def current_groups(self, port: Port) -> tuple[str, ...]:
        raise NotImplementedError

    def checked(self, port: Port, removed: Sequence[str]) -> Status:
        if set(self.groups) <= set(removed):
            return Status.DONE
        still = set(self.current_groups(port)) & set(self.groups)
        if not still:
            return Status.DONE if removed else Status.ALREADY
        raise WikiError.from_code(
            "groups-not-removed",
            f"the wiki kept {', '.join(sorted(still))}: the bot may lack the right to remove them (check its "
            "user rights and its BotPassword/OAuth grants)", wiki=self.wiki)


@dataclass(frozen=True)
class RemoveGlobalGroups(_GroupRemoval):
    kind: ClassVar[str] = "remove-global-groups"
    label: ClassVar[str] = "global groups removed"
    scope: ClassVar[Scope] = Scope.GLOBAL
    order: ClassVar[int] = 2

    def describe(self) -> str:
        return f"remove global groups {', '.join(self.groups)} from {self.user}"

    def perform(self, port: Port) -> Status:
        return self.checked(port, port.remove_global_groups(self.user, self.groups, self.reason))

    def current_groups(self, port: Port) -> tuple[str, ...]:
        return port.global_account(self.user).global_groups

    @classmethod
    def in_place(cls, placed: Mapping[str, Any], state: AccountState) -> str | None:
        groups = placed.get("groups", [])
        back = set(groups) & set(state.global_groups)
        return None if back else f"global groups {','.join(groups)} removed"


@dataclass(frozen=True)
class RemoveLocalGroups(_GroupRemoval):
    kind: ClassVar[str] = "remove-local-groups"
    label: ClassVar[str] = "local groups removed"
    scope: ClassVar[Scope] = Scope.LOCAL
    order: ClassVar[int] = 3
    via_central: bool = False  # CentralAuth farms: userrights user=Name@dbname on the central wiki

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "via_central": self.via_central}

    def describe(self) -> str:
        return f"remove local groups {', '.join(self.groups)} from {self.user} on {self.wiki}"

    def perform(self, port: Port) -> Status:
        removed = port.remove_local_groups(self.user, self.wiki, self.groups, self.reason, self.via_central)
        return self.checked(port, removed)

    def current_groups(self, port: Port) -> tuple[str, ...]:
        if self.via_central:  # no session on that wiki: CentralAuth reports its groups
            found = port.global_account(self.user).on(self.wiki)
        else:
            found = port.local_account(self.user, self.wiki)
        return found.groups if found else ()

    @classmethod
    def in_place(cls, placed: Mapping[str, Any], state: AccountState) -> str | None:
        acct = state.on(placed["wiki"])
        groups = placed.get("groups", [])
        if acct is None or set(groups) & set(acct.groups):
            return None
        return f"groups {','.join(groups)} removed on {placed['wiki']}"


ACTIONS = (RemoveGlobalGroups, RemoveLocalGroups)
