"""Local accounts on one wiki: batch reads, group removal and blocks."""

from __future__ import annotations

import weakref
from typing import Any

from banbot.errors import WikiError
from banbot.sanctions.base import Status
from banbot.state import LocalAccount
from banbot.wiki import client as client_module
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50  # the API's multi-value limit without apihighlimits; never rely on silent truncation
USPROP = "groupmemberships|blockinfo|registration"  # what local_accounts reads; other reads ask it too, to share

# list=users rows another read of this run already had (the list's name check asks the list wiki about every
# listed name): by client, the write epoch they were read in, and the rows by name. Each row answers once, and
# only while no write was sent since (client.write_epoch): after a write, everything is asked afresh.
_shared: weakref.WeakKeyDictionary[Any, tuple[int, dict[str, dict[str, Any]]]] = weakref.WeakKeyDictionary()


def share_rows(client: Any, rows: list[dict[str, Any]]) -> None:
    """Keep ``list=users`` rows (read with :data:`USPROP`) for the next :func:`local_accounts` on this client."""
    epoch, kept = _shared.get(client, (client_module.write_epoch, {}))
    if epoch != client_module.write_epoch:
        kept = {}
    kept.update({str(r["name"]): r for r in rows if isinstance(r, dict) and isinstance(r.get("name"), str)})
    _shared[client] = (client_module.write_epoch, kept)


def _take_shared(client: Any, names: list[str]) -> dict[str, dict[str, Any]]:
    epoch, kept = _shared.get(client, (-1, {}))
    if epoch != client_module.write_epoch:
        _shared.pop(client, None)
        return {}
    return {n: kept.pop(n) for n in names if n in kept}


@tolerant
def local_accounts(client: WikiClient, names: list[str]) -> dict[str, LocalAccount]:
    """``list=users`` with explicit groups and block info, 50 names a request; missing names are absent.
    Names this run's name check already asked this wiki about (:func:`share_rows`) are not asked again."""
    out: dict[str, LocalAccount] = {}
    known = _take_shared(client, names)
    for row in known.values():
        if not (row.get("missing") or row.get("invalid")):
            out[row["name"]] = from_users_row(client.dbname, row)
    todo = [n for n in names if n not in known]
    for i in range(0, len(todo), BATCH):
        asked = set(todo[i:i + BATCH])
        data = client.call({"action": "query", "list": "users", "ususers": "|".join(todo[i:i + BATCH]),
                            "usprop": USPROP})
        for row in data.get("query", {}).get("users", []):
            if row.get("missing") or row.get("invalid") or row["name"] not in asked:
                continue
            out[row["name"]] = from_users_row(client.dbname, row)
    return out


def from_users_row(wiki: str, row: dict[str, Any]) -> LocalAccount:
    return LocalAccount(
        wiki=wiki,
        groups=tuple(sorted(m["group"] for m in row.get("groupmemberships", []))),
        blocked="blockid" in row,
        block_partial=bool(row.get("blockpartial")),
        block_expiry=row.get("blockexpiry"),
        registered=row.get("registration"),
    )



@tolerant
def remove_groups(client: WikiClient, user: str, groups: tuple[str, ...], reason: str) -> list[str]:
    """Remove ``groups``; returns what the wiki says it removed (it silently drops what it cannot do)."""
    data = client.call({"action": "userrights", "user": user, "remove": "|".join(groups), "reason": reason,
                        "token": client.token("userrights")}, write=True)
    return list(data.get("userrights", {}).get("removed", []))


@tolerant
def block(client: WikiClient, user: str, reason: str, *, noemail: bool, reblock: bool) -> Status:
    """An indefinite sitewide block with account creation disabled: done, or already (blocked meanwhile)."""
    try:
        client.call({"action": "block", "user": user, "expiry": "infinite", "reason": reason, "nocreate": 1,
                     "noemail": 1 if noemail else None, "reblock": 1 if reblock else None,
                     "token": client.token("csrf")}, write=True)
    except WikiError as e:
        if e.code == "alreadyblocked":
            return Status.ALREADY
        raise
    return Status.DONE
