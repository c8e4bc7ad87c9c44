"""banbot.banlist as a package: every name it offered as one module is still there, and the row reading steps
that used to be one function still agree with each other."""

from __future__ import annotations

import importlib

import pytest

from banbot import banlist
from banbot.banlist import bullets, rows

# Every name src, tests and scripts import from banbot.banlist (grep "from banbot.banlist import" and
# "banlist\.") when it was one file.
IMPORTED = ["BanEntry", "BanList", "ListSource", "Problem", "Protection", "STRIKE_TAGS", "account_in_title",
            "blank_comments", "link_prefixes", "parse", "_normalize", "_rowspan", "_split_top"]


@pytest.mark.parametrize("name", IMPORTED)
def test_every_name_imported_from_the_old_module_is_still_offered(name: str) -> None:
    assert hasattr(importlib.import_module("banbot.banlist"), name)


def test_rows_and_bullets_share_the_one_normalize_cache_a_benchmark_clears() -> None:
    assert banlist._normalize is rows._normalize is bullets._normalize


@pytest.mark.parametrize("cell", ["[[User:Unclosed]", "[[User:Unclosed|Unclosed]"])
def test_a_link_mwparserfromhell_does_not_parse_still_records_its_title(cell: str) -> None:
    got = banlist.parse(f"{{|\n! User\n|-\n| {cell}\n|}}")
    assert [(e.user, e.linked, e.links) for e in got.entries] == [("Unclosed", True, ("User:Unclosed",))]


def test_a_bare_name_records_no_link() -> None:
    got = banlist.parse("{|\n! User\n|-\n| Bare Name\n|}")
    assert [(e.user, e.linked, e.links) for e in got.entries] == [("Bare Name", False, ())]


def test_a_row_with_parsed_links_records_only_those_not_link_like_text() -> None:
    # crosscheck.off_farm checks where each recorded link leads: text shown as a link's wikitext leads nowhere
    got = banlist.parse("{|\n! User\n|-\n| [[User:Shown]] <nowiki>[[User:Quoted]]</nowiki>\n|}")
    assert [(e.user, e.links) for e in got.entries] == [("Shown", ("User:Shown",))]
