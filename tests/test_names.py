from banbot.names import InvalidName, is_ip_or_range, link_target, normalize, shown


def test_underscores_and_runs_of_spaces_become_one_space() -> None:
    assert normalize("Marsh__Wren") == "Marsh Wren"
    assert normalize("  Marsh \u3000 Wren ") == "Marsh Wren"


def test_first_letter_is_upper_cased_and_the_rest_kept() -> None:
    assert normalize("community two") == "Community two"
    assert normalize("éclair") == "Éclair"


def test_user_names_are_capitalized_even_on_case_sensitive_wikis() -> None:
    # MediaWiki capitalizes the User namespace whatever $wgCapitalLinks says: [[User:iPhone fan]] on a
    # case-sensitive wiki is the account "IPhone fan" (checked on the farm with $wgCapitalLinks = false).
    assert normalize("iPhone fan") == "IPhone fan"


def test_a_name_that_outgrows_255_bytes_when_capitalized_is_refused() -> None:
    # 'ɐ' is 2 bytes and its capital 'Ɐ' 3: MediaWiki's isValid measures the capitalized name.
    assert isinstance(normalize("\u0250" + "a" * 253), InvalidName)
    assert normalize("\u0250" + "a" * 252) == "\u2c6f" + "a" * 252
    # 'ı' shrinks to 'I'. list=users capitalizes before measuring and accepts 'I' + 254 letters, but
    # [[User:ı…]] is measured as written (256 bytes) and is no link: refusing is the cautious answer.
    assert isinstance(normalize("\u0131" + "a" * 254), InvalidName)


def test_a_first_letter_whose_capital_is_two_letters_is_refused() -> None:
    # PHP's mb_strtoupper makes 'ß' 'SS'; Wikimedia overrides it back: the account depends on the wiki.
    assert isinstance(normalize("ßeta"), InvalidName)
    assert normalize("Sseta") == "Sseta"


def test_html_entities_are_decoded() -> None:
    assert normalize("Bob&#95;Entity &amp; Co") == "Bob Entity & Co"


def test_combining_marks_are_composed_nfc() -> None:
    assert normalize("Cafe\u0301") == "Caf\u00e9"


def test_only_the_bidi_marks_mediawiki_strips_are_stripped() -> None:
    assert normalize("Bidi\u200eMa\u202ark\u200f") == "BidiMark"


def test_invisible_characters_mediawiki_keeps_make_the_name_a_problem() -> None:
    for ch in ("\u00ad", "\ufeff", "\u2060", "\u034f", "\u180e", "\u200b", "\u200d"):
        result = normalize(f"Tar{ch}get")
        assert isinstance(result, InvalidName), repr(ch)
        assert "imitate" in result.reason and f"\\u{ord(ch):04X}" in result.reason


def test_references_without_a_semicolon_are_not_decoded() -> None:
    assert normalize("Tom&ampJerry") == "Tom&ampJerry"
    assert normalize("Tom&amp;Jerry") == "Tom&Jerry"
    assert normalize("A&#x42;c") == "ABc"


def test_unknown_entities_and_percent_bytes_are_refused() -> None:
    assert isinstance(normalize("Foo&bogus;Bar"), InvalidName)
    assert isinstance(normalize("Marsh%20Wren"), InvalidName)


def test_link_targets_are_percent_decoded_as_the_parser_does() -> None:
    assert normalize(link_target("Marsh%20Wren")) == "Marsh Wren"
    assert link_target("Bad%FFbyte") == "Bad%FFbyte"


def test_user_name_troublemakers_are_refused() -> None:
    for raw in ("A\u0085B", "A\ue000B", "A\u200bB", "A~~~B", "..", "A\tB"):
        assert isinstance(normalize(raw), InvalidName), repr(raw)


def test_shown_escapes_what_cannot_be_seen() -> None:
    assert shown("Tar\u00adget") == "Tar\\u00ADget"
    assert shown("Río Seco 青山") == "Río Seco 青山"


def test_illegal_characters_are_rejected_with_the_character_named() -> None:
    for raw, char in (("A#B", "#"), ("A<B", "<"), ("A[B", "["), ("A|B", "|"), ("A{B", "{"), ("A@B", "@"),
                      ("A:B", ":"), ("A/B", "/")):
        result = normalize(raw)
        assert isinstance(result, InvalidName)
        assert char in result.reason


def test_empty_and_blank_names_are_rejected() -> None:
    assert isinstance(normalize(""), InvalidName)
    assert isinstance(normalize(" _ "), InvalidName)


def test_ip_addresses_and_ranges_are_rejected() -> None:
    for raw in ("198.51.100.23", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32", "1.2.3.xxx"):
        result = normalize(raw)
        assert isinstance(result, InvalidName), raw
        assert "IP address" in result.reason


def test_names_that_look_numeric_but_are_not_ips_are_accounts() -> None:
    assert not is_ip_or_range("1.2.3")
    assert normalize("2026 Named") == "2026 Named"


def test_overlong_names_are_rejected() -> None:
    assert isinstance(normalize("x" * 256), InvalidName)
