"""The cross-check against what readers see and MediaWiki resolves, on HTML recorded from the farm's
MediaWiki 1.39 (tests/fixtures/rendered/: the .wiki text and its action=parse answer)."""

from __future__ import annotations

import json
from pathlib import Path

from banbot import banlist
from banbot.crosscheck import Interwiki, demote, interwiki_map, objections, off_farm, read_rendered

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


# --- links off the farm (issue 16): recorded from the farm, whose wikis have the prefixes en: (an interlanguage
# prefix for en.wikipedia.org) and farm-en: (the farm's own enwiki) besides MediaWiki's defaults (wikipedia:…)

FARM_HOSTS = ("127.0.0.1:8281", "127.0.0.1:8282", "127.0.0.1:8283")


def off_farm_links() -> tuple[banlist.BanList, str, Interwiki]:
    text = (HERE / "off-farm-links.wiki").read_text()
    html = json.loads((HERE / "off-farm-links.parse.json").read_text())["response"]["parse"]["text"]
    rows = json.loads((HERE / "interwikimap.json").read_text())["response"]["query"]["interwikimap"]
    return banlist.parse(text), html, interwiki_map(rows, FARM_HOSTS)


OFF_FARM = {"Interlanguage Name", "Colon Language", "Wikipedia Name", "Colon Wikipedia", "Upper Language"}


def test_links_off_the_farm_are_problems_and_links_within_it_stay_entries() -> None:
    bans, html, iw = off_farm_links()
    assert "Colon Language" in {e.user for e in bans.active}  # the parser alone cannot tell where en: leads
    why = objections(bans, read_rendered(html, FARM_HOSTS), {e.user: e.user for e in bans.active}, iw)
    assert set(why) == OFF_FARM | {"Chained Name"}
    assert "interlanguage link (en:)" in why["Interlanguage Name"] and "(en:)" in why["Upper Language"]
    assert "en: is an interwiki prefix for en.wikipedia.org" in why["Colon Language"]
    assert "wikipedia: is an interwiki prefix for en.wikipedia.org" in why["Wikipedia Name"]
    assert "more than one wiki prefix" in why["Chained Name"]
    checked = demote(bans, why)
    assert [e.user for e in checked.active] == ["Plain Vandal", "Farm Name", "Farm Bare", "Meta Style"]


def test_the_rendered_list_shows_no_account_through_a_link_to_another_site() -> None:
    """Defence in depth: without the interwiki map, the rendered revision alone rejects the same rows (an
    interlanguage link is not in the list at all; an interwiki link has class extiw and leads elsewhere)."""
    bans, html, _ = off_farm_links()
    why = objections(bans, read_rendered(html, FARM_HOSTS), {e.user: e.user for e in bans.active})
    assert set(why) == OFF_FARM
    assert all("does not show this account" in why[n] for n in OFF_FARM)
    assert "Farm Name" in objections(bans, read_rendered(html), {e.user: e.user for e in bans.active})  # no hosts


def test_a_local_interwiki_prefix_stays_on_the_list_wiki() -> None:
    """On Meta-Wiki, m: is $wgLocalInterwikis: MediaWiki drops it and the link stays on Meta."""
    iw = interwiki_map([{"prefix": "m", "localinterwiki": True, "url": "https://meta.wikimedia.org/wiki/$1"},
                        {"prefix": "de", "language": "Deutsch", "url": "https://de.wikipedia.org/wiki/$1"}],
                       ["meta.wikimedia.org"])
    bans = banlist.parse("* [[m:User:Stays]], since 5 March 2026\n* [[m:de:User:Leaves]], since 5 March 2026")
    assert [off_farm(e, iw) for e in bans.active][0] is None
    assert "interlanguage link (de:)" in (off_farm(bans.active[1], iw) or "")
