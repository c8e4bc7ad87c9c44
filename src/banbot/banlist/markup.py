"""The wikitext vocabulary every stage shares: which templates and tags name accounts or strike them, where
sections begin, and how to split a line outside links and templates."""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Node, Tag, Template

USER_TEMPLATES = frozenset({
    "user", "u", "noping", "np", "userlinks", "user links", "ul", "user link", "user2", "user3", "user5",
    "user6", "lu", "luxotool", "vandal", "user-multi", "userlinks-abuse", "checkuser", "ipuser",
    "user0", "user1", "user4", "user7", "user8", "userlink", "usernolink", "lockeduser",
})
STRIKE_TAGS = frozenset({"s", "del", "strike"})
STRIKE_TEMPLATES = frozenset({"strike", "s", "del", "strikethrough", "stroke"})
LAYOUT_TEMPLATES = frozenset({
    "div col", "div col end", "divcol", "divcolend", "col-begin", "col-end", "col-break", "colbegin", "colend",
    "columns-list", "clear", "reflist", "shortcut", "tocright", "toc", "-", "clr",
})
_HEADING = re.compile(r"^(={1,6})(.+?)\1\s*$")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_STRIKE_MARK = re.compile(r"<\s*/?\s*(?:s|del|strike)\s*>", re.IGNORECASE)


def blank_comments(text: str) -> str:
    """Comments are not rows: blank them, keeping their newlines so line numbers stay true."""
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _heading(line: str) -> tuple[int, str] | None:
    m = _HEADING.match(line.strip())
    if not m:
        return None
    title = mwparserfromhell.parse(m.group(2)).strip_code().strip()
    return len(m.group(1)), title


def _same_heading(a: str, b: str) -> bool:
    def canon(s: str) -> str:
        return re.sub(r"[\s_]+", " ", s).strip().casefold()

    return canon(a) == canon(b)


def _template_name(node: Template) -> str:
    return str(node.name).strip().replace("_", " ").casefold()


_SPLIT_TOKENS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _split_top(text: str, seps: tuple[str, ...]) -> list[str]:
    """Split on any separator that is not inside [[…]] or {{…}}."""
    if not any(sep in text for sep in seps):
        return [text]
    tokens = _SPLIT_TOKENS.get(seps)
    if tokens is None:
        # openers first, then closers, then the separators in their order: as a scan from left to right that
        # tries them in that order at each position (a closer at depth 0, or a separator inside brackets, is
        # text; none of them begins with a character another one ends with)
        tokens = _SPLIT_TOKENS[seps] = re.compile("|".join(re.escape(t) for t in ("[[", "{{", "]]", "}}", *seps)))
    parts: list[str] = []
    depth = 0
    start = 0
    for m in tokens.finditer(text):
        token = m.group()
        if token in ("[[", "{{"):
            depth += 1
        elif token in ("]]", "}}"):
            depth -= depth > 0
        elif not depth:
            parts.append(text[start:m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


def _unwrap_strike(nodes: list[Node]) -> tuple[list[Node], list[Node]]:
    """A bullet's nodes with one leading strike-through opened: (inside it, after it)."""
    first = nodes[0]
    if isinstance(first, Tag) and str(first.tag).strip().lower() in STRIKE_TAGS and first.contents is not None:
        return list(first.contents.nodes), nodes[1:]
    if isinstance(first, Template) and _template_name(first) in STRIKE_TEMPLATES and first.has("1"):
        return list(first.get("1").value.nodes), nodes[1:]
    return nodes, []
