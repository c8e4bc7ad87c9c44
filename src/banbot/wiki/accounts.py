"""Global accounts: one small interface, two implementations.

* :class:`CentralAuthAccounts` — farms with CentralAuth: lock state and global groups from the central wiki
  (``list=globalusers`` 50 accounts a request where the wiki has it, ``meta=globaluserinfo`` for detail),
  local accounts from the ``merged``/``unattached`` lists.
* :class:`PlainAccounts` — farms without it: the wikis in the config; an account's state is its
  ``list=users`` row on each wiki (50 accounts a request per wiki); "locked" has no meaning (``None``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Protocol

from banbot.config import FarmMode
from banbot.state import AccountState, LocalAccount
from banbot.wiki import centralauth, users
from banbot.wiki.session import Farm


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

    def has_batch(self) -> bool:
        if self._batch is None:
            self._batch = centralauth.has_globalusers(self.farm.central)
        return self._batch

    def states(self, names: list[str], settled: Iterable[str] = ()) -> dict[str, AccountState]:
        central = self.farm.central
        wikis = set(self.farm.clients)
        settled = set(settled)
        states: dict[str, AccountState] = {}
        detail = names
        if names and self.has_batch():
            batch = centralauth.lock_states(central, names)
            detail = []
            for n in names:
                exists, locked, groups = batch.get(n, (False, False, ()))
                if not exists:
                    states[n] = AccountState(n, exists=False)
                elif locked and not groups and n in settled:
                    states[n] = AccountState(n, exists=True, locked=True)
                else:
                    detail.append(n)
        for n in detail:
            states[n], _ = centralauth.global_account(central, n, wikis)
        if self.block_detail:
            self._add_block_detail(states)
        return {n: states[n] for n in names}

    def _add_block_detail(self, states: dict[str, AccountState]) -> None:
        """globaluserinfo cannot tell partial blocks from sitewide ones: ask each wiki, 50 names a request."""
        for db, client in self.farm.clients.items():
            here = [n for n, st in states.items() if st.on(db) is not None]
            if not here:
                continue
            rows = users.local_accounts(client, here)
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
