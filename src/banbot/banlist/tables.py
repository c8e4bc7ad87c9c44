"""Stage 1 for tables: cut a wikitable into candidate rows below a header that names a user column.

Cells are placed in their columns as a browser places them (``rowspan`` carries a cell down), the header's
names pick the account, date, and for a restrictions list the Groups and Wikis columns; a line inside the
table that is not a cell is reported, never skipped.
"""

from __future__ import annotations

import re

import mwparserfromhell

from banbot.banlist.markup import _split_top
from banbot.banlist.records import Problem
from banbot.banlist.rows import _Found, _Row
from banbot.errors import AmbiguousColumns, AmbiguousRestrictionColumns

# Headers that name the account column exactly (``list.user_column`` names another).
USER_COLUMN_HEADERS = frozenset({"user", "username", "user name", "account", "name", "benutzer", "benutzername",
                                 "utilisateur", "usuario", "用户", "用戶", "使用者", "用户名", "用戶名", "账户"})
_DATE_HEADER = re.compile(r"date|since|banned on|datum|fecha|日期|时间")
# The restrictions list's own columns, by their header (``Groups:`` and ``GROUPS`` too).
GROUPS_HEADER = "groups"
WIKIS_HEADER = "wikis"


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


def _canon_header(h: str) -> str:
    return re.sub(r"\s+", " ", h).strip().rstrip(":").strip().casefold()


def _user_columns(header: list[str], user_column: str | None) -> list[int]:
    """The columns whose header *is* an account header (``User``, ``Username``…), not merely mentions one:
    ``Reporting user`` is the admin who reported, never the banned account."""
    wanted = {_canon_header(user_column)} if user_column else USER_COLUMN_HEADERS
    return [k for k, h in enumerate(header) if _canon_header(h) in wanted]


def _restriction_columns(header: list[str]) -> tuple[tuple[int, int] | None, str | None]:
    """The Groups and Wikis columns, else why the table is no restrictions list. Found by their headers, never
    by position: a table whose columns were swapped reads the same."""
    found: list[int] = []
    missing: list[str] = []
    for name in (GROUPS_HEADER, WIKIS_HEADER):
        cols = [k for k, h in enumerate(header) if _canon_header(h) == name]
        if len(cols) > 1:
            raise AmbiguousRestrictionColumns(name.capitalize(), [header[k] for k in cols])
        found += cols
        missing += [] if cols else [name.capitalize()]
    if missing:
        return None, f"its table has no column headed {' or '.join(missing)}; its columns are {', '.join(header)}"
    return (found[0], found[1]), None


def _missing_cell(cells: int, columns: list[tuple[str, int]]) -> str | None:
    for label, k in columns:
        if k >= cells:
            return f"this row has {cells} cells but the {label} column is column {k + 1}"
    return None


def _table_row(lines: list[str], lineno: int, cells: _Cells, user_col: int, date_col: int | None,
               scope_cols: tuple[int, int] | None) -> _Row | Problem:
    """One body row: its text is every line it spans, so a change in any of its cells changes it."""
    last = max(c[0] for c in cells)
    text = "\n".join(lines[lineno - 1: last])
    wanted = [("user", user_col)] + ([("Groups", scope_cols[0]), ("Wikis", scope_cols[1])] if scope_cols else [])
    short = _missing_cell(len(cells), wanted)
    if short is not None:
        return Problem(lineno, text, short)
    has_date = date_col is not None and date_col < len(cells)
    date_cell = _cell_content(cells[date_col][1]) if has_date and date_col is not None else ""
    # a restrictions row's cells are read as written, attributes and all: only plain names may be in them
    restrict = (cells[scope_cols[0]][1].strip(), cells[scope_cols[1]][1].strip()) if scope_cols else None
    return _Row(lineno, text, _cell_content(cells[user_col][1]), date_cell, True, restrict=restrict)


def _table_list(lines: list[str], i: int, j: int, section: str, user_column: str | None,
                restrictions: bool) -> _Found | None:
    header, rows, stray = _table(lines, i, j)
    cols = _user_columns(header, user_column)
    if not cols:
        return None
    if len(cols) > 1:
        raise AmbiguousColumns([header[k] for k in cols])
    user_col = cols[0]
    scope_cols, misfit = _restriction_columns(header) if restrictions else (None, None)
    taken = {user_col, *(scope_cols or ())}
    date_col = next((k for k, h in enumerate(header) if _DATE_HEADER.search(h) and k not in taken), None)
    out: list[_Row | Problem] = list(stray)
    out += [_table_row(lines, lineno, cells, user_col, date_col, scope_cols) for lineno, cells, _ in rows]
    out.sort(key=lambda r: r.line)
    return _Found(section, out, misfit)
