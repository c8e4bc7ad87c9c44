"""What the trust rails read: the list's revisions since the last applied one, old revisions' text, and
whether editors hold a trusted group (local groups on the list's wiki; global groups on CentralAuth farms)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from banbot.banlist import Protection
from banbot.names import is_ip_or_range
from banbot.safety import Revision, SwitchPage
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50


@tolerant
def revisions_after(client: WikiClient, title: str, since: int, upto: int) -> tuple[list[Revision], str | None]:
    """Revisions of ``title`` after ``since`` up to ``upto``, oldest first, and the sha1 of ``since`` itself
    (None when that revision is not found on this page: then every revision counts as a change)."""
    params: dict[str, Any] = {"action": "query", "prop": "revisions", "titles": title, "rvstartid": upto,
                              "rvendid": since, "rvdir": "older", "rvlimit": "max",
                              "rvprop": "ids|user|timestamp|sha1|comment"}
    revs: list[Revision] = []
    since_sha1: str | None = None
    while True:
        data = client.call(params)
        for page in data.get("query", {}).get("pages", []):
            for r in page.get("revisions", []):
                rev = Revision(int(r["revid"]), int(r.get("parentid") or 0),
                               None if r.get("userhidden") else r.get("user"), str(r.get("timestamp", "")),
                               None if r.get("sha1hidden") else r.get("sha1"), str(r.get("comment", "")))
                if rev.revid == since:
                    since_sha1 = rev.sha1
                elif since < rev.revid <= upto:
                    revs.append(rev)
        cont = data.get("continue")
        if not cont:
            break
        params = {**params, **cont}
    revs.sort(key=lambda r: r.revid)
    return revs, since_sha1


@tolerant
def revision_texts(client: WikiClient, revids: Iterable[int]) -> dict[int, str]:
    """The wikitext of each revision (50 a request); a deleted or hidden text is absent."""
    ids = sorted(set(revids))
    out: dict[int, str] = {}
    for i in range(0, len(ids), BATCH):
        data = client.call({"action": "query", "prop": "revisions", "revids": "|".join(map(str, ids[i:i + BATCH])),
                            "rvprop": "ids|content", "rvslots": "main"})
        for page in data.get("query", {}).get("pages", []):
            for r in page.get("revisions", []):
                main = r.get("slots", {}).get("main", {})
                if "content" in main and not main.get("texthidden"):
                    out[int(r["revid"])] = str(main["content"])
    return out


@tolerant
def trusted_editors(client: WikiClient, central: WikiClient | None, names: Collection[str],
                    trusted_groups: Collection[str]) -> frozenset[str]:
    """The editors among ``names`` in a trusted group: local groups on ``client``'s wiki, then (CentralAuth
    farms, ``central`` given) global groups from ``meta=globaluserinfo`` for those not trusted locally."""
    wanted = set(trusted_groups)
    todo = sorted(set(names))
    trusted: set[str] = set()
    for i in range(0, len(todo), BATCH):
        data = client.call({"action": "query", "list": "users", "ususers": "|".join(todo[i:i + BATCH]),
                            "usprop": "groups"})
        for row in data.get("query", {}).get("users", []):
            if not (row.get("missing") or row.get("invalid")) and wanted & set(row.get("groups", [])):
                trusted.add(str(row["name"]))
    if central is not None:
        for name in todo:
            if name in trusted or is_ip_or_range(name):
                continue
            data = central.call({"action": "query", "meta": "globaluserinfo", "guiuser": name,
                                 "guiprop": "groups|merged"})
            info = data.get("query", {}).get("globaluserinfo", {})
            # global groups belong to the global account: they count only for the local account that is
            # attached to it on this wiki, never for someone else's unattached account of the same name
            attached = {str(m.get("wiki")) for m in info.get("merged", [])}
            if (info.get("name") == name and not info.get("missing") and client.dbname in attached
                    and wanted & set(info.get("groups", []))):
                trusted.add(name)
    return frozenset(trusted)


ORIGIN_HISTORY = 250  # revisions searched for the one that wrote a new entry's row


@tolerant
def row_origins(client: WikiClient, title: str, upto: int, rows: dict[str, str],
                blank: Callable[[str], str]) -> dict[str, Revision | None]:
    """For each name, the revision that wrote its row as it stands (``rows``: name → the row's text, found
    in each revision's text after ``blank``): walking back from ``upto``, the newest revision whose parent does
    not hold the row. None: not found within ``ORIGIN_HISTORY`` revisions (the caller fails closed)."""
    todo = dict(rows)
    found: dict[str, Revision | None] = {}
    newer: Revision | None = None
    seen = 0
    params: dict[str, Any] = {"action": "query", "prop": "revisions", "titles": title, "rvstartid": upto,
                              "rvdir": "older", "rvlimit": BATCH, "rvslots": "main",
                              "rvprop": "ids|user|timestamp|sha1|content"}
    while todo and seen < ORIGIN_HISTORY:
        data = client.call(params)
        revs = [r for p in data.get("query", {}).get("pages", []) for r in p.get("revisions", [])]
        for r in revs:
            seen += 1
            rev = Revision(int(r["revid"]), int(r.get("parentid") or 0), None if r.get("userhidden") else r.get("user"),
                           str(r.get("timestamp", "")), None if r.get("sha1hidden") else r.get("sha1"))
            main = r.get("slots", {}).get("main", {})
            text = blank(str(main.get("content", ""))) if "content" in main else None
            for name, row in list(todo.items()):
                if text is None or row not in text:
                    found[name] = newer if text is not None else None  # newer wrote it; hidden text: unknown
                    del todo[name]
                elif rev.parentid == 0:
                    found[name] = rev  # the page's first revision wrote it
                    del todo[name]
            newer = rev
        cont = data.get("continue")
        if not cont or not revs:
            break
        params = {**params, **cont}
    return found | {name: None for name in todo}


SWITCH_HISTORY = 20  # revisions read to find who last changed the kill switch's text


@tolerant
def read_switch(client: WikiClient, title: str) -> SwitchPage:
    """The kill switch page: its text, protection, and who last *changed* its text. A null revision (the one
    a protection writes) changes nothing, so it vouches for nothing: an admin protecting a page a vandal set
    to "run" does not make the vandal's word count. Unknown within the last revisions read: no editor."""
    data = client.call({"action": "query", "prop": "revisions|info", "titles": title, "rvprop": "ids|user|sha1|content",
                        "rvslots": "main", "rvlimit": SWITCH_HISTORY, "inprop": "protection"})
    pages = data.get("query", {}).get("pages", [])
    page = pages[0] if pages else None
    if not page or page.get("missing") or page.get("invalid"):
        return SwitchPage(title, None)
    revs = page.get("revisions") or [{}]
    editor = None
    for newer, older in zip(revs, [*revs[1:], None], strict=True):
        if older is None and len(revs) >= SWITCH_HISTORY:
            break  # the change lies further back than was read: fail closed
        if older is None or newer.get("sha1hidden") or newer.get("sha1") != older.get("sha1"):
            editor = None if newer.get("userhidden") else newer.get("user")
            break
    top = revs[0]
    return SwitchPage(title, str(top.get("slots", {}).get("main", {}).get("content", "")), top.get("revid"), editor,
                      tuple(Protection(p["type"], p["level"], p["expiry"]) for p in page.get("protection", [])))
