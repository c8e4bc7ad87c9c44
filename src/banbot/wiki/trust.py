"""What the trust rails read: the list's revisions since the last applied one, old revisions' text, and
whether editors hold a trusted group (local groups on the list's wiki; global groups on CentralAuth farms)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
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
                                 "guiprop": "groups"})
            info = data.get("query", {}).get("globaluserinfo", {})
            if info.get("name") == name and not info.get("missing") and wanted & set(info.get("groups", [])):
                trusted.add(name)
    return frozenset(trusted)


def switch_from_page(title: str, page: dict[str, Any] | None) -> SwitchPage:
    """A kill switch page from a ``prop=revisions|info`` page object (content, ids, user; protection)."""
    if not page or page.get("missing") or page.get("invalid"):
        return SwitchPage(title, None)
    rev = (page.get("revisions") or [{}])[0]
    return SwitchPage(title, str(rev.get("slots", {}).get("main", {}).get("content", "")), rev.get("revid"),
                      None if rev.get("userhidden") else rev.get("user"),
                      tuple(Protection(p["type"], p["level"], p["expiry"]) for p in page.get("protection", [])))


@tolerant
def read_switch(client: WikiClient, title: str) -> SwitchPage:
    data = client.call({"action": "query", "prop": "revisions|info", "titles": title, "rvprop": "content|ids|user",
                        "rvslots": "main", "inprop": "protection"})
    pages = data.get("query", {}).get("pages", [])
    return switch_from_page(title, pages[0] if pages else None)
