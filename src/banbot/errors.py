"""Typed errors: each says what went wrong and what the operator should do next.

    BanbotError                    exit 2 unless a subclass says otherwise
    ├── UsageError                 the command line does not parse (argparse's message)
    ├── InputError                 the list, a file or the command line cannot be used as given
    │   ├── SourceUnreadable       not text, not UTF-8, missing file, missing page
    │   ├── SectionNotFound        --section names no heading on the page
    │   ├── NoBanList              nothing on the page looks like a ban list
    │   ├── AmbiguousBanList       more than one list: name a section
    │   ├── AmbiguousColumns       two table columns could name the account: set list.user_column
    │   ├── NotARestrictionsList   a restrictions list is not a table User | Groups | Wikis | Date
    │   ├── AmbiguousRestrictionColumns  two columns headed Groups (or Wikis): rename one on the wiki
    │   └── AmbiguousSection       two sections carry the configured heading
    ├── ConfigError                the TOML config is missing, malformed or invalid (names the field)
    ├── PlanRejected               a plan file does not match its digest, or the world moved since it was made
    ├── JournalError               the journal cannot be opened, is corrupt or is locked
    │   └── JournalUnwritable      its disk is full or failing: free space, run again (exit 7)
    ├── UnsafeRun                  a safety rail holds the run back (see the message for the rule)
    │   └── AwaitingApproval       [approval]: the plan waits for a second trusted person on the approval page
    ├── RunInProgress              another run holds the lock next to the journal (exit 6)
    └── WikiError                  an API or transport error, carrying ``code`` and ``info``
        ├── TransientWikiError     maxlag, ratelimited, readonly, 5xx, connection reset: try again later
        └── PermanentWikiError     permissiondenied, nosuchuser, protectedpage…: retrying will not help

Input the parser cannot read row by row is *data* (a ``Problem``), never an exception; these errors are
for whole inputs that cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from banbot.exits import Exit


class BanbotError(Exception):
    """Root of every error banbot raises on purpose."""

    exit_code = Exit.USAGE


class UsageError(BanbotError):
    """The command line does not parse; ``usage`` is the command's usage line."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


class InputError(BanbotError):
    pass


class SourceUnreadable(InputError):
    pass


class SectionNotFound(InputError):
    def __init__(self, section: str, headings: list[str]) -> None:
        listed = ", ".join(repr(h) for h in headings) or "(the page has no headings)"
        super().__init__(f"no section {section!r} on the page; its headings are: {listed}")
        self.section = section
        self.headings = headings


class NoBanList(InputError):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} holds no ban list: expected a wikitable whose header names a user column, "
            "or a bulleted list whose items link to accounts"
        )


class AmbiguousBanList(InputError):
    def __init__(self, sections: list[str]) -> None:
        names = ", ".join(repr(s) for s in sections)
        super().__init__(
            f"the page holds {len(sections)} lists that name accounts, in sections {names}; "
            "banbot will not guess which is the ban list: pass --section HEADING (or set list.section in the config)"
        )
        self.sections = sections


class AmbiguousColumns(InputError):
    def __init__(self, headers: list[str]) -> None:
        super().__init__(
            f"the ban list table has {len(headers)} columns that could name the account ({', '.join(headers)}); "
            "banbot will not guess: set list.user_column in the config to the header of the account column"
        )
        self.headers = headers


class NotARestrictionsList(InputError):
    """A page read as a restrictions list holds a list of another shape: bullets, or a table without the
    Groups or Wikis column. Its rows would name accounts without the rights to take, so none is read."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(
            f"a restrictions list is a table with the columns User | Groups | Wikis | Date; {where} holds none "
            f"({why}): write the list as such a table (Groups: comma-separated group names such as sysop, "
            "Wikis: comma-separated database names such as enwiki, or empty for every wiki), or point the list "
            "settings at the page or section that holds it"
        )
        self.where = where
        self.why = why


class AmbiguousRestrictionColumns(InputError):
    def __init__(self, column: str, headers: list[str]) -> None:
        super().__init__(
            f"the restrictions table has {len(headers)} columns headed {column} ({', '.join(headers)}); "
            f"banbot will not guess which names the {column.lower()}: rename or remove one of them on the wiki"
        )
        self.column = column
        self.headers = headers


class AmbiguousSection(InputError):
    def __init__(self, section: str, lines: list[int]) -> None:
        super().__init__(
            f"the page has {len(lines)} sections headed {section!r} (lines {', '.join(map(str, lines))}); "
            "banbot will not guess which holds the ban list: rename one of them on the wiki"
        )


class ConfigError(BanbotError):
    pass


class PlanRejected(BanbotError):
    """``details``: what a script needs to see why (for a reviewed plan: what changed), in the JSON error."""

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details = dict(details or {})


class JournalError(BanbotError):
    pass


class JournalUnwritable(JournalError):
    """The disk under the journal is full or failing: the journal itself is fine, the run cannot record."""

    exit_code = Exit.STORAGE


class UnsafeRun(BanbotError):
    exit_code = Exit.UNSAFE


class AwaitingApproval(UnsafeRun):
    """The two-person rule holds the plan: posted, waiting, rejected or expired (rule ``approval``)."""

    rule = "approval"


class RunInProgress(BanbotError):
    exit_code = Exit.LOCKED


# Codes that clear up by themselves; everything else is permanent for this run.
TRANSIENT_CODES = frozenset(
    {"maxlag", "ratelimited", "readonly", "http-5xx", "connection", "timeout", "badtoken",
     "internal_api_error_DBQueryError"}
)


class WikiError(BanbotError):
    """An API error with its code; ``wiki`` is the dbname it came from."""

    exit_code = Exit.ERROR
    transient = False

    def __init__(self, code: str, info: str = "", *, wiki: str = "", extra: Mapping[str, Any] | None = None) -> None:
        where = f" on {wiki}" if wiki else ""
        super().__init__(f"{code}{where}: {info}" if info else f"{code}{where}")
        self.code = code
        self.info = info
        self.wiki = wiki
        self.extra = dict(extra or {})

    @staticmethod
    def from_code(code: str, info: str = "", *, wiki: str = "", extra: Mapping[str, Any] | None = None) -> WikiError:
        cls: type[WikiError] = (
            TransientWikiError
            if code in TRANSIENT_CODES or code.startswith("internal_api_error_DB")
            else PermanentWikiError
        )
        return cls(code, info, wiki=wiki, extra=extra)


class TransientWikiError(WikiError):
    transient = True


class PermanentWikiError(WikiError):
    transient = False
