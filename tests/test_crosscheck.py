"""The cross-check against what readers see and MediaWiki resolves, on HTML recorded from the farm's
MediaWiki 1.39 (tests/fixtures/rendered/: the .wiki text and its action=parse answer)."""

from __future__ import annotations

import json
from pathlib import Path

from banbot import banlist
from banbot.crosscheck import demote, objections, read_rendered

HERE = Path(__file__).resolve().parent / "fixtures" / "rendered"


def hidden_rows() -> tuple[banlist.BanList, str]:
    text = (HERE / "hidden-rows.wiki").read_text()
    html = json.loads((HERE / "hidden-rows.parse.json").read_text())["response"]["parse"]["text"]
    return banlist.parse(text), html


def test_rows_readers_do_not_see_plainly_are_problems_and_the_rest_stay_entries() -> None:
    bans, html = hidden_rows()
    resolved = {e.user: e.user for e in bans.active}
    why = objections(bans, read_rendered(html), resolved)
    assert set(why) == {"In Nowiki", "In Includeonly", "In Display None", "Css Struck", "In Pre"}
    assert "hides it" in why["In Display None"] and "struck through" in why["Css Struck"]
    assert "does not show this account" in why["In Nowiki"]
    checked = demote(bans, why)
    assert [e.user for e in checked.active] == ["Seen One", "Seen Two", "Marsh Wren", "Bare Name"]
    assert len(checked.entries) + len(checked.problems) == len(bans.entries) + len(bans.problems)


def test_a_name_mediawiki_resolves_differently_or_refuses_is_a_problem() -> None:
    bans, html = hidden_rows()
    resolved = {e.user: e.user for e in bans.active} | {"Seen One": "Seen one", "Seen Two": None}
    why = objections(bans, read_rendered(html), resolved)
    assert "resolves 'Seen One' to 'Seen one'" in why["Seen One"]
    assert "not a valid user name" in why["Seen Two"]


def test_a_bare_name_in_a_table_needs_only_to_be_shown() -> None:
    bans = banlist.parse("{|\n! User !! Date\n|-\n| Plain Name || 2026-03-05\n|}")
    html = "<table><tr><td>Plain Name</td><td>2026-03-05</td></tr></table>"
    assert objections(bans, read_rendered(html), {"Plain Name": "Plain Name"}) == {}
    hidden = '<table><tr><td><span style="display: none">Plain Name</span></td></tr></table>'
    assert "Plain Name" in objections(bans, read_rendered(hidden), {"Plain Name": "Plain Name"})
