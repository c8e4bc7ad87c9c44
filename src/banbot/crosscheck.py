"""Defence in depth: the ban list as MediaWiki renders and resolves it (pure: the adapters fetch, this decides).

banbot's parser reads wikitext; a reader sees the rendered revision. Rows inside ``<includeonly>``,
``<nowiki>``, ``<pre>``, hidden by ``display:none`` or struck through by CSS look different to the two, and a
name MediaWiki canonicalises differently from banbot names another account. So every active entry must be
linked (or, for a bare name in a table cell, shown) by the rendered revision where a reader sees it, not struck,
and MediaWiki must resolve its name to exactly that account. Anything else becomes a problem row: reported,
never acted on.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

from banbot.banlist import STRIKE_TAGS, BanEntry, BanList, Problem, account_in_title
from banbot.names import normalize, shown

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])"
                           r"|opacity\s*:\s*0(?![.\d]*[1-9])", re.IGNORECASE)
_STRUCK_STYLE = re.compile(r"line-through", re.IGNORECASE)
_BREAKS = frozenset({"td", "th", "tr", "li", "p", "div", "br", "dd", "dt", "table", "ul", "ol", "pre"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})


@dataclass(frozen=True)
class Anchor:
    """A link in the rendered page: the account it points at, and how a reader sees it."""

    account: str
    hidden: bool
    struck: bool


@dataclass(frozen=True)
class Rendered:
    anchors: tuple[Anchor, ...]
    visible_text: str  # text a reader sees, not struck, whitespace folded


def _title_of(href: str) -> str | None:
    url = urllib.parse.urlsplit(href)
    query = urllib.parse.parse_qs(url.query)
    if "title" in query:
        return query["title"][-1]  # PHP keeps the last of repeated parameters
    for marker in ("/index.php/", "/wiki/"):
        if marker in url.path:
            return urllib.parse.unquote(url.path.split(marker, 1)[1])
    return None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, hidden, struck
        self.anchors: list[Anchor] = []
        self.text: list[str] = []

    def _state(self) -> tuple[bool, bool]:
        return (self.stack[-1][1], self.stack[-1][2]) if self.stack else (False, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.text.append(" ")
        a = {k: v or "" for k, v in attrs}
        hidden, struck = self._state()
        style = a.get("style", "")
        hidden = hidden or "hidden" in a or bool(_HIDDEN_STYLE.search(style))
        struck = struck or tag in STRIKE_TAGS or bool(_STRUCK_STYLE.search(style))
        if tag == "a" and a.get("href"):
            title = _title_of(a["href"])
            raw = account_in_title(title) if title else None
            name = normalize(raw) if raw is not None else None
            if isinstance(name, str):
                self.anchors.append(Anchor(name, hidden, struck))
        if tag not in _VOID:
            self.stack.append((tag, hidden, struck))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.text.append(" ")
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        hidden, struck = self._state()
        # hidden or struck text is not there for the plain-text check, and no space either: a reader of
        # "Plain<span style=display:none> </span>Name" sees "PlainName"
        self.text.append("" if hidden or struck else data)


def read_rendered(html: str) -> Rendered:
    """The anchors and the plainly visible text of a rendered revision (``action=parse`` HTML)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return Rendered(tuple(reader.anchors), " ".join("".join(reader.text).replace("_", " ").split()))


def _why_not_seen(entry: BanEntry, rendered: Rendered) -> str | None:
    mine = [a for a in rendered.anchors if a.account == entry.user]
    if any(not a.hidden and not a.struck for a in mine):
        return None
    if not entry.linked and re.search(rf"(?<!\w){re.escape(entry.user)}(?!\w)", rendered.visible_text):
        return None
    if any(a.hidden for a in mine):
        return "readers do not see this row: the rendered list hides it (display:none or similar); not an entry"
    if mine:
        return ("readers see this row struck through (the rendered list strikes it, e.g. by CSS) while the "
                "wikitext does not: cannot tell whether the ban is lifted")
    return ("the rendered list revision does not show this account to readers (inside <nowiki>, <pre>, "
            "<includeonly>, a comment, or built by a template); not an entry")


def objections(bans: BanList, rendered: Rendered, resolved: Mapping[str, str | None]) -> dict[str, str]:
    """Why each active entry that MediaWiki resolves differently, or that readers of the rendered revision do
    not see listed, is not an entry. ``resolved`` maps each active entry's name to the name MediaWiki resolves
    it to (None: MediaWiki calls it invalid; absent: not asked)."""
    out: dict[str, str] = {}
    for e in bans.active:
        if e.user in resolved and resolved[e.user] is None:
            out[e.user] = f"MediaWiki says {shown(e.user)!r} is not a valid user name; not an entry"
        elif e.user in resolved and resolved[e.user] != e.user:
            out[e.user] = (f"MediaWiki resolves {shown(e.user)!r} to {shown(resolved[e.user] or '')!r}, another "
                           "account; banbot acts only on the account MediaWiki resolves: fix the row")
        elif (why := _why_not_seen(e, rendered)) is not None:
            out[e.user] = why
    return out


def demote(bans: BanList, reasons: Mapping[str, str]) -> BanList:
    """``bans`` with the active entries named in ``reasons`` turned into problem rows."""
    if not reasons:
        return bans
    entries = tuple(e for e in bans.entries if e.lifted or e.user not in reasons)
    problems = list(bans.problems) + [Problem(e.line, e.text, reasons[e.user]) for e in bans.active
                                      if e.user in reasons]
    problems.sort(key=lambda p: p.line)
    return BanList(bans.source, bans.section, entries, tuple(problems))
