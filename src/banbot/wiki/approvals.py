"""The approval page (banbot.approval): read its revisions since a proposal, and post a proposal."""

from __future__ import annotations

from typing import Any

from banbot.approval import ApprovalPage, PageRevision
from banbot.banlist import Protection
from banbot.errors import WikiError
from banbot.wiki.client import WikiClient, tolerant
from banbot.wiki.trust import main_text, revision_pages

MAX_REVISIONS = 500  # revisions read after a proposal; more than this and the newest are read (fail closed: older
# verdicts unread, a later reader sees them again only if still on the page)


@tolerant
def page_protection(client: WikiClient, title: str) -> tuple[Protection, ...]:
    """A page's protection (one public request)."""
    info = client.call({"action": "query", "prop": "info", "titles": title, "inprop": "protection"}, public=True)
    pages = info.get("query", {}).get("pages", [])
    page = pages[0] if pages else {}
    return tuple(Protection(p["type"], p["level"], p["expiry"]) for p in page.get("protection", []))


def read_approval_page(client: WikiClient, title: str, since: int) -> ApprovalPage:
    """The page's protection, the text of revision ``since`` (the proposal) and every revision after it,
    oldest first; a hidden text or editor is None."""
    protection = page_protection(client, title)
    params: dict[str, Any] = {"action": "query", "prop": "revisions", "titles": title, "rvendid": since,
                              "rvdir": "older", "rvlimit": 50, "rvslots": "main",
                              "rvprop": "ids|user|timestamp|content"}
    revs: list[PageRevision] = []
    base: str | None = None
    for r in revision_pages(client, params, public=True, most=MAX_REVISIONS):
        text = main_text(r)
        rev = PageRevision(int(r["revid"]), None if r.get("userhidden") else r.get("user"),
                           str(r.get("timestamp", "")), text)
        if rev.revid == since:
            base = text
        elif rev.revid > since:
            revs.append(rev)
    revs.sort(key=lambda r: r.revid)
    return ApprovalPage(title, protection, base, tuple(revs))


@tolerant
def post_proposal(client: WikiClient, title: str, heading: str, body: str, summary: str) -> int:
    """Append the proposal as a new section; its revision."""
    data = client.call({"action": "edit", "title": title, "section": "new", "sectiontitle": heading, "text": body,
                        "summary": summary, "bot": 1, "watchlist": "nochange", "token": client.token("csrf")},
                       write=True)
    edit = data.get("edit", {})
    if edit.get("result") != "Success" or not isinstance(edit.get("newrevid"), int):
        raise WikiError.from_code("edit-failure", str(edit), wiki=client.dbname)
    return int(edit["newrevid"])
