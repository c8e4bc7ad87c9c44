"""What readers see, rule by rule: each way a rendered page hides, strikes or shows a row, each shape of link
MediaWiki renders, pinned down where mutation testing (scripts/mutation crosscheck) found no test."""

from __future__ import annotations

import datetime as dt

import pytest

from banbot.banlist import BanEntry, BanList, ListSource, Problem
from banbot.crosscheck import Anchor, Interwiki, demote, host, interwiki_map, objections, read_rendered

SOURCE = ListSource("wiki", "metawiki", "Global bans/List", 30)


def one(name: str = "Target", *, linked: bool = True) -> BanList:
    return BanList(SOURCE, None, (BanEntry(name, dt.date(2026, 3, 5), False, 2, f"| {name}", linked=linked),), ())


def link(name: str = "Target", **attrs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<a href="/index.php?title=User:{name.replace(" ", "_")}"{extra}>{name}</a>'


def why(html: str, bans: BanList | None = None) -> str | None:
    bans = bans or one()
    return objections(bans, read_rendered(html), {e.user: e.user for e in bans.active}).get(bans.active[0].user)


@pytest.mark.parametrize("style", ["display:none", "display : none", "DISPLAY:NONE", "visibility:hidden",
                                   "visibility: hidden", "font-size:0", "font-size: 0px", "font-size:0.0em",
                                   "opacity:0", "opacity: 0.00"])
def test_a_row_hidden_by_css_is_a_problem_not_an_entry(style: str) -> None:
    found = why(f'<td><span style="{style}">{link()}</span></td>')
    assert found is not None and "hides it" in found


@pytest.mark.parametrize("style", ["font-size:0.8em", "font-size: 0.5em", "opacity:0.5", "opacity: 0.01",
                                   "display:inline", "color:red"])
def test_css_that_still_shows_the_row_leaves_it_an_entry(style: str) -> None:
    assert why(f'<td><span style="{style}">{link()}</span></td>') is None


def test_a_row_with_the_hidden_attribute_is_a_problem() -> None:
    found = why(f"<td><span hidden>{link()}</span></td>")
    assert found is not None and "hides it" in found


def test_hiding_reaches_every_link_inside_and_ends_with_its_element() -> None:
    inside = read_rendered(f'<div style="display:none"><p><b>{link("A")}</b></p></div>{link("B")}')
    assert inside.anchors == (Anchor("A", True, False), Anchor("B", False, False))


@pytest.mark.parametrize("html", ['<span style="text-decoration: line-through">{}</span>',
                                  '<span style="TEXT-DECORATION:LINE-THROUGH">{}</span>',
                                  "<s>{}</s>", "<del>{}</del>", "<strike>{}</strike>"])
def test_a_row_readers_see_struck_is_a_problem(html: str) -> None:
    found = why("<td>" + html.format(link()) + "</td>")
    assert found is not None and "struck through" in found


def test_a_row_linked_both_hidden_and_struck_is_reported_as_hidden() -> None:
    found = why(f'<span style="display:none">{link()}</span><s>{link()}</s>')
    assert found is not None and "hides it" in found


def test_one_plain_link_among_hidden_ones_is_enough() -> None:
    assert why(f'<span style="display:none">{link()}</span><s>{link()}</s>{link()}') is None


@pytest.mark.parametrize("tag", ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                                 "track", "wbr"])
def test_an_element_that_has_no_end_hides_nothing_after_it(tag: str) -> None:
    assert why(f'<td><{tag} style="display:none">{link()}</td>') is None
    assert why(f"<td><{tag} hidden><s></s>{link()}</td>") is None


def test_an_end_tag_closes_its_own_element_and_a_stray_one_closes_nothing() -> None:
    assert read_rendered(f"<s><i>x</s>{link('A')}").anchors == (Anchor("A", False, False),)
    assert read_rendered(f"<s></div>{link('A')}</s>").anchors == (Anchor("A", False, True),)
    assert read_rendered(f'<span style="display:none"><b></i>{link("A")}</b></span>').anchors == (
        Anchor("A", True, False),)


@pytest.mark.parametrize("href", ["/index.php?title=User:Target", "/index.php?title=User:Target&action=edit",
                                  "/index.php/User:Target", "/wiki/User:Target", "/wiki/User:%54arget",
                                  "https://meta.example.org/wiki/Special:CentralAuth/Target",
                                  "/w/index.php?title=Special%3ACentralAuth%2FTarget"])
def test_every_shape_of_link_mediawiki_renders_names_its_account(href: str) -> None:
    assert read_rendered(f'<a href="{href}">x</a>').anchors == (Anchor("Target", False, False),)


@pytest.mark.parametrize("href", ["/wiki/Help:Target", "/wiki/User:Target/wiki/notes", "https://example.org/",
                                  "/index.php?action=history", ""])
def test_links_to_anything_but_an_account_name_none(href: str) -> None:
    assert read_rendered(f'<a href="{href}">Target</a>').anchors == ()


def test_a_bare_name_is_seen_only_where_readers_see_it_as_a_whole_word() -> None:
    bare = one("Plain Name", linked=False)
    assert why("<td>Plain_Name</td>", bare) is None  # readers see underscores as spaces in names
    assert why("<td>Plain    Name</td>", bare) is None
    assert why("<td>Plain Names</td>", bare) is not None
    assert why("<td>A Plain Name</td><td>x</td>", bare) is None
    hidden = why('<td><span style="display:none">Plain Name</span></td>', bare)
    assert hidden is not None and "does not show this account" in hidden
    assert why("<td><s>Plain Name</s></td>", bare) is not None


def test_a_linked_row_is_not_seen_through_its_text_alone() -> None:
    found = why("<td>Target</td>", one("Target", linked=True))
    assert found is not None and "does not show this account" in found


@pytest.mark.parametrize("tag", ["td", "th", "tr", "li", "p", "div", "br", "dd", "dt", "table", "ul", "ol", "pre"])
def test_block_elements_separate_words_as_a_browser_does(tag: str) -> None:
    bare = one("Plain", linked=False)
    assert why(f"<b>Pre<{tag}>Plain</{tag}>Post</b>", bare) is None
    assert why("<b>Pre<i>Plain</i>Post</b>", bare) is not None  # inline elements do not


def test_a_name_asked_about_is_checked_and_one_not_asked_about_only_against_the_page() -> None:
    bans = one()
    rendered = read_rendered(link())
    assert objections(bans, rendered, {}) == {}
    assert "resolves 'Target' to 'Other'" in objections(bans, rendered, {"Target": "Other"})["Target"]
    assert "not a valid user name" in objections(bans, rendered, {"Target": None})["Target"]
    assert objections(bans, rendered, {"Target": "Target", "Someone": None}) == {}


def test_lifted_entries_are_not_checked_against_the_page() -> None:
    lifted = BanList(SOURCE, None, (BanEntry("Gone", None, True, 2),), ())
    assert objections(lifted, read_rendered("<p>nothing</p>"), {"Gone": None}) == {}


def test_demoting_turns_the_named_active_entries_into_problems_in_line_order() -> None:
    entries = (BanEntry("A", None, False, 2, "* a"), BanEntry("B", None, False, 4, "* b"),
               BanEntry("Gone", None, True, 6, "* gone"))
    bans = BanList(SOURCE, None, entries, (Problem(5, "* ?", "odd"), Problem(1, "* ?", "odd")))
    out = demote(bans, {"B": "hidden", "Gone": "also named"})
    assert [e.user for e in out.entries] == ["A", "Gone"]
    assert [(p.line, p.text, p.reason) for p in out.problems] == [(1, "* ?", "odd"), (4, "* b", "hidden"),
                                                                   (5, "* ?", "odd")]
    assert out.source == SOURCE
    assert demote(bans, {}) is bans


def test_a_link_with_the_title_twice_points_where_mediawiki_goes_the_last_one() -> None:
    html = '<a class="external" href="/index.php?title=User:Decoy&amp;title=User:Target">Target</a>'
    assert read_rendered(html).anchors == (Anchor("Target", False, False),)


def test_character_references_in_the_page_are_the_characters_readers_see() -> None:
    assert why("<td>Plain&#32;Name</td>", one("Plain Name", linked=False)) is None
    assert why("<td>Caf&eacute; Owner</td>", one("Café Owner", linked=False)) is None


def test_hidden_or_struck_text_between_two_words_does_not_separate_them() -> None:
    bare = one("Plain Name", linked=False)
    assert why('<td>Plain<span style="display:none"> </span>Name</td>', bare) is not None
    assert why("<td>Plain<s> </s>Name</td>", bare) is not None
    assert why("<td>Plain <s>x</s>Name</td>", one("Plain", linked=False)) is None


def test_anchors_without_a_target_and_stray_end_tags_are_read_without_error() -> None:
    assert read_rendered(f'</p><a id="top"></a><area href="/wiki/User:Other">{link()}').anchors == (
        Anchor("Target", False, False),)


def test_text_at_the_very_end_of_the_page_is_read() -> None:
    assert why("<p>x</p>Plain Name &", one("Plain Name", linked=False)) is None


def test_hidden_text_leaves_nothing_behind_not_even_a_letter() -> None:
    assert why("<td>A<s>q</s>B</td>", one("AXB", linked=False)) is not None


@pytest.mark.parametrize("url, where", [("https://Meta.Example.org/wiki/$1", "meta.example.org"),
                                        ("//meta.example.org/w/$1", "meta.example.org"),
                                        ("http://127.0.0.1:8081/index.php/$1", "127.0.0.1:8081"),
                                        ("meta.example.org/wiki/$1", "meta.example.org"), ("", "")])
def test_the_host_a_link_leads_to(url: str, where: str) -> None:
    assert host(url) == where


def test_interwiki_rows_without_a_prefix_are_skipped_and_each_prefix_is_sorted_once() -> None:
    rows = [{"url": "https://elsewhere.org/$1"}, {"prefix": "", "url": "https://elsewhere.org/$1"},
            {"prefix": "M", "localinterwiki": True, "url": "https://meta.example.org/wiki/$1"},
            {"prefix": "en", "language": True, "url": "https://en.example.org/wiki/$1"},
            {"prefix": "meta", "url": "https://meta.example.org/wiki/$1"},
            {"prefix": "nourl"}]
    iw = interwiki_map(rows, ["Meta.Example.org"])
    assert iw == Interwiki(own=frozenset({"meta"}), local=frozenset({"m"}), languages=frozenset({"en"}),
                           elsewhere={"en": "en.example.org", "nourl": "?"})
