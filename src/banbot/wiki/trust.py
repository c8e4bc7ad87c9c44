"""What the trust rails read: the list's revisions since the last applied one, old revisions' text, and
whether editors hold a trusted group (local groups on the list's wiki; global groups on CentralAuth farms)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from banbot.banlist import Protection
from banbot.names import is_ip_or_range
from banbot.provenance import Version
from banbot.safety import Revision, SwitchPage
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50


def revision_pages(client: WikiClient, params: dict[str, Any], *, public: bool = False,
                   most: int | None = None) -> Iterator[dict[str, Any]]:
    """Every revision a ``prop=revisions`` query returns, following ``continue`` (at most ``most``)."""
    seen = 0
    while True:
        data = client.call(params, public=public)
        revs = [r for page in data.get("query", {}).get("pages", []) for r in page.get("revisions", [])]
        yield from revs
        seen += len(revs)
        cont = data.get("continue")
        if not cont or not revs or (most is not None and seen >= most):
            return
        params = {**params, **cont}


def main_text(r: Mapping[str, Any]) -> str | None:
    """A revision's main-slot wikitext; None when revision deletion hides it (or it was not asked for)."""
    main = r.get("slots", {}).get("main", {})
    return None if main.get("texthidden") or "content" not in main else str(main["content"])


@tolerant
def revisions_after(client: WikiClient, title: str, since: int, upto: int) -> tuple[list[Revision], str | None]:
    """Revisions of ``title`` after ``since`` up to ``upto``, oldest first, and the sha1 of ``since`` itself
    (None when that revision is not found on this page: then every revision counts as a change)."""
    params: dict[str, Any] = {"action": "query", "prop": "revisions", "titles": title, "rvstartid": upto,
                              "rvendid": since, "rvdir": "older", "rvlimit": "max",
                              "rvprop": "ids|user|timestamp|sha1|comment"}
    revs: list[Revision] = []
    since_sha1: str | None = None
    for r in revision_pages(client, params):
        rev = Revision(int(r["revid"]), int(r.get("parentid") or 0),
                       None if r.get("userhidden") else r.get("user"), str(r.get("timestamp", "")),
                       None if r.get("sha1hidden") else r.get("sha1"), str(r.get("comment", "")))
        if rev.revid == since:
            since_sha1 = rev.sha1
        elif since < rev.revid <= upto:
            revs.append(rev)
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
                text = main_text(r)
                if text is not None:
                    out[int(r["revid"])] = text
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


@tolerant
def read_versions(client: WikiClient, title: str, start: int, *, stop: int | None = None,
                  limit: int = BATCH) -> tuple[list[Version], int | None]:
    """Revisions of ``title`` with their text, newest first, from ``start`` back to ``stop`` (inclusive) or
    ``limit`` revisions; and the revid to go on from (None: the page's first revision, or ``stop``, was read).
    A text hidden by revision deletion is None; so is an editor's hidden name."""
    params: dict[str, Any] = {"action": "query", "prop": "revisions", "titles": title, "rvstartid": start,
                              "rvdir": "older", "rvlimit": min(BATCH, limit), "rvslots": "main",
                              "rvprop": "ids|user|timestamp|sha1|tags|content"}
    if stop is not None:
        params["rvendid"] = stop
    out = [Version(int(r["revid"]), int(r.get("parentid") or 0), None if r.get("userhidden") else r.get("user"),
                   None if r.get("sha1hidden") else r.get("sha1"), tuple(r.get("tags", [])), main_text(r),
                   str(r.get("timestamp", ""))) for r in revision_pages(client, params, public=True, most=limit)]
    out.sort(key=lambda v: -v.revid)
    last = out[-1] if out else None
    if last is None or last.parentid == 0 or (stop is not None and last.revid <= stop):
        return out, None
    return out, last.parentid


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
