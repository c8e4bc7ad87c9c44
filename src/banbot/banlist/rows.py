"""Stage 2: interpret one candidate row into a :class:`BanEntry` or a :class:`Problem`.

A row becomes an entry only when every step agrees it names exactly one account, plainly: find the accounts it
refers to (links, user templates, or a table cell's bare name), decide whether it is struck through, check the
names, what readers are shown, the strike-through, and — for a restrictions row — its groups and wikis. The
first step that objects gives the row's problem.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import Node, Tag, Template, Wikilink
from mwparserfromhell.wikicode import Wikicode

from banbot.banlist.markup import (
    _STRIKE_MARK,
    LAYOUT_TEMPLATES,
    STRIKE_TAGS,
    STRIKE_TEMPLATES,
    USER_TEMPLATES,
    _template_name,
)
from banbot.banlist.records import BanEntry, Problem
from banbot.banlist.restrictions import read_restriction
from banbot.dates import find_date
from banbot.names import InvalidName, link_target, normalize

# Each distinct name is normalized once: a bullet names its account in the link, its label and its further
# links, and the same names come back on every re-read of the list. normalize is pure; its results are
# immutable (a str or a frozen InvalidName).
_normalize = functools.lru_cache(maxsize=1 << 16)(normalize)

_USER_NS = frozenset({"user", "benutzer", "benutzerin", "utilisateur", "utilisatrice", "usuario", "usuaria",
                      "用户", "用戶", "使用者", "utente", "gebruiker"})
_ACCOUNT_SPECIALS = ("centralauth/", "contributions/", "contribs/", "globalcontributions/")
_LINK_TITLE = re.compile(r"\[\[([^\]|\n]*)")
_PREFIX = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class _Row:
    """A candidate row: its line, its full text, the fragment naming the user, and where a date is."""

    line: int
    text: str
    user_text: str
    date_text: str
    plain_names_allowed: bool  # a table's user column may hold a bare name; a bullet must link
    code: Wikicode | None = field(default=None, compare=False)  # user_text parsed, when stage 1 parsed it
    restrict: tuple[str, str] | None = None  # a restrictions row: its Groups and Wikis cells, as written


@dataclass
class _Found:
    section: str
    rows: list[_Row | Problem]
    misfit: str | None = None  # why this list cannot be a restrictions list, when one was asked for


@dataclass(frozen=True)
class _Named:
    """What a row's account column says: the names as written, whether struck through, whether linked."""

    raws: list[str]
    lifted: bool
    linked: bool


# --- reading accounts out of links and templates -------------------------------------------------

@functools.lru_cache(maxsize=1 << 16)  # pure; a row's link title is read by its shape, its entry and its label
def _account_route(title: str) -> tuple[tuple[str, ...], str] | None:
    """The prefixes before the account's namespace and the account a link title points at (``m:User:X`` →
    (("m",), "X"); ``Special:CentralAuth/X`` → ((), "X")), else None."""
    parts = link_target(title).strip().lstrip(":").split(":")
    for k, part in enumerate(parts[:-1]):
        ns = part.strip().replace("_", " ").casefold()
        rest = ":".join(parts[k + 1:]).strip()
        if ns in _USER_NS:
            return None if "/" in rest else (tuple(p.strip().casefold() for p in parts[:k]), rest)
        if ns == "special":
            low = rest.replace("_", " ").casefold()
            for special in _ACCOUNT_SPECIALS:
                if low.startswith(special):
                    return tuple(p.strip().casefold() for p in parts[:k]), rest[len(special):]
            return None
        if not _PREFIX.match(ns):
            return None
    return None


def account_in_title(title: str) -> str | None:
    """The account a link title points at (``m:User:X``, ``Special:CentralAuth/X``…), else None."""
    route = _account_route(title)
    return route[1] if route else None


def link_prefixes(title: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a link title starts with a colon, and the prefixes written before the account's namespace,
    lowercased: ``:en:User:X`` → (True, ("en",)). Whether a prefix is an interwiki, and where it leads, only
    the list's wiki knows (its interwiki map)."""
    route = _account_route(title)
    return link_target(title).strip().startswith(":"), route[0] if route else ()


def _descendants(nodes: list[Node]) -> Iterator[Node]:
    """Each node followed by every node inside it, in the order of ``Wikicode.filter(recursive=True)``
    (walked directly: filter's general machinery costs more than the rest of a row's reading)."""
    for node in nodes:
        yield node
        for inner in node.__children__():
            yield from _descendants(inner.nodes)


def _account_refs(code: Wikicode) -> list[tuple[str, Node]]:
    return _refs_in(code.nodes)


def _refs_in(nodes: list[Node]) -> list[tuple[str, Node]]:
    refs: list[tuple[str, Node]] = []
    for node in _descendants(nodes):
        if isinstance(node, Wikilink):
            name = account_in_title(str(node.title))
            if name is not None:
                refs.append((name, node))
        elif isinstance(node, Template) and node.has("1") and _template_name(node) in USER_TEMPLATES:
            refs.append((str(node.get("1").value).strip(), node))
    return refs


def _shown_names(refs: list[tuple[str, Node]]) -> set[str] | None:
    """The accounts a reader sees named by the row's links (a label, or the title when there is none); None
    when a user template names it (what a template shows is checked on the rendered page)."""
    if not refs:
        return None  # a bare name in a table cell shows itself
    shown: set[str] = set()
    for _, node in refs:
        if not isinstance(node, Wikilink):
            return None
        text = node.text.strip_code().strip() if node.text is not None else str(node.title).strip()
        name = _normalize(account_in_title(text) or text) if text else None
        if isinstance(name, str):
            shown.add(name)
        elif text:
            shown.add(text)
    return shown


def _struck(code: Wikicode, node: Node) -> bool:
    for anc in code.get_ancestors(node):
        if isinstance(anc, Tag) and str(anc.tag).strip().lower() in STRIKE_TAGS:
            return True
        if isinstance(anc, Template) and anc.name.strip().lower() in STRIKE_TEMPLATES:
            return True
    return False


# --- the steps of interpreting a row -------------------------------------------------------------

def _named_by_refs(row: _Row, code: Wikicode, refs: list[tuple[str, Node]]) -> _Named | Problem:
    """A row that links its account or names it with a user template: struck only if every reference is."""
    struck = {_struck(code, node) for _, node in refs}
    if len(struck) > 1:
        return Problem(row.line, row.text, "only part of this row is struck through; cannot tell whether "
                                           "the ban is lifted")
    return _Named([raw for raw, _ in refs], struck.pop(), True)


def _named_otherwise(row: _Row, code: Wikicode) -> _Named | Problem:
    """A row without account references mwparserfromhell can see: a link it could not parse, a table cell's
    bare name, or a template banbot cannot see into."""
    unknown = [t.name.strip() for t in code.filter_templates(recursive=True)  # nested ones too
               if t.name.strip().lower() not in LAYOUT_TEMPLATES | STRIKE_TEMPLATES]
    if unknown:
        return Problem(row.line, row.text, f"this row is built by the template {{{{{unknown[0]}}}}}, which "
                                           "banbot cannot see into; name the account with [[User:Name]] or "
                                           "{{user|Name}}")
    linked = [n for t in _LINK_TITLE.findall(row.user_text) if (n := account_in_title(t)) is not None]
    # references are decoded once, by normalize(), as MediaWiki does: "&amp;amp;" names no account "&"
    plain = code.strip_code(normalize=False, collapse=True).strip().strip("'\"").strip()
    if linked:
        return _Named(linked, False, True)
    if row.plain_names_allowed and plain:
        return _Named([plain], any(str(t.tag).strip().lower() in STRIKE_TAGS for t in code.filter_tags()), False)
    if row.plain_names_allowed:
        return Problem(row.line, row.text, "the user column of this row is empty")
    return Problem(row.line, row.text, "no account is linked in this row; link it as "
                                       "[[Special:CentralAuth/Name|Name]] or [[User:Name]]")


def _one_name(row: _Row, raws: list[str]) -> str | Problem:
    """The one account the row names, normalized as MediaWiki would."""
    names: list[str] = []
    for raw in raws:
        name = _normalize(raw)
        if isinstance(name, InvalidName):
            return Problem(row.line, row.text, name.reason)
        if name not in names:
            names.append(name)
    if len(names) > 1:
        return Problem(row.line, row.text, f"this row names more than one account ({', '.join(names)}); "
                                           "write one account per row")
    return names[0]


def _label_problem(row: _Row, name: str, refs: list[tuple[str, Node]]) -> Problem | None:
    """A link that leads to one account but reads as another misleads whoever reviews the list."""
    shown_as = _shown_names(refs)
    if shown_as is not None and name not in shown_as:
        return Problem(row.line, row.text, f"this row links the account {name} but shows readers "
                                           f"{', '.join(repr(t) for t in sorted(shown_as)) or 'no name'}; write the "
                                           "account's own name as the link's label")
    return None


def _date_text(row: _Row, refs: list[tuple[str, Node]]) -> str:
    """Where the row's date is: a bullet's date comes after its account's link."""
    date_text = row.date_text
    if not row.plain_names_allowed and refs:
        first = str(refs[0][1])
        after = date_text.find(first)
        date_text = date_text[after + len(first):] if after >= 0 else date_text
    return date_text


def _link_titles(row: _Row, refs: list[tuple[str, Node]]) -> tuple[str, ...]:
    if refs:
        return tuple(str(node.title) for _, node in refs if isinstance(node, Wikilink))
    return tuple(t for t in _LINK_TITLE.findall(row.user_text) if account_in_title(t) is not None)


def _scope(row: _Row, lifted: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | Problem:
    """A restrictions row's groups and wikis; nothing for a ban row."""
    if row.restrict is None:
        return (), ()
    read = read_restriction(*row.restrict, lifted=lifted)
    return Problem(row.line, row.text, read) if isinstance(read, str) else read


def _interpret(row: _Row) -> BanEntry | Problem:
    code = row.code if row.code is not None else mwparserfromhell.parse(row.user_text)
    refs = _account_refs(code)
    named = _named_by_refs(row, code, refs) if refs else _named_otherwise(row, code)
    if isinstance(named, Problem):
        return named
    name = _one_name(row, named.raws)
    if isinstance(name, Problem):
        return name
    mislabelled = _label_problem(row, name, refs)
    if mislabelled is not None:
        return mislabelled
    scope = _scope(row, named.lifted)
    if isinstance(scope, Problem):
        return scope
    if not named.lifted and _STRIKE_MARK.search(row.text):
        return Problem(row.line, row.text, "this row has a strike-through that is not closed around the account; "
                                           "cannot tell whether the ban is lifted")
    return BanEntry(name, find_date(_date_text(row, refs)), named.lifted, row.line, row.text, linked=named.linked,
                    links=_link_titles(row, refs), groups=scope[0], wikis=scope[1])
