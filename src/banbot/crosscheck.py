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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from banbot.banlist import STRIKE_TAGS, BanEntry, BanList, Problem, account_in_title, link_prefixes
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


def host(url: str) -> str:
    """The host (and port) a URL leads to, lowercased; protocol-relative URLs (``//host/…``) too."""
    return urllib.parse.urlsplit(url if "//" in url else f"//{url}").netloc.lower()


class _Reader(HTMLParser):
    def __init__(self, own_hosts: Collection[str] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.own_hosts = frozenset(h.lower() for h in own_hosts)
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
        # an interwiki link (class "extiw") leads to another site: an account there is not the farm's, unless
        # the link's host is one of the farm's own wikis
        offsite = "extiw" in a.get("class", "").split() and host(a.get("href", "")) not in self.own_hosts
        if tag == "a" and a.get("href") and not offsite:
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


def read_rendered(html: str, own_hosts: Collection[str] = ()) -> Rendered:
    """The anchors and the plainly visible text of a rendered revision (``action=parse`` HTML). An interwiki
    link counts as an account link only when it leads to one of ``own_hosts`` (the farm's wikis)."""
    reader = _Reader(own_hosts)
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


@dataclass(frozen=True)
class Interwiki:
    """The list wiki's interwiki prefixes (``siteinfo&siprop=interwikimap``), by where they lead."""

    own: frozenset[str]  # leading to a wiki of this farm (a configured wiki's host)
    local: frozenset[str]  # $wgLocalInterwikis: MediaWiki drops the prefix, the link stays on this wiki
    languages: frozenset[str]  # interlanguage prefixes: without a leading colon the link goes to the sidebar
    elsewhere: Mapping[str, str]  # every other prefix → the host it leads to


def interwiki_map(rows: Iterable[Mapping[str, Any]], own_hosts: Collection[str]) -> Interwiki:
    """The interwiki map's rows sorted by where they lead; ``own_hosts``: the hosts of the farm's wikis."""
    own_set = {h.lower() for h in own_hosts}
    own, local, languages, elsewhere = set(), set(), set(), {}
    for row in rows:
        prefix = str(row.get("prefix", "")).casefold()
        if not prefix:
            continue
        if row.get("localinterwiki"):
            local.add(prefix)
            continue
        if row.get("language"):
            languages.add(prefix)
        where = host(str(row.get("url", "")))
        if where in own_set:
            own.add(prefix)
        else:
            elsewhere[prefix] = where or "?"
    return Interwiki(frozenset(own), frozenset(local), frozenset(languages), elsewhere)


def off_farm(entry: BanEntry, iw: Interwiki) -> str | None:
    """Why a link naming this entry's account leads off the farm, or out of readers' sight (None: it does not).

    As MediaWiki reads a title: a local interwiki prefix is dropped; a language prefix without a leading colon
    makes an interlanguage link (shown in the sidebar, not in the list); any other interwiki prefix leads to
    the wiki it names, which must be one of the farm's; a prefix that is no interwiki is part of the page's
    name and ends the route."""
    for title in entry.links:
        colon, prefixes = link_prefixes(title)
        k = 0
        while k < len(prefixes) and prefixes[k] in iw.local:
            k += 1
        if k == len(prefixes):
            continue
        p = prefixes[k]
        if p in iw.languages and not colon:
            return (f"[[{title}]] is an interlanguage link ({p}:): MediaWiki shows it beside the page, not in the "
                    "list, and it leads to another wiki; not an entry (link the account on this wiki)")
        if p in iw.elsewhere:
            return (f"[[{title}]] leads off the farm ({p}: is an interwiki prefix for {iw.elsewhere[p]}); an account "
                    "there is not this farm's: not an entry (link the account on this wiki)")
        if p in iw.own and k + 1 < len(prefixes):
            return (f"[[{title}]] passes through more than one wiki prefix, and where it ends is decided on the wiki "
                    f"{p}: leads to: not an entry (link the account on this wiki)")
    return None


def objections(bans: BanList, rendered: Rendered, resolved: Mapping[str, str | None],
               interwiki: Interwiki | None = None) -> dict[str, str]:
    """Why each active entry that MediaWiki resolves differently, that readers of the rendered revision do not
    see listed, or whose link leads off the farm, is not an entry. ``resolved`` maps each active entry's name to
    the name MediaWiki resolves it to (None: MediaWiki calls it invalid; absent: not asked); ``interwiki``: the
    list wiki's prefixes (None: no entry's link has a prefix)."""
    out: dict[str, str] = {}
    for e in bans.active:
        if interwiki is not None and (why_off := off_farm(e, interwiki)) is not None:
            out[e.user] = why_off
        elif e.user in resolved and resolved[e.user] is None:
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
