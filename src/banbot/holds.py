"""Why banbot holds an account or a step back for a human (pure): typed reasons, never words to match."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Why(StrEnum):
    """Why a hold: audit, lifted and the reports decide from these codes, never from the words."""

    MISSING = "missing"  # no such account: nothing to do
    INVALID = "invalid"  # the central wiki rejects the name
    NOT_VISIBLE = "not-visible"  # missing to this login; a hidden account looks the same
    LOCAL_ONLY = "local-only"  # local accounts of the name, no global account (CentralAuth cannot lock it)
    HIDDEN = "hidden"  # a hidden account: no notice that would publish its name
    OWN_ACCOUNT = "own-account"
    EXEMPT = "exempt"  # exempt_users or exempt_groups
    UNATTACHED = "unattached"  # a local account of the name that may be someone else's
    REGISTERED_AFTER_LISTING = "registered-after-listing"
    REVERSED = "reversed"  # done once (journal), undone on the wiki: a human's decision
    OPTED_OUT = "opted-out"  # {{nobots}}
    PROTECTED = "protected"  # the talk page
    NOT_WIKITEXT = "not-wikitext"  # the talk page is a redirect or of another content model
    FOREIGN_MARKER = "foreign-marker"  # banbot's marker on a talk page, not written by banbot
    UNTRUSTED_ORIGIN = "untrusted-origin"  # the entry's row was not written by trusted editors only
    UNKNOWN_WIKI = "unknown-wiki"  # a restriction names a wiki neither the config nor CentralAuth knows


def hidden_fact(hidden: bool) -> dict[str, Any]:
    """The ``hidden`` fact in a record's JSON form, only when true: the forms (and digests) of every other
    record stay as they were."""
    return {"hidden": True} if hidden else {}


@dataclass(frozen=True)
class Hold:
    """An account or step banbot will not act on, with the reason, for a human to review (``hidden``: the
    account is one CentralAuth hides; nothing published on a wiki may name it)."""

    user: str
    reason: str
    wiki: str | None = None
    why: Why = Why.EXEMPT
    hidden: bool = False

    @property
    def missing(self) -> bool:
        return self.why == Why.MISSING

    @property
    def unnamed(self) -> bool:
        """Whether what is published on a wiki must not name this account: it is hidden, or this key cannot
        see it (a hidden account looks the same)."""
        return self.hidden or self.why == Why.NOT_VISIBLE

    def data(self) -> dict[str, Any]:
        return {"user": self.user, "wiki": self.wiki, "reason": self.reason, "code": str(self.why),
                **hidden_fact(self.hidden)}
