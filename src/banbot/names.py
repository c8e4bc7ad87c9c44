"""User names as MediaWiki normalises and validates them (pure: no network).

A ban list is typed by people, so the same account arrives as ``Marsh_Wren``, ``marsh wren`` or
``Marsh&#32;Wren``. Comparing accounts is only safe after normalising exactly as MediaWiki does
(``MediaWikiTitleCodec::splitTitleString`` and ``UserNameUtils::isValid``); anything MediaWiki itself
would refuse is refused here too, with a reason a steward can act on.
"""

from __future__ import annotations

import html
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

# Bidi marks MediaWiki strips from titles, plus zero-width and soft-hyphen marks that make two names
# look equal on screen while differing in bytes.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u200b-\u200d\u2060\ufeff\u00ad]")
# Whitespace MediaWiki folds into one underscore (MediaWikiTitleCodec), and underscores themselves.
_SPACES = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\t]+")
# $wgLegalTitleChars excludes these; '@' and ':' are $wgInvalidUsernameCharacters; '/' makes a subpage.
_ILLEGAL = set("#<>[]|{}@:/")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME_BYTES = 255


@dataclass(frozen=True)
class InvalidName:
    """Why a written name cannot be an account, in words a steward can act on."""

    raw: str
    reason: str


def _ucfirst(name: str) -> str:
    first = name[0].upper()
    # 'ß'.upper() is 'SS': MediaWiki keeps such characters, so only take one-to-one mappings.
    return (first if len(first) == 1 else name[0]) + name[1:]


def normalize(raw: str, *, case_sensitive_first_letter: bool = False) -> str | InvalidName:
    """Return the canonical account name for ``raw``, or an :class:`InvalidName`.

    ``case_sensitive_first_letter`` mirrors a wiki whose siteinfo ``case`` is ``case-sensitive``.
    """
    text = html.unescape(raw)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return InvalidName(raw, "the user name is empty")
    if _CONTROL.search(text):
        return InvalidName(raw, "the user name contains control characters")
    if is_ip_or_range(text):
        return InvalidName(raw, f"'{text}' is an IP address or range; bans here name accounts, not addresses")
    bad = sorted({c for c in text if c in _ILLEGAL})
    if bad:
        return InvalidName(raw, f"'{text}' is not a valid user name: it contains {' '.join(bad)}")
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        return InvalidName(raw, f"the user name is longer than {MAX_NAME_BYTES} bytes")
    if not case_sensitive_first_letter:
        text = _ucfirst(text)
    return text


def is_ip_or_range(text: str) -> bool:
    """True for IPv4/IPv6 addresses and CIDR ranges, as MediaWiki's IPUtils would see them."""
    candidate = text.strip()
    try:
        if "/" in candidate:
            ipaddress.ip_network(candidate, strict=False)
        else:
            ipaddress.ip_address(candidate)
    except ValueError:
        # MediaWiki also treats 'xxx' in the last octet as an IP (a hidden address).
        return bool(re.fullmatch(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.(\d{1,3}|xxx)", candidate, re.IGNORECASE))
    return True
