"""CentralAuth's API on the central wiki: global account state, locks, global and interwiki rights."""

from __future__ import annotations

import hashlib
from typing import Any

from banbot.errors import WikiError
from banbot.sanctions.base import Status
from banbot.state import AccountState, LocalAccount
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50


def has_globalusers(client: WikiClient) -> bool:
    """``list=globalusers`` (the batch lock-state read) exists only on CentralAuth from May 2026 on. Asked once
    a session (the answer is kept on the client: the state read and the choice of a log read both ask)."""
    known = getattr(client, "has_globalusers", None)
    if not isinstance(known, bool):
        known = _asks_globalusers(client)
        client.has_globalusers = known
    return known


@tolerant
def _asks_globalusers(client: WikiClient) -> bool:
    data = client.call({"action": "paraminfo", "modules": "query"})
    for module in data.get("paraminfo", {}).get("modules", []):
        for param in module.get("parameters", []):
            if param.get("name") == "list" and isinstance(param.get("type"), list):
                return "globalusers" in param["type"]
    return False


@tolerant
def lock_states(client: WikiClient, names: list[str]) -> dict[str, tuple[bool, bool, tuple[str, ...]]]:
    """name -> (exists, locked, global groups), 50 names a request, via ``list=globalusers``; an answer cut
    short (``continue.gususers``) is followed to its end."""
    out: dict[str, tuple[bool, bool, tuple[str, ...]]] = {}
    for i in range(0, len(names), BATCH):
        params: dict[str, Any] = {"action": "query", "list": "globalusers", "gususers": "|".join(names[i:i + BATCH]),
                                  "gusprop": "locked|groups"}
        asked = set(names[i:i + BATCH])
        for _ in range(BATCH + 1):  # every round answers at least one name: never more rounds than names
            data = client.call(params)
            for row in data.get("query", {}).get("globalusers", []):
                if row["name"] not in asked:
                    continue
                exists = not (row.get("missing") or row.get("invalid"))
                out[row["name"]] = (exists, row.get("locked") is True, tuple(str(g) for g in row.get("groups", [])))
            more = data.get("continue")
            if not isinstance(more, dict) or not more:
                break
            params = {**params, **{k: str(v) for k, v in more.items()}}
        else:
            raise WikiError.from_code("endless-continue", "list=globalusers kept answering 'continue'",
                                      wiki=client.dbname)
    return out


HIDDEN_LEVELS = ("suppressed", "lists")  # the likelier first: Wikimedia hides accounts by suppressing them


def statechecks(global_id: int, name: str, hidden: bool, locked: bool) -> tuple[str, ...]:
    """The ``statecheck`` hashes a lock from this state may need: ``md5("id:name:<hidden level>:<0|1>")``.

    setglobalaccountstatus hashes the hidden *level* ("", "lists" or "suppressed"); globaluserinfo says only
    ``hidden: true``, so a hidden account has two candidates (recorded: lock-hidey-*-hash.json)."""
    levels = HIDDEN_LEVELS if hidden else ("",)
    return tuple(hashlib.md5(f"{global_id}:{name}:{level}:{1 if locked else 0}".encode()).hexdigest()
                 for level in levels)


@tolerant
def can_see_hidden(client: WikiClient) -> bool:
    """Whether this login sees hidden accounts (``centralauth-suppress``); without it they read as missing."""
    rights = getattr(client, "session_rights", None)
    if callable(rights):  # the session's own userinfo: no request of its own
        return "centralauth-suppress" in rights()
    data = client.call({"action": "query", "meta": "userinfo", "uiprop": "rights"})
    return "centralauth-suppress" in data.get("query", {}).get("userinfo", {}).get("rights", [])


BAD_NAME_CODES = frozenset({"baduser", "invaliduser", "invalidtitle"})


@tolerant
def global_account(client: WikiClient, name: str, wikis: set[str] | None = None) -> tuple[AccountState, str | None]:
    """One ``meta=globaluserinfo`` read: lock, global groups, every attached and unattached local account
    (on every wiki CentralAuth reports, or only ``wikis``).

    Returns the state and the ``statecheck`` hash for a lock (see :func:`statechecks`). A local account
    with no global account (``missing`` with ``unattached`` rows) is a ``local_only`` state, not a missing one.
    """
    data = client.call({"action": "query", "meta": "globaluserinfo", "guiuser": name,
                        "guiprop": "groups|merged|unattached"})
    info: dict[str, Any] = data.get("query", {}).get("globaluserinfo", {})
    local = []
    for attached, key in ((True, "merged"), (False, "unattached")):
        for row in info.get(key, []):
            if wikis is not None and row["wiki"] not in wikis:
                continue
            url = row.get("url")
            local.append(LocalAccount(wiki=str(row["wiki"]), groups=tuple(sorted(row.get("groups", []))),
                                      blocked="blocked" in row, block_expiry=(row.get("blocked") or {}).get("expiry"),
                                      attached=attached, url=str(url) if isinstance(url, str) else None,
                                      registered=row.get("registration")))
    local.sort(key=lambda a: a.wiki)
    if info.get("missing") or "id" not in info:
        if local:
            return AccountState(name, exists=True, local=tuple(local), local_only=True), None
        return AccountState(name, exists=False), None
    if info["name"] != name:  # never let an answer about another account drive actions against it
        raise WikiError.from_code("unexpected-name", f"asked about {name!r}, the wiki answered about "
                                                     f"{info['name']!r}", wiki=client.dbname)
    locked = bool(info.get("locked"))
    hidden = bool(info.get("hidden"))
    checks = statechecks(int(info["id"]), str(info["name"]), hidden, locked)
    # the earliest registration of the global account or of an account attached to it
    known = [info.get("registration")] + [a.registered for a in local if a.attached]
    state = AccountState(info["name"], exists=True, locked=locked, global_groups=tuple(info.get("groups", [])),
                         home=info.get("home"), local=tuple(local), lock_check=checks[0], lock_checks=checks,
                         hidden=hidden, registered=min((r for r in known if r), default=None))
    return state, checks[0]


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


@tolerant
def lists_centralauth(client: WikiClient) -> bool:
    """Whether this wiki's own siteinfo, as it answers this run, names CentralAuth among its central ID providers
    (``allcentralidlookupproviders``: CentralAuth registers itself there whenever it is loaded). Core siteinfo
    only, so a wiki without the extension is asked nothing it would warn about; and no request at all when the
    general siteinfo already rode along with this run's first query."""
    providers = client.live_general().get("allcentralidlookupproviders") or []
    return "CentralAuth" in [str(p) for p in providers]


@tolerant
def runs_centralauth(client: WikiClient) -> bool:
    """Whether this wiki's API answers CentralAuth's ``meta=globaluserinfo`` (a wiki without the extension
    ignores the unknown module with a warning and answers nothing for it)."""
    data = client.call({"action": "query", "meta": "globaluserinfo", "guiuser": client.username() or "Example"})
    return "globaluserinfo" in data.get("query", {})
