"""User names exactly as MediaWiki resolves them (pure: no network).

A ban list is typed by people, so the same account arrives as ``Marsh_Wren``, ``marsh wren`` or
``Marsh&#32;Wren``. banbot only ever acts on the account MediaWiki itself resolves a listed name to, so
this module follows MediaWiki 1.39 step by step and never does more:

* ``Sanitizer::decodeCharReferences`` — ``&name;``, ``&#N;`` and ``&#xN;`` only (a reference without its
  ``;`` stays text: ``Tom&ampJerry`` is a different account from ``Tom&Jerry``), then NFC;
* ``MediaWikiTitleCodec::splitTitleString`` — strip U+200E, U+200F, U+202A–U+202E, fold its whitespace
  set into one space, refuse ``%XX``, leftover ``&…;``, illegal title characters, ``.``/``..``, ``~~~``;
* ``UserNameUtils::isValid`` — no IPs, no ``/``, at most 255 bytes, and none of its troublemaker
  characters (U+0080–009F, U+00A0, U+2000–200F, U+2028–202F, U+3000, U+E000–F8FF).

A name MediaWiki would accept that still holds an invisible or format character (U+00AD, U+FEFF,
U+2060…) is refused too: it may imitate another account on screen, so a steward enforces it by hand.
"""

from __future__ import annotations

import html.entities
import ipaddress
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass

# MediaWikiTitleCodec strips these bidi marks and nothing else.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e]")
# MediaWikiTitleCodec's whitespace (folded into one underscore, shown as a space).
_SPACES = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Sanitizer::CHAR_REFS_REGEX: the semicolon is required.
_CHAR_REFS = re.compile(r"&([A-Za-z0-9\x80-\U0010ffff]+;)|&#([0-9]+);|&#[xX]([0-9A-Fa-f]+);")
_ENTITY_ALIASES = {"רלמ;": "rlm;", "رلم;": "rlm;"}
# Characters outside $wgLegalTitleChars (controls included); '@' and ':' are $wgInvalidUsernameCharacters.
_ILLEGAL_TITLE = re.compile(r"[\x00-\x1f\x7f#<>\[\]|{}]")
_INVALID_USERNAME = set("@:/")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_LEFT_ENTITY = re.compile(r"&[A-Za-z0-9\x80-\U0010ffff]+;")
# UserNameUtils::isValid's troublemakers.
_TROUBLE = re.compile("[\u0080-\u009f\u00a0\u2000-\u200f\u2028-\u202f\u3000\ue000-\uf8ff]")
# Invisible, yet kept in a name by MediaWiki: shown nowhere, so a listed name could imitate another.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0")
MAX_NAME_BYTES = 255


@dataclass(frozen=True)
class InvalidName:
    """Why a written name cannot be acted on, in words a steward can act on."""

    raw: str
    reason: str


def is_invisible(ch: str) -> bool:
    """Format characters (Cf), variation selectors and fillers: they change a name without showing."""
    cp = ord(ch)
    return (unicodedata.category(ch) == "Cf" or ch in _INVISIBLE_EXTRA or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF)


def shown(text: str) -> str:
    """``text`` for human eyes: invisible, format and control characters escaped (``Tar\\u00ADget``)."""
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif is_invisible(ch) or unicodedata.category(ch) in ("Cc", "Co", "Cs", "Zl", "Zp") or ch == "\u00a0" or (
                unicodedata.category(ch) == "Zs" and ch != " "):
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    return "".join(out)


def _valid_codepoint(cp: int) -> bool:
    return (cp in (0x09, 0x0A) or 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD
            or 0x10000 <= cp <= 0x10FFFF)


def _decode_ref(m: re.Match[str]) -> str:
    if m.group(1):
        name = _ENTITY_ALIASES.get(m.group(1), m.group(1))
        return html.entities.html5.get(name, "&" + m.group(1))
    cp = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    return chr(cp) if _valid_codepoint(cp) else "\ufffd"


def decode_char_references(text: str) -> str:
    """Sanitizer::decodeCharReferences: only complete references (with ``;``) are decoded."""
    return _CHAR_REFS.sub(_decode_ref, text)


def link_target(target: str) -> str:
    """A ``[[link]]`` target as the parser reads it: percent-encoded bytes decoded (``Marsh%20Wren``)."""
    if "%" not in target:
        return target
    return urllib.parse.unquote(target, errors="strict") if _valid_percent(target) else target


def _valid_percent(target: str) -> bool:
    try:
        urllib.parse.unquote_to_bytes(target).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ucfirst(name: str) -> str | None:
    """Language::ucfirst; None when the capital is not one character (``ß`` → ``SS`` on some wikis only)."""
    first = name[0].upper()
    if len(first) != 1:
        return None
    return first + name[1:]


def _codes(chars: set[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))


def normalize(raw: str) -> str | InvalidName:
    """Return the account name MediaWiki resolves ``raw`` to, or an :class:`InvalidName` saying why not.

    The first letter is capitalized on every wiki, case-sensitive ones included: MediaWiki always
    capitalizes the User namespace (``NamespaceInfo::$alwaysCapitalizedNamespaces``).
    """
    text = unicodedata.normalize("NFC", decode_char_references(raw))
    text = _BIDI.sub("", text)
    hidden = set() if text.isascii() else {c for c in text if is_invisible(c)}  # no ASCII character is invisible
    if hidden:
        return InvalidName(raw, f"'{shown(text.strip())}' holds invisible characters ({_codes(hidden)}) and may "
                                "imitate another account; enforce by hand with `banbot enforce`")
    text = _SPACES.sub(" ", text).strip(" ")
    if not text:
        return InvalidName(raw, "the user name is empty")
    if "\ufffd" in text:
        return InvalidName(raw, f"'{shown(text)}' holds an invalid character reference or byte (U+FFFD)")
    if is_ip_or_range(text):
        return InvalidName(raw, f"'{text}' is an IP address or range; bans here name accounts, not addresses")
    bad = sorted({c for c in text if _ILLEGAL_TITLE.match(c) or c in _INVALID_USERNAME})
    if bad:
        return InvalidName(raw, f"'{shown(text)}' is not a valid user name: it contains "
                                f"{' '.join(shown(c) for c in bad)}")
    if _PERCENT.search(text) or _LEFT_ENTITY.search(text):
        return InvalidName(raw, f"'{shown(text)}' is not a valid user name: MediaWiki refuses percent-encoded "
                                "bytes (%XX) and character references in names")
    if text in (".", "..") or "~~~" in text:
        return InvalidName(raw, f"'{shown(text)}' is not a valid user name (MediaWiki refuses '.', '..' and '~~~')")
    trouble = set(_TROUBLE.findall(text))
    if trouble:
        return InvalidName(raw, f"'{shown(text)}' is not a valid user name: it contains {_codes(trouble)}")
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        return InvalidName(raw, f"the user name is longer than {MAX_NAME_BYTES} bytes")
    # The User namespace is capitalized on every wiki, case-sensitive ones included
    # (NamespaceInfo::$alwaysCapitalizedNamespaces), and isValid refuses a name that is not ucfirst'ed.
    upper = _ucfirst(text)
    if upper is None:
        return InvalidName(raw, f"'{text}' starts with {text[0]!r}, whose capital differs between MediaWiki "
                                "configurations; write the name as the wiki shows it, or enforce by hand")
    # isValid measures the name again after ucfirst: 'ɐ' (2 bytes) becomes 'Ɐ' (3 bytes).
    if len(upper.encode("utf-8")) > MAX_NAME_BYTES:
        return InvalidName(raw, f"the user name is longer than {MAX_NAME_BYTES} bytes once its first letter is "
                                "capitalized")
    return upper


def is_ip_or_range(text: str) -> bool:
    """True for IPv4/IPv6 addresses and CIDR ranges, as MediaWiki's IPUtils would see them."""
    candidate = text.strip()
    if "." not in candidate and ":" not in candidate:
        return False  # an IPv4 address (hidden or not) has dots, an IPv6 address colons
    try:
        if "/" in candidate:
            ipaddress.ip_network(candidate, strict=False)
        else:
            ipaddress.ip_address(candidate)
    except ValueError:
        # MediaWiki also treats 'xxx' in the last octet as an IP (a hidden address).
        return bool(re.fullmatch(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.(\d{1,3}|xxx)", candidate, re.IGNORECASE))
    return True
