"""Dates as ban lists write them (pure).

Lists mix ``5 March 2026``, ``March 5, 2026``, ``13 Sep 2021``, ``2026-03-05`` and ``{{dts|2026|3|5}}``,
often behind a sort key. A date that cannot be read is ``None``: the date never decides whether an account
is enforced, so an odd date is shown, not fatal.
"""

from __future__ import annotations

import datetime as dt
import re

import mwparserfromhell

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_DATE_TEMPLATES = {"dts", "date", "start date", "sort date", "dtsort", "dte"}


def _make(year: str, month: int | str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_date(text: str) -> dt.date | None:
    """The first date written in ``text`` (wikitext or plain), or ``None``."""
    if "{{" not in text and "<" not in text and "[[" not in text:
        return _plain_date(text)
    code = mwparserfromhell.parse(text)
    for tpl in code.filter_templates(recursive=True):
        if tpl.name.strip().lower() in _DATE_TEMPLATES:
            args = [str(p.value).strip() for p in tpl.params if not p.showkey]
            if len(args) >= 3 and all(a.isdigit() for a in args[:3]):
                return _make(args[0], args[1], args[2])
            if args:
                return find_date(args[0])
    return _plain_date(code.strip_code(normalize=True, collapse=True) if code.filter_templates() else text)


def _plain_date(plain: str) -> dt.date | None:
    found: list[tuple[int, dt.date | None]] = []
    for rx, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_MDY, "mdy")):
        m = rx.search(plain)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "ymd":
            found.append((m.start(), _make(a, b, c)))
        elif order == "dmy":
            found.append((m.start(), _make(c, _MONTHS[b.lower()], a)))
        else:
            found.append((m.start(), _make(c, _MONTHS[a.lower()], b)))
    found.sort(key=lambda item: item[0])
    return found[0][1] if found else None
