from banbot.names import InvalidName, is_ip_or_range, normalize


def test_underscores_and_runs_of_spaces_become_one_space() -> None:
    assert normalize("Marsh__Wren") == "Marsh Wren"
    assert normalize("  Marsh \u3000 Wren ") == "Marsh Wren"


def test_first_letter_is_upper_cased_and_the_rest_kept() -> None:
    assert normalize("community two") == "Community two"
    assert normalize("éclair") == "Éclair"


def test_first_letter_kept_on_case_sensitive_wikis() -> None:
    assert normalize("iPhone fan", case_sensitive_first_letter=True) == "iPhone fan"


def test_sharp_s_is_not_expanded_when_upper_cased() -> None:
    assert normalize("ßeta") == "ßeta"


def test_html_entities_are_decoded() -> None:
    assert normalize("Bob&#95;Entity &amp; Co") == "Bob Entity & Co"


def test_combining_marks_are_composed_nfc() -> None:
    assert normalize("Cafe\u0301") == "Caf\u00e9"


def test_invisible_marks_are_stripped() -> None:
    assert normalize("Bidi\u200eMark\u200b") == "BidiMark"


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
