"""Golden files: each tests/banlists/<case>.wiki against expected/<case>[.<variant>].json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from banbot import banlist, errors

HERE = Path(__file__).resolve().parent / "banlists"
CASES = sorted((HERE / "expected").glob("*.json"))


def _wiki_for(expected: Path) -> Path:
    return HERE / (expected.name.split(".")[0] + ".wiki")


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.stem)
def test_golden_ban_list(expected: Path) -> None:
    want = json.loads(expected.read_text())
    args = want.get("args", [])
    section = args[args.index("--section") + 1] if "--section" in args else None
    text = _wiki_for(expected).read_text()
    if "error" in want:
        with pytest.raises(getattr(errors, want["error"])):
            banlist.parse(text, section=section)
        return
    got = banlist.parse(text, section=section)
    assert [e.to_json() | {"lifted": False} for e in got.active] == [dict(e, lifted=False) for e in want["active"]]
    assert [e.to_json() | {"lifted": True} for e in got.lifted] == [dict(e, lifted=True) for e in want["lifted"]]
    assert [p.line for p in got.problems] == want["problem_lines"]


def test_every_golden_wiki_file_has_an_expectation() -> None:
    covered = {_wiki_for(e) for e in CASES}
    assert set(HERE.glob("*.wiki")) <= covered


def test_problems_carry_the_row_text_and_a_reason() -> None:
    got = banlist.parse((HERE / "wmf-global-ban-list.wiki").read_text())
    dup = next(p for p in got.problems if p.line == 15)
    assert "Marsh_Wren" in dup.text
    assert "listed again" in dup.reason and "line 7" in dup.reason


def test_ambiguous_page_names_the_sections_holding_lists() -> None:
    with pytest.raises(errors.AmbiguousBanList) as e:
        banlist.parse((HERE / "community-list-tables.wiki").read_text())
    assert e.value.sections == ["Currently banned by the community", "Currently banned by the Wikimedia Foundation",
                                "Unsuccessful community global ban requests"]
    assert "--section" in str(e.value)


def test_missing_section_lists_the_headings_there_are() -> None:
    with pytest.raises(errors.SectionNotFound) as e:
        banlist.parse((HERE / "policy-page-with-table.wiki").read_text(), section="Nope")
    assert "See also" in str(e.value)


def test_section_names_match_regardless_of_case_and_underscores() -> None:
    got = banlist.parse((HERE / "policy-page-with-table.wiki").read_text(),
                        section="list_of_global_bans_placed_by_the_wikimedia_foundation")
    assert len(got.active) == 5


def test_crlf_line_endings_keep_line_numbers() -> None:
    text = (HERE / "wmf-global-ban-list.wiki").read_text().replace("\n", "\r\n")
    got = banlist.parse(text)
    assert [e.line for e in got.active][:2] == [5, 6]


def test_json_form_is_the_documented_contract() -> None:
    got = banlist.parse((HERE / "wmf-global-ban-list.wiki").read_text())
    data = got.to_json()
    assert set(data) >= {"source", "entries", "problems"}
    assert set(data["entries"][0]) == {"user", "since", "lifted", "line"}
    assert set(data["problems"][0]) == {"line", "text", "reason"}


def test_user_names_are_capitalized_as_the_user_namespace_is_on_every_wiki() -> None:
    got = banlist.parse("* [[User:iPhone fan]]\n* [[User:lower_case]]")
    assert [e.user for e in got.active] == ["IPhone fan", "Lower case"]
