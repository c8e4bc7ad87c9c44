"""Pages: the ban list (one request with content, ids, editor and protection) and users' talk pages."""

from __future__ import annotations

from typing import Any

from banbot.banlist import ListSource, Protection
from banbot.errors import SourceUnreadable, WikiError
from banbot.notices import NOTICE_MARKER, opts_out
from banbot.state import TalkPage
from banbot.wiki.client import WikiClient, tolerant

BATCH = 50


def _content(page: dict[str, Any]) -> str:
    revs = page.get("revisions") or [{}]
    return str(revs[0].get("slots", {}).get("main", {}).get("content", ""))


@tolerant
def read_ban_page(client: WikiClient, title: str) -> tuple[str, ListSource]:
    """The page's current wikitext and what later stages need to trust it, in one request."""
    data = client.call({"action": "query", "prop": "revisions|info", "titles": title,
                        "rvprop": "content|ids|user|timestamp", "rvslots": "main", "inprop": "protection",
                        "curtimestamp": 1}, public=True)
    query = data.get("query", {})
    back = {n["to"]: n["from"] for n in query.get("normalized", [])}
    by_title = {back.get(p["title"], p["title"]): p for p in query.get("pages", [])}
    page = by_title.get(title)
    if not page or page.get("missing") or page.get("invalid"):
        raise SourceUnreadable(f"the page {title!r} does not exist on {client.dbname}; check list.page in the config "
                               "or pass --page TITLE")
    rev = (page.get("revisions") or [{}])[0]
    source = ListSource(
        kind="wiki", location=client.dbname, title=page.get("title", title), revid=rev.get("revid"),
        timestamp=rev.get("timestamp"), user=rev.get("user"),
        protection=tuple(Protection(p["type"], p["level"], p["expiry"]) for p in page.get("protection", [])),
    )
    return _content(page), source


@tolerant
def read_talk_pages(client: WikiClient, users: list[str], bot_name: str | None) -> dict[str, TalkPage]:
    """Talk pages of ``users`` (50 a request): revid/timestamp for the edit, notice marker, {{nobots}}."""
    out: dict[str, TalkPage] = {}
    for i in range(0, len(users), BATCH):
        chunk = users[i:i + BATCH]
        titles = {f"User talk:{u}": u for u in chunk}
        data = client.call({"action": "query", "prop": "revisions|info", "titles": "|".join(titles),
                            "rvprop": "content|ids|timestamp", "rvslots": "main", "inprop": "protection",
                            "curtimestamp": 1})
        query = data.get("query", {})
        back = {n["to"]: n["from"] for n in query.get("normalized", [])}
        for page in query.get("pages", []):
            title = page["title"]
            user = titles.get(back.get(title, title)) or titles.get(title) or title.split(":", 1)[-1]
            text = _content(page)
            rev = (page.get("revisions") or [{}])[0]
            edit = [p["level"] for p in page.get("protection", []) if p.get("type") == "edit"]
            out[user] = TalkPage(client.dbname, title, exists=not page.get("missing"), revid=rev.get("revid"),
                                 timestamp=rev.get("timestamp"), has_notice=NOTICE_MARKER in text,
                                 nobots=opts_out(text, bot_name), protection=edit[0] if edit else None,
                                 redirect=bool(page.get("redirect")),
                                 content_model=str(page.get("contentmodel") or "wikitext"),
                                 text=text if not page.get("missing") else None, read_at=data.get("curtimestamp"))
    return out



@tolerant
def revision_text(client: WikiClient, revid: int) -> str:
    data = client.call({"action": "query", "prop": "revisions", "revids": revid, "rvprop": "content",
                        "rvslots": "main"})
    pages = data.get("query", {}).get("pages", [])
    if not pages:
        raise WikiError.from_code("nosuchrevid", f"revision {revid}", wiki=client.dbname)
    return _content(pages[0])


@tolerant
def save_page(client: WikiClient, title: str, text: str, summary: str) -> dict[str, Any]:
    data = client.call({"action": "edit", "title": title, "text": text, "summary": summary, "bot": 1,
                        "watchlist": "nochange", "token": client.token("csrf")}, write=True)
    return dict(data.get("edit", {}))


@tolerant
def notice_check(client: WikiClient, title: str) -> tuple[bool, str | None]:
    """Whether the page already carries the notice marker, and the server time of this read (the
    ``starttimestamp`` of the edit that follows, so a deletion in between is detected)."""
    data = client.call({"action": "query", "prop": "revisions", "titles": title, "rvprop": "content",
                        "rvslots": "main", "curtimestamp": 1})
    pages = data.get("query", {}).get("pages", [])
    return bool(pages) and NOTICE_MARKER in _content(pages[0]), data.get("curtimestamp")


@tolerant
def post_notice(client: WikiClient, *, title: str, section_title: str, text: str, summary: str,
                base_revid: int | None, base_text: str | None, base_timestamp: str | None,
                start_timestamp: str | None) -> dict[str, Any]:
    """Append a new section as a whole-page edit against the observed revision.

    ``section=new`` never conflicts, so a retried request (a response lost on the way back) would post the
    notice twice. A whole-page edit with ``baserevid``/``basetimestamp``/``starttimestamp`` (or ``createonly``
    for a page that did not exist) turns the second attempt into ``editconflict``/``articleexists`` instead.
    """
    section = f"== {section_title} ==\n{text}"
    params: dict[str, Any] = {"action": "edit", "title": title, "summary": summary, "bot": 1,
                              "watchlist": "nochange", "starttimestamp": start_timestamp}
    if base_revid is None:
        params.update(text=section, createonly=1)
    else:
        if base_text is None:
            raise WikiError.from_code("no-base-text", "a notice on an existing page needs the observed text",
                                      wiki=client.dbname)
        params.update(text=f"{base_text.rstrip()}\n\n{section}" if base_text.strip() else section,
                      baserevid=base_revid, basetimestamp=base_timestamp, nocreate=1)
    params["token"] = client.token("csrf")
    data = client.call(params, write=True)
    edit = data.get("edit", {})
    if edit.get("result") != "Success":
        raise WikiError.from_code("edit-failure", str(edit), wiki=client.dbname)
    return dict(edit)


@tolerant
def rendered_html(client: WikiClient, revid: int) -> str:
    """The HTML a reader sees for one revision (``action=parse&oldid``)."""
    data = client.call({"action": "parse", "oldid": revid, "prop": "text", "disablelimitreport": 1,
                        "disableeditsection": 1}, public=True)
    return str(data["parse"]["text"])


@tolerant
def interwiki_rows(client: WikiClient) -> list[dict[str, Any]]:
    """The wiki's interwiki prefixes (``siteinfo&siprop=interwikimap``): prefix, url, language, localinterwiki."""
    data = client.call({"action": "query", "meta": "siteinfo", "siprop": "interwikimap"}, public=True)
    return [dict(row) for row in data.get("query", {}).get("interwikimap", [])]


@tolerant
def resolve_names(client: WikiClient, names: list[str]) -> dict[str, str | None]:
    """The account MediaWiki resolves each name to (None: invalid), 50 a request: ``titles=User:…`` shows its
    title normalisation and ``list=users`` its user-name validation, in one request. The ``list=users`` rows
    carry what the state read needs of this wiki's accounts (groups, blocks, registration) and are kept for it
    (:func:`banbot.wiki.users.share_rows`), so this run does not ask the same wiki about the same names twice."""
    from banbot.wiki.users import USPROP, share_rows

    out: dict[str, str | None] = {}
    for i in range(0, len(names), BATCH):
        chunk = names[i:i + BATCH]
        data = client.call({"action": "query", "titles": "|".join(f"User:{n}" for n in chunk),
                            "list": "users", "ususers": "|".join(chunk), "usprop": USPROP})
        query = data.get("query", {})
        share_rows(client, [u for u in query.get("users", []) if u.get("name") in chunk])
        moved = {n["from"]: n["to"] for n in query.get("normalized", [])}
        invalid_titles = {p["title"] for p in query.get("pages", []) if p.get("invalid")}
        invalid_users = {u["name"] for u in query.get("users", []) if u.get("invalid")}
        for name in chunk:
            title = f"User:{name}"
            to = moved.get(title, title)
            if title in invalid_titles or to in invalid_titles or name in invalid_users:
                out[name] = None
            else:
                out[name] = to.split(":", 1)[1] if ":" in to else to
    return out


@tolerant
def latest_revisions(client: WikiClient, titles: list[str]) -> dict[str, int | None]:
    """The latest revision id of each page (None: missing), all in one request: what `banbot watch` polls."""
    data = client.call({"action": "query", "prop": "info", "titles": "|".join(titles)}, public=True)
    query = data.get("query", {})
    back = {n["to"]: n["from"] for n in query.get("normalized", [])}
    out: dict[str, int | None] = {t: None for t in titles}
    for page in query.get("pages", []):
        title = back.get(page["title"], page["title"])
        out[title] = None if page.get("missing") or page.get("invalid") else int(page["lastrevid"])
    return out


@tolerant
def interwiki_map(client: WikiClient) -> list[dict[str, Any]]:
    """The wiki's interwiki table (``meta=siteinfo&siprop=interwikimap``): prefix → address, ``$1`` for a title."""
    data = client.call({"action": "query", "meta": "siteinfo", "siprop": "interwikimap"}, public=True)
    return [dict(e) for e in data["query"]["interwikimap"] if isinstance(e, dict)]
