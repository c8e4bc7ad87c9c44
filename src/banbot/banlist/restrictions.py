"""A restrictions row's Groups and Wikis cells: plain comma-separated names, or the reason they are not.

These cells say which rights banbot takes away and where, so they are held to the plainest form there is:
lower-case names and commas. Anything a reader might not see as written — a template, a link, a tag such as
``<span style="display:none">``, an entity like ``&#115;``, a cell attribute — makes the row a problem
rather than something banbot reads its own way. A strike-through around a whole cell is the one markup
allowed, and only when it agrees with the account's: a row is lifted when all of it is struck, a problem
when only part is.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Tag, Template, Text

from banbot.banlist.markup import STRIKE_TAGS, STRIKE_TEMPLATES, _template_name

# MediaWiki's group names are lower-case identifiers; a wiki's database name has no hyphen (``enwiki``).
GROUP_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
WIKI_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Every account is in these by definition: removing them is impossible, so a row naming one is a mistake.
IMPLICIT_GROUPS = frozenset({"*", "user", "autoconfirmed", "emailconfirmed"})
# Groups a vandal could slip into the Wikis cell, where they would read as database names: MediaWiki's own
# and the common extensions' (any name with a hyphen already fails WIKI_NAME).
KNOWN_GROUPS = IMPLICIT_GROUPS | frozenset({
    "sysop", "bureaucrat", "bot", "suppress", "oversight", "checkuser", "steward", "rollbacker", "autopatrolled",
    "patroller", "reviewer", "autoreviewer", "confirmed", "accountcreator", "abusefilter", "import", "transwiki",
    "founder", "flood", "translationadmin", "templateeditor", "extendedconfirmed", "extendedmover", "filemover",
    "staff", "sysadmin", "ombuds", "researcher", "uploader", "editor", "autoeditor", "eliminator",
})
# What a plain cell may hold at all: names, commas and spaces. Every markup character mwparserfromhell knows
# ({}[]<>|=&'"#*;:/!~ and newlines) is outside it.
_PLAIN = re.compile(r"[A-Za-z0-9_\-, \t]*")

Restriction = tuple[tuple[str, ...], tuple[str, ...]]


def _unstrike(cell: str) -> tuple[bool, str]:
    """Whether the whole cell is one strike-through (``<s>…</s>``, ``{{strike|…}}``), and what it holds. A
    strike with attributes or further parameters is not unwrapped: what it holds is then judged as markup."""
    nodes = [n for n in mwparserfromhell.parse(cell).nodes if not isinstance(n, Text) or n.value.strip()]
    if len(nodes) != 1:
        return False, cell
    (node,) = nodes
    if (isinstance(node, Tag) and str(node.tag).strip().lower() in STRIKE_TAGS and not node.attributes
            and node.contents is not None and node.wiki_markup is None):
        return True, str(node.contents).strip()
    if isinstance(node, Template) and _template_name(node) in STRIKE_TEMPLATES and [
            str(p.name).strip() for p in node.params] == ["1"]:
        return True, str(node.get("1").value).strip()
    return False, cell


def _names(cell: str, column: str, pattern: re.Pattern[str], kind: str) -> tuple[str, ...] | str:
    """The cell's comma-separated names, each once, in their order; else why not."""
    if not _PLAIN.fullmatch(cell):
        return (f"the {column} cell must hold plain comma-separated {kind}s (e.g. "
                f"{'sysop, bureaucrat' if column == 'Groups' else 'enwiki, dewiki'}), without templates, links, "
                "tags, entities or cell attributes")
    names: list[str] = []
    for token in (t.strip() for t in cell.split(",")):
        if not pattern.match(token):
            what = repr(token) if token else "an empty name between commas"
            return f"{what} in the {column} cell is not a {kind} (lower-case letters, digits" + (
                ", - and _)" if column == "Groups" else " and _)")
        if token not in names:
            names.append(token)
    return tuple(names)


def _groups(cell: str) -> tuple[str, ...] | str:
    if not cell:
        return "the Groups cell of this row is empty; name the groups to remove, e.g. sysop, bureaucrat"
    # before the plain-text rule: "*" is a markup character, but the mistake to name is the group's
    implicit = [t for t in (t.strip() for t in cell.split(",")) if t in IMPLICIT_GROUPS]
    if implicit:
        return (f"{implicit[0]!r} is an implicit group, cannot be removed: every account is in it; "
                "take it off this row")
    return _names(cell, "Groups", GROUP_NAME, "group name")


def _wikis(cell: str) -> tuple[str, ...] | str:
    if not cell:
        return ()  # every wiki
    wikis = _names(cell, "Wikis", WIKI_NAME, "database name")
    groups = [w for w in wikis if w in KNOWN_GROUPS] if isinstance(wikis, tuple) else []
    if groups:
        return (f"{groups[0]!r} in the Wikis cell is a user group, not a wiki's database name; groups go in the "
                "Groups column")
    return wikis


def read_restriction(groups_cell: str, wikis_cell: str, *, lifted: bool) -> Restriction | str:
    """The groups and wikis (empty: every wiki) a restrictions row names, else the reason it is a problem.

    ``lifted``: whether the row's account is struck through. A struck Groups or Wikis cell must agree with
    it, so that striking a single cell neither lifts a restriction nor leaves it half in force."""
    groups_struck, groups_text = _unstrike(groups_cell)
    wikis_struck, wikis_text = _unstrike(wikis_cell) if wikis_cell else (lifted, "")
    if {groups_struck, wikis_struck} != {lifted}:
        return ("only part of this row is struck through (strike the account, the Groups and the Wikis cells "
                "together, or none of them); cannot tell whether the restriction is lifted")
    groups = _groups(groups_text)
    if isinstance(groups, str):
        return groups
    wikis = _wikis(wikis_text)
    if isinstance(wikis, str):
        return wikis
    return groups, wikis
