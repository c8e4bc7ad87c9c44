"""Local accounts on one wiki: batch reads, group removal and blocks."""

from __future__ import annotations

from typing import Any

from banbot.errors import WikiError
from banbot.sanctions.base import Status
from banbot.state import LocalAccount
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50  # the API's multi-value limit without apihighlimits; never rely on silent truncation


@tolerant
def local_accounts(client: WikiClient, names: list[str]) -> dict[str, LocalAccount]:
    """``list=users`` with explicit groups and block info, 50 names a request; missing names are absent."""
    out: dict[str, LocalAccount] = {}
    for i in range(0, len(names), BATCH):
        asked = set(names[i:i + BATCH])
        data = client.call({"action": "query", "list": "users", "ususers": "|".join(names[i:i + BATCH]),
                            "usprop": "groupmemberships|blockinfo|registration"})
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
