"""The global lock (CentralAuth): the account can no longer log in anywhere on the farm."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from banbot.errors import WikiError
from banbot.sanctions.base import Action, Port, Scope, Status
from banbot.state import AccountState


@dataclass(frozen=True)
class Lock(Action):
    kind: ClassVar[str] = "lock"
    label: ClassVar[str] = "locked"
    scope: ClassVar[Scope] = Scope.GLOBAL
    order: ClassVar[int] = 0
    protective: ClassVar[bool] = True
    statecheck: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"statecheck": self.statecheck}

    def describe(self) -> str:
        return f"lock the global account {self.user}"

    def perform(self, port: Port) -> Status:
        try:
            return port.lock(self.user, self.reason, self.statecheck)
        except WikiError as e:
            if e.code != "editconflict":
                raise
            return self._after_conflict(port, e)

    def _after_conflict(self, port: Port, conflict: WikiError) -> Status:
        """statecheck failed: the account changed since it was observed, or it is hidden at the level we did
        not guess (the hash covers the hidden *level*, which no read reveals). Locked meanwhile is fine."""
        state = port.global_account(self.user)
        if state.locked:
            return Status.ALREADY
        if not state.hidden or self.statecheck not in state.lock_checks:
            raise conflict  # a real change since the plan: re-plan
        for check in state.lock_checks:  # same account, same id, still unlocked: the other hidden level
            if check == self.statecheck:
                continue
            try:
                return port.lock(self.user, self.reason, check)
            except WikiError as again:
                if again.code != "editconflict":
                    raise
        raise conflict

    @classmethod
    def in_place(cls, placed: Mapping[str, Any], state: AccountState) -> str | None:
        return "locked" if state.locked else None


ACTIONS = (Lock,)
