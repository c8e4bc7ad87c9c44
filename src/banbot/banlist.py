"""The ban list: wikitext in, typed entries and reported problems out (pure: no network, no pywikibot).

Two stages, as mwparserfromhell itself is built: first *find* the list and cut it into candidate rows
(table rows below a header that names a user column, or bullet items), then *interpret* each row with
mwparserfromhell into a :class:`BanEntry` or a :class:`Problem`. Every candidate row ends up as exactly
one of the two — nothing is dropped silently — and anything ambiguous (two accounts in a row, an
unclosed strike-through, a row a template builds) is a problem, so it can never be acted on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import Node, Tag, Template, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from banbot.dates import find_date
from banbot.errors import AmbiguousBanList, AmbiguousColumns, AmbiguousSection, NoBanList, SectionNotFound
from banbot.names import InvalidName, link_target, normalize

# Each distinct name is normalized once: a bullet names its account in the link, its label and its further
# links, and the same names come back on every re-read of the list. normalize is pure; its results are
# immutable (a str or a frozen InvalidName).
_normalize = functools.lru_cache(maxsize=1 << 16)(normalize)


@dataclass(frozen=True)
class Protection:
    type: str
    level: str
    expiry: str


@dataclass(frozen=True)
class ListSource:
    """Where the list text came from; later stages decide trust from revid, editor and protection."""

    kind: str  # "file" or "wiki"
    location: str  # a path, or the wiki's dbname
    title: str | None = None
    revid: int | None = None
    timestamp: str | None = None
    user: str | None = None
    protection: tuple[Protection, ...] = ()

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind, "location": self.location}
        if self.kind == "wiki":
            data.update(
                title=self.title, revid=self.revid, timestamp=self.timestamp, user=self.user,
                protection=[{"type": p.type, "level": p.level, "expiry": p.expiry} for p in self.protection],
            )
        return data


@dataclass(frozen=True)
class BanEntry:
    user: str
    since: dt.date | None
    lifted: bool
    line: int
    text: str = field(default="", compare=False)
    linked: bool = field(default=True, compare=False)  # named by a link or user template, not as bare text
    # the titles of the links that name the account, as written (``:en:User:X``): where they lead is checked
    # against the list wiki's interwiki prefixes (banbot.crosscheck.off_farm)
    links: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, object]:
        return {"user": self.user, "since": self.since.isoformat() if self.since else None,
                "lifted": self.lifted, "line": self.line}


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class BanList:
    source: ListSource
    section: str | None
    entries: tuple[BanEntry, ...]
    problems: tuple[Problem, ...]

    @property
    def active(self) -> tuple[BanEntry, ...]:
        return tuple(e for e in self.entries if not e.lifted)

    @property
    def lifted(self) -> tuple[BanEntry, ...]:
        return tuple(e for e in self.entries if e.lifted)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source.to_json(),
            "section": self.section,
            "entries": [e.to_json() for e in self.entries],
            "problems": [p.to_json() for p in self.problems],
            "summary": {"entries": len(self.entries), "active": len(self.active),
                        "lifted": len(self.lifted), "problems": len(self.problems)},
        }


# --- stage 1: find the list and its candidate rows ------------------------------------------------

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
_USER_NS = frozenset({"user", "benutzer", "benutzerin", "utilisateur", "utilisatrice", "usuario", "usuaria",
                      "用户", "用戶", "使用者", "utente", "gebruiker"})
_ACCOUNT_SPECIALS = ("centralauth/", "contributions/", "contribs/", "globalcontributions/")
_HEADING = re.compile(r"^(={1,6})(.+?)\1\s*$")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_STRIKE_MARK = re.compile(r"<\s*/?\s*(?:s|del|strike)\s*>", re.IGNORECASE)
_LINK_TITLE = re.compile(r"\[\[([^\]|\n]*)")
# Headers that name the account column exactly (``list.user_column`` names another).
USER_COLUMN_HEADERS = frozenset({"user", "username", "user name", "account", "name", "benutzer", "benutzername",
                                 "utilisateur", "usuario", "用户", "用戶", "使用者", "用户名", "用戶名", "账户"})
# How a list bullet introduces its date: "[[User:X]], since …", "…, banned on …" — a date, with a number in it
# ("since March 2026"): "[[User:X]], since he maintains this list" is not a ban.
_DATE_WORD = re.compile(r"(since|banned|from|on|seit|depuis|desde|dal|自|于|於)\b.*\d", re.IGNORECASE)
_DATE_HEADER = re.compile(r"date|since|banned on|datum|fecha|日期|时间")
_PREFIX = re.compile(r"^[a-z][a-z0-9-]*$")
# Text in which mwparserfromhell finds no markup at all (none of its tokenizer's markers: {}[]<>|=&'"#*;:/-!
# and newlines): it parses to one text node, so its strip_code() is the text itself.
_NO_MARKUP = re.compile(r"(?:[^\W_]|[ ,.()\u2013\u2014])*")


@dataclass(frozen=True)
class _Row:
    """A candidate row: its line, its full text, the fragment naming the user, and where a date is."""

    line: int
    text: str
    user_text: str
    date_text: str
    plain_names_allowed: bool  # a table's user column may hold a bare name; a bullet must link
    code: Wikicode | None = field(default=None, compare=False)  # user_text parsed, when stage 1 parsed it


@dataclass
class _Found:
    section: str
    rows: list[_Row | Problem]


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


def _cell_content(cell: str) -> str:
    """Drop a cell's attributes (``data-sort-value="…" | text``)."""
    pieces = _split_top(cell, ("|",))
    if len(pieces) > 1 and re.match(r"^\s*([\w-]+\s*=|$)", pieces[0]):
        return "|".join(pieces[1:]).strip()
    return cell.strip()


def _header_text(cell: str) -> str:
    return mwparserfromhell.parse(_cell_content(cell)).strip_code().strip().lower()


def _rowspan(cell: str) -> int:
    pieces = _split_top(cell, ("|",))
    if len(pieces) > 1 and re.match(r"^\s*([\w-]+\s*=|$)", pieces[0]):
        m = re.search(r"rowspan\s*=\s*[\"']?\s*(\d+)", pieces[0], re.IGNORECASE)
        if m:
            return max(1, min(int(m.group(1)), 10_000))
    return 1


_Cells = list[tuple[int, str]]


def _apply_rowspans(rows: list[tuple[int, _Cells, bool]]) -> list[tuple[int, _Cells, bool]]:
    """Place each row's cells in their columns as a browser does: a cell with ``rowspan=N`` also fills its
    column in the N-1 rows below (the dated block of a table whose date cell spans several bans)."""
    carry: dict[int, tuple[int, tuple[int, str]]] = {}
    out = []
    for lineno, cells, header in rows:
        pending = list(cells)
        placed: _Cells = []
        nxt: dict[int, tuple[int, tuple[int, str]]] = {}
        col = 0
        while pending or any(c >= col for c in carry):
            if col in carry:
                left, cell = carry[col]
                placed.append(cell)
                if left > 1:
                    nxt[col] = (left - 1, cell)
            elif pending:
                cell = pending.pop(0)
                placed.append(cell)
                span = _rowspan(cell[1])
                if span > 1:
                    nxt[col] = (span - 1, cell)
            col += 1
        carry = nxt
        out.append((lineno, placed, header))
    return out


def _table(lines: list[str], start: int, end: int) -> tuple[list[str], list[tuple[int, _Cells, bool]],
                                                             list[Problem]]:
    """Rows of the table spanning ``lines[start:end+1]``: header cells, rows as (line, cells), stray lines."""
    rows: list[tuple[int, _Cells, bool]] = []
    stray: list[Problem] = []
    cells: _Cells = []
    header_row = False

    def close() -> None:
        nonlocal cells, header_row
        if cells:
            rows.append((cells[0][0], cells, header_row))
        cells, header_row = [], False

    for idx in range(start + 1, end):
        raw = lines[idx]
        s = raw.strip()
        lineno = idx + 1
        if not s or s.startswith("|+"):
            continue
        if s.startswith("|-"):
            close()
        elif s.startswith("!"):
            header_row = header_row or not cells
            cells.extend((lineno, c) for c in _split_top(s[1:], ("!!", "||")))
        elif s.startswith("|"):
            cells.extend((lineno, c) for c in _split_top(s[1:], ("||",)))
        elif cells:
            last_line, last = cells[-1]
            cells[-1] = (last_line, last + "\n" + raw)
        else:
            stray.append(Problem(lineno, raw, _stray_reason(s)))
    close()
    rows = _apply_rowspans(rows)
    header: list[str] = []
    if rows and rows[0][2]:
        header = [_header_text(c) for _, c in rows[0][1]]
        rows = rows[1:]
    return header, rows, stray


def _stray_reason(s: str) -> str:
    if s.startswith("{{"):
        return ("this row is built by a template banbot cannot see into; write the account in the row "
                "itself, e.g. | {{user|Name}} || 2026-03-05")
    return "this line is inside the table but is not a cell; start table rows with |- and cells with |"


def _user_columns(header: list[str], user_column: str | None) -> list[int]:
    """The columns whose header *is* an account header (``User``, ``Username``…), not merely mentions one:
    ``Reporting user`` is the admin who reported, never the banned account."""
    def canon(h: str) -> str:
        return re.sub(r"\s+", " ", h).strip().rstrip(":").strip().casefold()

    wanted = {canon(user_column)} if user_column else USER_COLUMN_HEADERS
    return [k for k, h in enumerate(header) if canon(h) in wanted]


def _table_list(lines: list[str], i: int, j: int, section: str, user_column: str | None) -> _Found | None:
    header, rows, stray = _table(lines, i, j)
    cols = _user_columns(header, user_column)
    if not cols:
        return None
    if len(cols) > 1:
        raise AmbiguousColumns([header[k] for k in cols])
    user_col = cols[0]
    date_col = next((k for k, h in enumerate(header) if _DATE_HEADER.search(h) and k != user_col), None)
    out: list[_Row | Problem] = list(stray)
    for lineno, cells, _ in rows:
        last = max(c[0] for c in cells)
        text = "\n".join(lines[lineno - 1: last])
        if user_col >= len(cells):
            out.append(Problem(lineno, text, f"this row has {len(cells)} cells but the user column "
                                             f"is column {user_col + 1}"))
            continue
        has_date = date_col is not None and date_col < len(cells)
        date_cell = _cell_content(cells[date_col][1]) if has_date and date_col is not None else ""
        out.append(_Row(lineno, text, _cell_content(cells[user_col][1]), date_cell, True))
    out.sort(key=lambda r: r.line)
    return _Found(section, out)


def _unwrap_strike(nodes: list[Node]) -> tuple[list[Node], list[Node]]:
    """A bullet's nodes with one leading strike-through opened: (inside it, after it)."""
    first = nodes[0]
    if isinstance(first, Tag) and str(first.tag).strip().lower() in STRIKE_TAGS and first.contents is not None:
        return list(first.contents.nodes), nodes[1:]
    if isinstance(first, Template) and _template_name(first) in STRIKE_TEMPLATES and first.has("1"):
        return list(first.get("1").value.nodes), nodes[1:]
    return nodes, []


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
    found = []
    for section, blocks in by_section.items():
        # each bullet is parsed once: its shape is judged, and its entry read, from the same tree
        codes = {i: mwparserfromhell.parse(lines[i].strip().lstrip("*#").strip()) for b in blocks for i in b}
        shaped = [[_list_shaped(codes[i]) for i in b] for b in blocks]
        first = next((k for k, flags in enumerate(shaped) if any(flags)), None)
        if first is None:
            continue
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
        found.append(_Found(section, rows))
    return found


def _shape_reason(code: Wikicode) -> str:
    if _account_refs(code):
        return ("this bullet is not in the list's shape (an account link first, then an optional date); "
                "it is not an entry")
    return "no account is linked in this row; link it as [[Special:CentralAuth/Name|Name]] or [[User:Name]]"


def _find_lists(lines: list[str], comment_only: set[int], lo: int, hi: int, scope_name: str,
                user_column: str | None) -> list[_Found]:
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
            depth, j = 0, i
            while j < hi:
                t = lines[j].strip()
                depth += t.startswith("{|")
                depth -= t.startswith("|}")
                if depth == 0:
                    break
                j += 1
            table = _table_list(lines, i, j, section, user_column)
            if table is not None:
                found.append(table)
            i = j
        i += 1
    found += _bullet_lists(lines, comment_only, lo, hi, scope_name)
    found.sort(key=lambda f: min((r.line for r in f.rows), default=0))
    return found


# --- stage 2: interpret a row --------------------------------------------------------------------

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


def _template_name(node: Template) -> str:
    return str(node.name).strip().replace("_", " ").casefold()


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


def _interpret(row: _Row) -> BanEntry | Problem:
    code = row.code if row.code is not None else mwparserfromhell.parse(row.user_text)
    refs = _account_refs(code)
    lifted = False
    if refs:
        struck = {_struck(code, node) for _, node in refs}
        if len(struck) > 1:
            return Problem(row.line, row.text, "only part of this row is struck through; cannot tell whether "
                                               "the ban is lifted")
        lifted = struck.pop()
        raws = [raw for raw, _ in refs]
    else:
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
            raws = linked
        elif row.plain_names_allowed and plain:
            raws = [plain]
            lifted = any(str(t.tag).strip().lower() in STRIKE_TAGS for t in code.filter_tags())
        elif row.plain_names_allowed:
            return Problem(row.line, row.text, "the user column of this row is empty")
        else:
            return Problem(row.line, row.text, "no account is linked in this row; link it as "
                                               "[[Special:CentralAuth/Name|Name]] or [[User:Name]]")
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
    shown_as = _shown_names(refs)
    if shown_as is not None and names[0] not in shown_as:
        return Problem(row.line, row.text, f"this row links the account {names[0]} but shows readers "
                                           f"{', '.join(repr(t) for t in sorted(shown_as)) or 'no name'}; write the "
                                           "account's own name as the link's label")
    if not lifted and _STRIKE_MARK.search(row.text):
        return Problem(row.line, row.text, "this row has a strike-through that is not closed around the account; "
                                           "cannot tell whether the ban is lifted")
    date_text = row.date_text
    if not row.plain_names_allowed and refs:
        first = str(refs[0][1])
        after = date_text.find(first)
        date_text = date_text[after + len(first):] if after >= 0 else date_text
    links = tuple(str(node.title) for _, node in refs if isinstance(node, Wikilink)) if refs else tuple(
        t for t in _LINK_TITLE.findall(row.user_text) if account_in_title(t) is not None)
    return BanEntry(names[0], find_date(date_text), lifted, row.line, row.text, linked=bool(refs or linked),
                    links=links)


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


# --- the entry point -----------------------------------------------------------------------------

def parse(text: str, *, section: str | None = None, source: ListSource | None = None,
          user_column: str | None = None) -> BanList:
    """Parse a ban-list page. Raises :class:`~banbot.errors.InputError` only for whole-page problems.

    ``user_column`` names a table's account column when it is none of the usual."""
    source = source or ListSource("text", "<text>")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = blank_comments(text).split("\n")
    raw_lines = text.split("\n")  # same count as lines: comments are blanked keeping their newlines
    comment_only = {i for i, (a, b) in enumerate(zip(raw_lines, lines, strict=True)) if a.strip() and not b.strip()}
    lo, hi, scope = 0, len(lines), "(top of page)"
    if section:
        headings = [(i, h) for i, line in enumerate(lines) if (h := _heading(line))]
        matches = [(i, h) for i, h in headings if _same_heading(h[1], section)]
        if not matches:
            raise SectionNotFound(section, [h[1] for _, h in headings])
        if len(matches) > 1:
            raise AmbiguousSection(section, [i + 1 for i, _ in matches])
        match = matches[0]
        lo, (level, scope) = match[0] + 1, match[1]
        hi = next((i for i, h in headings if i > match[0] and h[0] <= level), len(lines))
    lists = _find_lists(lines, comment_only, lo, hi, scope, user_column)
    if not lists:
        raise NoBanList(f"the section {section!r}" if section else "the page")
    if len(lists) > 1:
        raise AmbiguousBanList([f.section for f in lists])
    rows = lists[0].rows
    entries, problems = _dedupe(r if isinstance(r, Problem) else _interpret(r) for r in rows)
    problems.sort(key=lambda p: p.line)
    return BanList(source, section, tuple(entries), tuple(problems))
