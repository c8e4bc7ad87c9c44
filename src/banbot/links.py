"""How reasons and notices link the list, so that the link works on every wiki of the farm (pure).

``[[Global bans/List]]`` and ``[[Special:PermanentLink/5]]`` name the list only on the list's own wiki: on
another wiki they are a red link, or another page, or another user's talk page. Two links work everywhere:

* **the list wiki's own address** (the default): its ``server`` and ``articlepath`` from siteinfo, which the
  session already has. The templates' ``[[{list_link}]]`` and ``[[{permalink}|…]]`` become external links,
  ``[https://meta.example.org/wiki/Global_bans/List Global bans/List]``. MediaWiki links only ``[[…]]`` in
  log reasons, so a block or lock reason shows the address as text there: correct, copyable, not clickable;
* **an interwiki prefix** (``list.link_prefix = "m:"``): the links stay wikilinks (``[[m:Global bans/List]]``),
  clickable in log reasons too; banbot checks at start that the farm's interwiki table maps the prefix to the
  list wiki (:func:`leads_to`).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PERMALINK = "Special:PermanentLink/"
_LINK = re.compile(r"\[\[\{(list_link|permalink)\}(?:\|([^\]]*))?\]\]")


def article_url(general: Mapping[str, Any]) -> str | None:
    """The address of any page on a wiki, ``$1`` for its title, from its siteinfo ``general`` (None: the wiki
    does not say). An article path with ``$1`` inside it is replaced by ``index.php?title=$1``, which every
    MediaWiki answers, so that a title can always be appended."""
    server, path, script = general.get("server"), general.get("articlepath"), general.get("script")
    if not isinstance(server, str) or not server.startswith(("http://", "https://", "//")):
        return None
    if isinstance(path, str) and path.endswith("$1"):
        return server + path
    if isinstance(script, str) and script:
        return f"{server}{script}?title=$1"
    return None


def title_in_url(title: str) -> str:
    """A title as MediaWiki writes it in a URL (``wfUrlencode``): underscores for spaces, the rest escaped."""
    return urllib.parse.quote(title.replace(" ", "_"), safe=";@$!*(),/~:")


def _comparable(url: str) -> str:
    return re.sub(r"^(https?:)?//", "//", url.strip()).rstrip("/")


def leads_to(interwikimap: Iterable[Mapping[str, Any]], prefix: str, article: str) -> str | None:
    """Where the farm's interwiki table sends ``prefix`` (``m`` or ``m:``), if not to the wiki whose pages are at
    ``article``; None when it does lead there. The scheme does not count (``//host/wiki/$1`` is either)."""
    name = prefix.strip(":").lower()
    for entry in interwikimap:
        if str(entry.get("prefix", "")).lower() == name:
            url = str(entry.get("url", ""))
            return None if _comparable(url) == _comparable(article) else url or "(no address)"
    return "(not in the interwiki table)"


@dataclass(frozen=True)
class ListLink:
    """The list's links for reasons and notices: by interwiki ``prefix``, or by the list wiki's ``article``
    address (``$1`` for the title)."""

    page: str
    prefix: str = ""
    article: str = ""

    @property
    def list_link(self) -> str:
        """``{list_link}``: the list page, as a wikilink target or an address."""
        if self.article:
            return self.article.replace("$1", title_in_url(self.page))
        return f"{self.prefix}{self.page}"

    @property
    def permalink_prefix(self) -> str:
        """``{permalink}`` without its revision number."""
        if self.article:
            return self.article.replace("$1", PERMALINK)
        return f"{self.prefix}{PERMALINK}"

    def template(self, text: str) -> str:
        """A reason or notice template whose links to the list work on every wiki: with an address, each
        ``[[{list_link}]]`` / ``[[{permalink}|text]]`` becomes an external link; with a prefix, unchanged."""
        if not self.article:
            return text
        page = self.page.replace("{", "{{").replace("}", "}}")

        def external(m: re.Match[str]) -> str:
            field, label = m.group(1), m.group(2)
            if label is None:
                label = page if field == "list_link" else f"{PERMALINK}{{revid}}"
            return f"[{{{field}}} {label}]"

        return _LINK.sub(external, text)
