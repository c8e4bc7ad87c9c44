"""Stage 1 for bulleted lists: per section, the list is its first run of bullets in a ban list's shape.

A bullet is in shape when it starts with an account's link (or user template), perhaps struck through, and
holds nothing else but a date; every other bullet of the section is reported, never taken as an entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import mwparserfromhell
from mwparserfromhell.nodes import Node, Template, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from banbot.banlist.markup import _heading, _unwrap_strike
from banbot.banlist.records import Problem
from banbot.banlist.rows import _account_refs, _Found, _normalize, _refs_in, _Row
from banbot.dates import find_date

# How a list bullet introduces its date: "[[User:X]], since …", "…, banned on …" — a date, with a number in it
# ("since March 2026"): "[[User:X]], since he maintains this list" is not a ban.
_DATE_WORD = re.compile(r"(since|banned|from|on|seit|depuis|desde|dal|自|于|於)\b.*\d", re.IGNORECASE)
# Text in which mwparserfromhell finds no markup at all (none of its tokenizer's markers: {}[]<>|=&'"#*;:/-!
# and newlines): it parses to one text node, so its strip_code() is the text itself.
_NO_MARKUP = re.compile(r"(?:[^\W_]|[ ,.()\u2013\u2014])*")


def _strip_code(text: str) -> str:
    """``mwparserfromhell.parse(text).strip_code()``, without parsing text that holds no markup."""
    return text if _NO_MARKUP.fullmatch(text) else mwparserfromhell.parse(text).strip_code()


def _node_refs(node: Node) -> list[tuple[str, Node]]:
    """The accounts one node of a parsed row names (the node and everything inside it)."""
    return _refs_in([node])


def _list_shaped(code: Wikicode) -> bool:
    """A ban-list bullet: an account link first, then at most a date (``, since 3 November 2015``)."""
    def solid(ns: list[Node]) -> list[Node]:
        # only a text node can be blank: every other node's text includes its markup ([[, {{, <, '', *…)
        return [n for n in ns if not isinstance(n, Text) or n.value.strip()]

    nodes = solid(code.nodes)
    if not nodes:
        return False
    inner, after = _unwrap_strike(nodes)
    inner = solid(inner)
    if not inner or not isinstance(inner[0], (Wikilink, Template)):
        return False
    first = _node_refs(inner[0])
    if not first:
        return False
    account = _normalize(first[0][0])

    def same_account(n: Node) -> bool:
        refs = _node_refs(n) if isinstance(n, Wikilink) else []
        return bool(refs) and _normalize(refs[0][0]) == account

    # further links to the same account (its contributions, its talk page) are part of the row's shape
    rest = "".join(str(n) for n in inner[1:] + after if not same_account(n))
    plain = _strip_code(rest).strip(" \t,;:.–—-()[]'\"")
    return not plain or _DATE_WORD.match(plain) is not None or find_date(rest) is not None


def _bullet_blocks(lines: list[str], comment_only: set[int], lo: int, hi: int) -> Iterator[tuple[str, list[int]]]:
    """Runs of bullet lines (a comment line does not break a run), each with its section heading."""
    section = ""
    block: list[int] = []
    block_section = ""
    for i in range(lo, hi):
        s = lines[i].strip()
        head = _heading(lines[i])
        if s[:1] in ("*", "#") and not s.upper().startswith("#REDIRECT"):
            if not block:
                block_section = section
            block.append(i)
            continue
        if not s and i in comment_only:
            continue
        if block:
            yield block_section, block
            block = []
        if head:
            section = head[1]
    if block:
        yield block_section, block


def _bullet_lists(lines: list[str], comment_only: set[int], lo: int, hi: int, scope: str) -> list[_Found]:
    """Per section: the list is its first run of bullets in list shape; every other bullet of the section is
    reported (``* ask [[User:X]], who maintains it`` below the list is never an entry)."""
    by_section: dict[str, list[list[int]]] = {}
    for section, block in _bullet_blocks(lines, comment_only, lo, hi):
        by_section.setdefault(section or scope, []).append(block)
    found = [_section_list(lines, section, blocks) for section, blocks in by_section.items()]
    return [f for f in found if f is not None]


def _section_list(lines: list[str], section: str, blocks: list[list[int]]) -> _Found | None:
    """One section's bullets: its first block with a bullet in shape is the list, the rest are reported."""
    # each bullet is parsed once: its shape is judged, and its entry read, from the same tree
    codes = {i: mwparserfromhell.parse(lines[i].strip().lstrip("*#").strip()) for b in blocks for i in b}
    shaped = [[_list_shaped(codes[i]) for i in b] for b in blocks]
    first = next((k for k, flags in enumerate(shaped) if any(flags)), None)
    if first is None:
        return None
    start = blocks[first][0] + 1
    rows: list[_Row | Problem] = []
    for k, block in enumerate(blocks):
        for i, ok in zip(block, shaped[k], strict=True):
            item = lines[i].strip().lstrip("*#").strip()
            if k != first:
                rows.append(Problem(i + 1, lines[i], f"this bullet is outside the ban list (the list is the "
                                                     f"run of bullets from line {start}); it is not an entry"))
            elif not ok:
                rows.append(Problem(i + 1, lines[i], _shape_reason(codes[i])))
            else:
                rows.append(_Row(i + 1, lines[i], item, item, False, codes[i]))
    return _Found(section, rows)


def _shape_reason(code: Wikicode) -> str:
    if _account_refs(code):
        return ("this bullet is not in the list's shape (an account link first, then an optional date); "
                "it is not an entry")
    return "no account is linked in this row; link it as [[Special:CentralAuth/Name|Name]] or [[User:Name]]"


