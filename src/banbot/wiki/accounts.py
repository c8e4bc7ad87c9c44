"""Global accounts: one small interface, two implementations.

* :class:`CentralAuthAccounts` — farms with CentralAuth: lock state and global groups from the central wiki
  (``list=globalusers`` 50 accounts a request where the wiki has it, ``meta=globaluserinfo`` for detail),
  local accounts from the ``merged``/``unattached`` lists — on *every* wiki CentralAuth reports, configured
  or not (the farm learns an unconfigured wiki's address from ``merged[].url``). A name the central wiki
  rejects (``baduser``) is that account's problem, not the run's; a missing account is marked "unseen"
  when this login could not see a hidden one (no ``centralauth-suppress``).
* :class:`PlainAccounts` — farms without it: the wikis in the config; an account's state is its
  ``list=users`` row on each wiki (50 accounts a request per wiki); "locked" has no meaning (``None``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Protocol

from banbot.config import FarmMode
from banbot.errors import WikiError
from banbot.state import AccountState, LocalAccount
from banbot.wiki import centralauth, users
from banbot.wiki.session import Farm

log = logging.getLogger(__name__)

class GlobalAccounts(Protocol):
    def states(self, names: list[str], settled: Iterable[str] = ()) -> dict[str, AccountState]:
        """The state of each named account; ``settled`` ones (journal-confirmed locks) may be read cheaply."""
        ...


class PlainAccounts:
    def __init__(self, farm: Farm) -> None:
        self.farm = farm

    def states(self, names: list[str], settled: Iterable[str] = ()) -> dict[str, AccountState]:
        found: dict[str, list[LocalAccount]] = {n: [] for n in names}
        for client in self.farm.clients.values():
            for name, acct in users.local_accounts(client, names).items():
                found.setdefault(name, []).append(acct)
        return {n: AccountState(n, exists=bool(a), locked=None, local=tuple(a),
                                registered=min((x.registered for x in a if x.registered), default=None))
                for n, a in found.items()}


class CentralAuthAccounts:
    def __init__(self, farm: Farm, *, block_detail: bool = False, batch: bool | None = None) -> None:
        self.farm = farm
        self.block_detail = block_detail
        self._batch = batch  # whether list=globalusers exists; None: ask paraminfo once
        self._sees_hidden: bool | None = None

    def has_batch(self) -> bool:
        if self._batch is None:
            self._batch = centralauth.has_globalusers(self.farm.central)
        return self._batch

    def states(self, names: list[str], settled: Iterable[str] = ()) -> dict[str, AccountState]:
        central = self.farm.central
        settled = set(settled)
        states: dict[str, AccountState] = {}
        detail = names
        if names and self.has_batch():
            try:
                batch = centralauth.lock_states(central, names)
            except WikiError as e:
                if e.code not in centralauth.BAD_NAME_CODES:
                    raise
                batch = None  # one bad name fails the batch: read each account alone instead
            if batch is not None:
                detail = []
                for n in names:
                    exists, locked, groups = batch.get(n, (False, False, ()))
                    if not exists:
                        detail.append(n)  # missing, or local-only: only globaluserinfo tells
                    elif locked and not groups and n in settled:
                        states[n] = AccountState(n, exists=True, locked=True)
                    else:
                        detail.append(n)
        for n in detail:
            try:
                states[n], _ = centralauth.global_account(central, n)
            except WikiError as e:
                if e.code not in centralauth.BAD_NAME_CODES:
                    raise
                log.warning("observe: the central wiki rejects the name %r: %s", n, e.info)
                states[n] = AccountState(n, exists=False, problem="invalid", problem_info=f"{e.code}: {e.info}")
        if any(not st.exists and st.problem is None for st in states.values()) and not self.sees_hidden():
            for n, st in states.items():
                if not st.exists and st.problem is None:
                    states[n] = dataclasses.replace(st, problem="unseen")
        self._learn_wikis(states)
        if self.block_detail:
            self._add_block_detail(states)
        return {n: states[n] for n in names}

    def sees_hidden(self) -> bool:
        """Whether this login can see hidden accounts (asked once): without centralauth-suppress they read
        as missing, so a preview with a reviewer's read-only key would differ from the bot's plan."""
        if self._sees_hidden is None:
            self._sees_hidden = centralauth.can_see_hidden(self.farm.central)
        return self._sees_hidden

    def _learn_wikis(self, states: dict[str, AccountState]) -> None:
        """Wikis missing from the config, with the address CentralAuth gave: a session opens there only if a
        notice (or block) needs one; group removals go through the central wiki."""
        learn = getattr(self.farm.clients, "learn", None)
        if learn is None:
            return
        for st in states.values():
            for acct in st.local:
                if acct.url and acct.wiki not in self.farm.clients:
                    learn(acct.wiki, acct.url)

    def _add_block_detail(self, states: dict[str, AccountState]) -> None:
        """globaluserinfo cannot tell partial blocks from sitewide ones: ask each wiki, 50 names a request."""
        for db in list(self.farm.clients):
            here = [n for n, st in states.items() if st.on(db) is not None]
            if not here:
                continue
            rows = users.local_accounts(self.farm.clients[db], here)
            for n in here:
                row, old = rows.get(n), states[n].on(db)
                if row is None or old is None:
                    continue
                new = dataclasses.replace(old, blocked=row.blocked, block_partial=row.block_partial,
                                          block_expiry=row.block_expiry)
                states[n] = dataclasses.replace(states[n], local=tuple(new if a.wiki == db else a
                                                                       for a in states[n].local))


def accounts_for(farm: Farm, batch: bool | None = None) -> GlobalAccounts:
    if farm.config.mode == FarmMode.CENTRALAUTH:
        return CentralAuthAccounts(farm, block_detail=bool(farm.config.enforce.block), batch=batch)
    return PlainAccounts(farm)
