"""MediaWiki's name rules at their edges: each character class, each boundary of a range, each reason, pinned
down where mutation testing (scripts/mutation names) found no test."""

from __future__ import annotations

import pytest

from banbot.names import (
    MAX_NAME_BYTES,
    InvalidName,
    decode_char_references,
    is_invisible,
    is_ip_or_range,
    link_target,
    normalize,
    shown,
)


def reason(raw: str) -> str:
    result = normalize(raw)
    assert isinstance(result, InvalidName), f"{raw!r} was accepted as {result!r}"
    return result.reason


@pytest.mark.parametrize("cp", [0xFE00, 0xFE0F, 0xE0100, 0xE0101, 0xE01EE, 0xE01EF])
def test_variation_selectors_are_invisible_and_make_a_name_a_problem(cp: int) -> None:
    assert is_invisible(chr(cp))
    text = reason(f"Tar{chr(cp)}get")
    assert "imitate another account" in text and (f"U+{cp:04X}") in text


@pytest.mark.parametrize("cp", [0xFDFF, 0xFE10, 0xE00FF, 0xE01F0])
def test_the_neighbours_of_the_variation_selectors_are_not_invisible(cp: int) -> None:
    assert not is_invisible(chr(cp))


@pytest.mark.parametrize("ch", ["\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180b", "\u180c", "\u180d",
                                "\u180e", "\u180f", "\u3164", "\uffa0", "\u00ad", "\u2061", "\U000e0001"])
def test_fillers_and_format_characters_are_invisible(ch: str) -> None:
    assert is_invisible(ch)
    assert "imitate" in reason(f"A{ch}b")


def test_the_reason_lists_every_invisible_character_sorted_and_escapes_the_name() -> None:
    text = reason("A\u2060b\u00adc")
    assert "'A\\u2060b\\u00ADc'" in text and "(U+00AD, U+2060)" in text


@pytest.mark.parametrize("ch", ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"])
def test_each_bidi_mark_mediawiki_strips_is_stripped(ch: str) -> None:
    assert normalize(f"Bi{ch}di") == "Bidi"


@pytest.mark.parametrize("ch", ["\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f",
                                "\u205f", "\u3000", "_"])
def test_each_whitespace_mediawiki_folds_becomes_one_space(ch: str) -> None:
    assert normalize(f"Marsh{ch}{ch}Wren") == "Marsh Wren"


@pytest.mark.parametrize("ref, char", [("&#32;", " "), ("&#x41;", "A"), ("&#X41;", "A"), ("&#x4a;", "J"),
                                       ("&amp;", "&"), ("&eacute;", "é"), ("&rlm;", "\u200f"),
                                       ("&\u05e8\u05dc\u05de;", "\u200f"), ("&\u0631\u0644\u0645;", "\u200f")])
def test_complete_character_references_are_decoded(ref: str, char: str) -> None:
    assert decode_char_references(f"a{ref}b") == f"a{char}b"


def test_an_unknown_named_reference_stays_as_written() -> None:
    assert decode_char_references("a&bogus;b") == "a&bogus;b"


@pytest.mark.parametrize("cp, valid", [
    (0x08, False), (0x09, True), (0x0A, True), (0x0B, False), (0x1F, False), (0x20, True), (0x7E, True),
    (0x7F, False), (0x9F, False), (0xA0, True), (0xD7FF, True), (0xD800, False), (0xDFFF, False), (0xE000, True),
    (0xFFFD, True), (0xFFFE, False), (0xFFFF, False), (0x10000, True), (0x10FFFF, True), (0x110000, False)])
def test_a_numeric_reference_to_a_character_xml_forbids_becomes_the_replacement_character(cp: int,
                                                                                           valid: bool) -> None:
    assert decode_char_references(f"&#{cp};") == (chr(cp) if valid else "\ufffd")
    assert decode_char_references(f"&#x{cp:x};") == (chr(cp) if valid else "\ufffd")


def test_a_name_holding_the_replacement_character_is_refused_with_that_reason() -> None:
    assert "U+FFFD" in reason("Bad&#1;Ref")


@pytest.mark.parametrize("raw", ["A\x00B", "A\x1fB", "A\x7fB", "A#B", "A<B", "A>B", "A[B", "A]B", "A|B", "A{B",
                                 "A}B", "A@B", "A:B", "A/B"])
def test_each_character_mediawiki_refuses_in_a_title_or_user_name_is_named(raw: str) -> None:
    assert f"it contains {shown(raw[1])}" in reason(raw)


@pytest.mark.parametrize("raw", ["A%41B", "A%7eB", "A&amp;lt;B"])
def test_percent_bytes_and_leftover_references_are_refused(raw: str) -> None:
    assert "percent-encoded" in reason(raw)


@pytest.mark.parametrize("raw", [".", "..", "A~~~B"])
def test_dots_and_signatures_are_refused(raw: str) -> None:
    assert "refuses '.', '..' and '~~~'" in reason(raw)


def test_single_dots_and_tildes_within_a_name_are_fine() -> None:
    assert normalize("A.B") == "A.B" and normalize("...") == "..." and normalize("A~~B") == "A~~B"


@pytest.mark.parametrize("cp", [0x80, 0x9F, 0xE000, 0xF8FF])
def test_each_troublemaker_range_mediawiki_refuses_is_refused_at_its_edges(cp: int) -> None:
    # (U+00A0, U+2000-200F, U+2028-202F and U+3000 are folded, stripped or invisible before this rule)
    assert f"it contains U+{cp:04X}" in reason(f"A{chr(cp)}B")


@pytest.mark.parametrize("cp", [0x7E, 0xA1, 0x1FFF, 0x2030, 0x2FFF, 0x3001, 0xDFFF - 0x1000, 0xF900])
def test_characters_next_to_the_troublemaker_ranges_are_fine(cp: int) -> None:
    assert isinstance(normalize(f"A{chr(cp)}B"), str)


def test_troublemakers_that_are_not_invisible_are_named() -> None:
    assert "it contains U+0085" in reason("A\u0085B")
    assert "it contains U+E000" in reason("A\ue000B")


def test_a_name_of_exactly_255_bytes_is_accepted_and_256_refused() -> None:
    assert MAX_NAME_BYTES == 255
    assert normalize("A" + "é" * 127) == "A" + "é" * 127  # 1 + 254 bytes
    assert "longer than 255 bytes" in reason("A" + "é" * 127 + "b")
    assert "longer than 255 bytes once its first letter is capitalized" in reason("\u0250" + "a" * 253)


def test_the_first_letter_alone_is_capitalized() -> None:
    assert normalize("éCLAIR dE") == "ÉCLAIR dE"
    assert normalize("x") == "X"
    assert "whose capital differs" in reason("ßeta")


@pytest.mark.parametrize("raw", ["198.51.100.23", "10.1.2.3/8", "2001:db8::1", "2001:db8::5/32", "1.2.3.xxx",
                                 "1.2.3.XXX", " 192.0.2.1 "])
def test_addresses_and_ranges_are_ips(raw: str) -> None:
    assert is_ip_or_range(raw)
    assert "IP address or range" in reason(raw)


@pytest.mark.parametrize("raw", ["1.2.3", "10", "1.2.3.4.5", "1.2.3.xx", "Named/Sub"])
def test_things_that_only_look_like_addresses_are_not_ips(raw: str) -> None:
    assert not is_ip_or_range(raw)


def test_a_link_target_is_decoded_only_when_its_bytes_are_utf8() -> None:
    assert link_target("Marsh_Wren") == "Marsh_Wren"
    assert link_target("Caf%C3%A9") == "Café"
    assert link_target("Bad%C3") == "Bad%C3"
    assert link_target("100%") == "100%"


def test_shown_escapes_invisible_control_private_and_odd_space_characters_only() -> None:
    assert shown("a\tb\nc d") == "a\tb\nc d"
    assert shown("\x01\x7f") == "\\u0001\\u007F"
    assert shown("\ue000\u2028\u2029\u00a0\u3000") == "\\uE000\\u2028\\u2029\\u00A0\\u3000"
    assert shown("\U000e0100") == "\\U000E0100"
    assert shown("\ufeff") == "\\uFEFF"
    assert shown("\U0001f600") == "\U0001f600"
    assert shown("a\ud800b") == "a\\uD800b"  # a lone surrogate, as a JSON answer may carry one


def test_an_empty_name_is_refused_as_empty() -> None:
    assert reason("&#32;_\u3000") == "the user name is empty"


def test_a_name_with_a_slash_and_a_dot_is_no_ip_range() -> None:
    assert not is_ip_or_range("Release 1.2/beta")
