"""The local indefinite block: on farms without global locks, the account is stopped wiki by wiki."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from banbot.sanctions.base import Action, Port, Scope, Status
from banbot.state import AccountState, LocalAccount

INDEFINITE = ("infinite", "infinity", "indefinite", "never")


def needs_block(acct: LocalAccount) -> bool:
    """Not blocked, or blocked partially or for a while: an indefinite sitewide block is what is needed."""
    if not acct.blocked:
        return True
    return acct.block_partial or (acct.block_expiry or "infinite") not in INDEFINITE


@dataclass(frozen=True)
class Block(Action):
    kind: ClassVar[str] = "block"
    label: ClassVar[str] = "blocked"
    scope: ClassVar[Scope] = Scope.LOCAL
    order: ClassVar[int] = 1
    protective: ClassVar[bool] = True
    noemail: bool = True
    reblock: bool = False

    def fields(self) -> dict[str, Any]:
        return {"expiry": "infinite", "nocreate": True, "noemail": self.noemail, "reblock": self.reblock}

    def describe(self) -> str:
        how = "replace the existing block with an indefinite one" if self.reblock else "block indefinitely"
        return f"{how}: {self.user} on {self.wiki}"

    def perform(self, port: Port) -> Status:
        return port.block(self.user, self.wiki, self.reason, self.noemail, self.reblock)

    @classmethod
    def in_place(cls, placed: Mapping[str, Any], state: AccountState) -> str | None:
        acct = state.on(placed["wiki"])
        return f"blocked on {placed['wiki']}" if acct is not None and acct.blocked else None


ACTIONS = (Block,)
