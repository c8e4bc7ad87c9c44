"""The ban list: wikitext in, typed entries and reported problems out (pure: no network, no pywikibot).

Two stages, as mwparserfromhell itself is built: first *find* the list and cut it into candidate rows
(:mod:`.tables`: table rows below a header that names a user column; :mod:`.bullets`: bullet items), then
*interpret* each row (:mod:`.rows`) into a :class:`BanEntry` or a :class:`Problem`. Every candidate row ends up
as exactly one of the two — nothing is dropped silently — and anything ambiguous (two accounts in a row, an
unclosed strike-through, a row a template builds) is a problem, so it can never be acted on.

A restrictions list (``parse(restrictions=True)``) is a table of the columns ``User | Groups | Wikis | Date``:
each entry then also names the user groups to remove and the wikis to remove them on
(:mod:`.restrictions`).
"""

from __future__ import annotations

from collections.abc import Iterator

from banbot.banlist.bullets import _bullet_lists
from banbot.banlist.markup import (
    LAYOUT_TEMPLATES,
    STRIKE_TAGS,
    STRIKE_TEMPLATES,
    USER_TEMPLATES,
    _heading,
    _same_heading,
    blank_comments,
)
from banbot.banlist.markup import _split_top as _split_top
from banbot.banlist.records import BanEntry, BanList, ListSource, Problem, Protection
from banbot.banlist.rows import _Found, _interpret, account_in_title, link_prefixes
from banbot.banlist.rows import _normalize as _normalize
from banbot.banlist.tables import USER_COLUMN_HEADERS, _table_list
from banbot.banlist.tables import _rowspan as _rowspan
from banbot.errors import AmbiguousBanList, AmbiguousSection, NoBanList, NotARestrictionsList, SectionNotFound

# The names importable from banbot.banlist before it was a package. Three private ones are re-exported too
# ("X as X" above): tests pin _split_top and _rowspan, scripts/bench-parse clears _normalize's cache (the one
# cache rows and bullets share).
__all__ = [
    "LAYOUT_TEMPLATES", "STRIKE_TAGS", "STRIKE_TEMPLATES", "USER_COLUMN_HEADERS", "USER_TEMPLATES", "BanEntry",
    "BanList", "ListSource", "Problem", "Protection", "account_in_title", "blank_comments", "link_prefixes", "parse",
]

_BULLETED = "its list is bulleted"


def _table_end(lines: list[str], i: int, hi: int) -> int:
    """The line that closes the table opened on line ``i`` (nested tables inside it included)."""
    depth, j = 0, i
    while j < hi:
        t = lines[j].strip()
        depth += t.startswith("{|")
        depth -= t.startswith("|}")
        if depth == 0:
            break
        j += 1
    return j


def _find_lists(lines: list[str], comment_only: set[int], lo: int, hi: int, scope_name: str,
                user_column: str | None, restrictions: bool) -> list[_Found]:
    """Every ban list in ``lines[lo:hi]``: tables with an account column, runs of list-shaped bullets."""
    found: list[_Found] = []
    section = scope_name
    i = lo
    while i < hi:
        s = lines[i].strip()
        head = _heading(lines[i])
        if head:
            section = head[1]
        elif s.startswith("{|"):
            j = _table_end(lines, i, hi)
            table = _table_list(lines, i, j, section, user_column, restrictions)
            if table is not None:
                found.append(table)
            i = j
        i += 1
    bullets = _bullet_lists(lines, comment_only, lo, hi, scope_name)
    found += [_Found(f.section, f.rows, _BULLETED) for f in bullets] if restrictions else bullets
    found.sort(key=lambda f: min((r.line for r in f.rows), default=0))
    return found


def _dedupe(items: Iterator[BanEntry | Problem]) -> tuple[list[BanEntry], list[Problem]]:
    entries: list[BanEntry] = []
    problems: list[Problem] = []
    first: dict[str, BanEntry] = {}
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
        elif item.user in first:
            prev = first[item.user]
            clash = " and disagrees on whether the ban is lifted" if prev.lifted != item.lifted else ""
            problems.append(Problem(item.line, item.text, f"{item.user} is listed again (first on line "
                                                          f"{prev.line}){clash}; the first row counts"))
        else:
            first[item.user] = item
            entries.append(item)
    return entries, problems


def _scope(lines: list[str], section: str | None) -> tuple[int, int, str]:
    """The lines ``[lo, hi)`` to search, and their section's title: the named section, or the whole page."""
    if not section:
        return 0, len(lines), "(top of page)"
    headings = [(i, h) for i, line in enumerate(lines) if (h := _heading(line))]
    matches = [(i, h) for i, h in headings if _same_heading(h[1], section)]
    if not matches:
        raise SectionNotFound(section, [h[1] for _, h in headings])
    if len(matches) > 1:
        raise AmbiguousSection(section, [i + 1 for i, _ in matches])
    match = matches[0]
    lo, (level, scope) = match[0] + 1, match[1]
    hi = next((i for i, h in headings if i > match[0] and h[0] <= level), len(lines))
    return lo, hi, scope


# --- the entry point -----------------------------------------------------------------------------

def parse(text: str, *, section: str | None = None, source: ListSource | None = None,
          user_column: str | None = None, restrictions: bool = False) -> BanList:
    """Parse a ban-list page. Raises :class:`~banbot.errors.InputError` only for whole-page problems.

    ``user_column`` names a table's account column when it is none of the usual. ``restrictions``: the page is
    a restrictions list (a table ``User | Groups | Wikis | Date``); its entries carry ``groups`` and ``wikis``,
    and any other shape of list raises :class:`~banbot.errors.NotARestrictionsList`."""
    source = source or ListSource("text", "<text>")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = blank_comments(text).split("\n")
    raw_lines = text.split("\n")  # same count as lines: comments are blanked keeping their newlines
    comment_only = {i for i, (a, b) in enumerate(zip(raw_lines, lines, strict=True)) if a.strip() and not b.strip()}
    lo, hi, scope = _scope(lines, section)
    lists = _find_lists(lines, comment_only, lo, hi, scope, user_column, restrictions)
    where = f"the section {section!r}" if section else "the page"
    if not lists:
        raise NotARestrictionsList(where, "no table has a user column") if restrictions else NoBanList(where)
    if len(lists) > 1:
        raise AmbiguousBanList([f.section for f in lists])
    found = lists[0]
    if found.misfit is not None:
        raise NotARestrictionsList(where, found.misfit)
    entries, problems = _dedupe(r if isinstance(r, Problem) else _interpret(r) for r in found.rows)
    problems.sort(key=lambda p: p.line)
    return BanList(source, section, tuple(entries), tuple(problems))
