"""CentralAuth's API on the central wiki: global account state, locks, global and interwiki rights."""

from __future__ import annotations

import hashlib
from typing import Any

from banbot.errors import WikiError
from banbot.journal import Status
from banbot.state import AccountState, LocalAccount
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50


@tolerant
def has_globalusers(client: WikiClient) -> bool:
    """``list=globalusers`` (the batch lock-state read) exists only on CentralAuth from May 2026 on."""
    data = client.call({"action": "paraminfo", "modules": "query"})
    for module in data.get("paraminfo", {}).get("modules", []):
        for param in module.get("parameters", []):
            if param.get("name") == "list" and isinstance(param.get("type"), list):
                return "globalusers" in param["type"]
    return False


@tolerant
def lock_states(client: WikiClient, names: list[str]) -> dict[str, tuple[bool, bool, tuple[str, ...]]]:
    """name -> (exists, locked, global groups), 50 names a request, via ``list=globalusers``."""
    out: dict[str, tuple[bool, bool, tuple[str, ...]]] = {}
    for i in range(0, len(names), BATCH):
        data = client.call({"action": "query", "list": "globalusers", "gususers": "|".join(names[i:i + BATCH]),
                            "gusprop": "locked|groups"})
        asked = set(names[i:i + BATCH])
        for row in data.get("query", {}).get("globalusers", []):
            if row["name"] not in asked:
                continue
            exists = not (row.get("missing") or row.get("invalid"))
            out[row["name"]] = (exists, row.get("locked") is True, tuple(str(g) for g in row.get("groups", [])))
    return out


@tolerant
def global_account(client: WikiClient, name: str, wikis: set[str]) -> tuple[AccountState, str | None]:
    """One ``meta=globaluserinfo`` read: lock, global groups, every attached and unattached local account.

    Returns the state and the ``statecheck`` hash for a lock (``md5("id:name:hidden:locked")``).
    """
    data = client.call({"action": "query", "meta": "globaluserinfo", "guiuser": name,
                        "guiprop": "groups|merged|unattached"})
    info: dict[str, Any] = data.get("query", {}).get("globaluserinfo", {})
    if info.get("missing") or "id" not in info:
        return AccountState(name, exists=False), None
    if info["name"] != name:  # never let an answer about another account drive actions against it
        raise WikiError.from_code("unexpected-name", f"asked about {name!r}, the wiki answered about "
                                                     f"{info['name']!r}", wiki=client.dbname)
    local = []
    for attached, key in ((True, "merged"), (False, "unattached")):
        for row in info.get(key, []):
            if row["wiki"] not in wikis:
                continue
            local.append(LocalAccount(wiki=row["wiki"], groups=tuple(sorted(row.get("groups", []))),
                                      blocked="blocked" in row,
                                      block_expiry=(row.get("blocked") or {}).get("expiry"), attached=attached,
                                      registered=row.get("registration")))
    locked = bool(info.get("locked"))
    hidden = "lists" if info.get("hidden") else ""
    check = hashlib.md5(f"{info['id']}:{info['name']}:{hidden}:{1 if locked else 0}".encode()).hexdigest()
    # the earliest registration of the global account or of an account attached to it
    known = [info.get("registration")] + [a.registered for a in local if a.attached]
    state = AccountState(info["name"], exists=True, locked=locked, global_groups=tuple(info.get("groups", [])),
                         home=info.get("home"), local=tuple(sorted(local, key=lambda a: a.wiki)), lock_check=check,
                         registered=min((r for r in known if r), default=None))
    return state, check


@tolerant
def lock(client: WikiClient, name: str, reason: str, statecheck: str | None) -> Status:
    """Lock with CentralAuth's own token type. Locking a locked account is a no-op success upstream."""
    data = client.call({"action": "setglobalaccountstatus", "user": name, "locked": "lock", "reason": reason,
                        "statecheck": statecheck, "token": client.token("setglobalaccountstatus")}, write=True)
    if isinstance(data.get("error"), list):  # CentralAuth's non-standard failure shape
        raise WikiError.from_code("setstatus-failed", str(data["error"]), wiki=client.dbname)
    result = data.get("setglobalaccountstatus", {})
    if result.get("locked") is not True:
        raise WikiError.from_code("lock-not-applied", f"the wiki answered {result}", wiki=client.dbname)
    return Status.DONE


@tolerant
def remove_global_groups(client: WikiClient, name: str, groups: tuple[str, ...], reason: str) -> list[str]:
    data = client.call({"action": "globaluserrights", "user": name, "remove": "|".join(groups), "reason": reason,
                        "token": client.token("userrights")}, write=True)
    return list(data.get("globaluserrights", {}).get("removed", []))


@tolerant
def remove_interwiki_groups(client: WikiClient, name: str, wiki: str, groups: tuple[str, ...],
                            reason: str) -> list[str]:
    """Local groups on ``wiki`` removed from the central wiki (``user=Name@dbname``), as the WMF does."""
    data = client.call({"action": "userrights", "user": f"{name}@{wiki}", "remove": "|".join(groups),
                        "reason": reason, "token": client.token("userrights")}, write=True)
    return list(data.get("userrights", {}).get("removed", []))
