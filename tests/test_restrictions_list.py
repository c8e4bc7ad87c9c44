"""Restrictions lists (``parse(restrictions=True)``): a table ``User | Groups | Wikis | Date`` whose rows say
which user groups to take from an account, and where. The Groups and Wikis cells decide rights, so they must be
plain comma-separated names: every row a vandal could make read one way on the page and another to banbot is a
problem, never an entry."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banbot import banlist
from banbot.banlist import BanEntry, BanList
from banbot.banlist.restrictions import IMPLICIT_GROUPS, KNOWN_GROUPS
from banbot.errors import AmbiguousRestrictionColumns, InputError, NoBanList, NotARestrictionsList

HEADER = "! User !! Groups !! Wikis !! Date"
MARCH_5 = dt.date(2026, 3, 5)


def restrictions(*rows: str, header: str = HEADER) -> BanList:
    body = "".join(f"|-\n{r}\n" for r in rows)
    return banlist.parse(f'{{| class="wikitable"\n{header}\n{body}|}}', restrictions=True)


def only_entry(got: BanList) -> BanEntry:
    assert got.problems == ()
    assert len(got.entries) == 1
    return got.entries[0]


def only_problem(got: BanList) -> str:
    assert got.entries == ()
    assert len(got.problems) == 1
    return got.problems[0].reason


# --- what a row says ------------------------------------------------------------------------------------------

def test_a_row_names_its_groups_and_wikis_in_order() -> None:
    entry = only_entry(restrictions("| [[User:Alice]] || sysop, bureaucrat || enwiki, dewiki || 2026-03-05"))
    assert (entry.user, entry.groups, entry.wikis, entry.since, entry.lifted) == (
        "Alice", ("sysop", "bureaucrat"), ("enwiki", "dewiki"), MARCH_5, False)
    assert entry.line == 4
    assert entry.links == ("User:Alice",)


def test_an_empty_wikis_cell_means_every_wiki() -> None:
    entry = only_entry(restrictions("| {{user|Bob}} || sysop ||  || 5 March 2026"))
    assert (entry.groups, entry.wikis, entry.since) == (("sysop",), (), MARCH_5)


def test_a_bare_name_in_the_user_column_is_read_as_in_a_ban_table() -> None:
    entry = only_entry(restrictions("| Carol || interface-admin, suppress || metawiki || 2026-03-05"))
    assert (entry.user, entry.groups, entry.linked) == ("Carol", ("interface-admin", "suppress"), False)


def test_a_repeated_group_or_wiki_is_collapsed_keeping_the_first() -> None:
    entry = only_entry(restrictions("| [[User:Dan]] || sysop, bot ,sysop || enwiki, enwiki, dewiki ||"))
    assert (entry.groups, entry.wikis) == (("sysop", "bot"), ("enwiki", "dewiki"))


def test_columns_are_found_by_their_headers_not_their_places() -> None:
    got = restrictions("| [[User:Eve]] || enwiki || sysop || 2026-03-05", header="! User !! Wikis !! Groups !! Date")
    entry = only_entry(got)
    assert (entry.groups, entry.wikis, entry.since) == (("sysop",), ("enwiki",), MARCH_5)


def test_headers_are_read_ignoring_case_spaces_and_a_trailing_colon() -> None:
    got = restrictions("| 2026-03-05 || [[User:Fay]] || bot || dewiki", header="! Date !! USER !!  groups:  !! Wikis:")
    entry = only_entry(got)
    assert (entry.user, entry.groups, entry.wikis, entry.since) == ("Fay", ("bot",), ("dewiki",), MARCH_5)


def test_a_date_column_is_never_taken_from_the_groups_or_wikis_columns() -> None:
    entry = only_entry(restrictions("| [[User:Gus]] || sysop || enwiki", header="! User !! Groups !! Wikis"))
    assert (entry.groups, entry.since) == (("sysop",), None)


def test_the_section_option_picks_the_restrictions_table() -> None:
    text = ("== Bans ==\n* [[User:Banned]]\n== Restrictions ==\n{|\n" + HEADER +
            "\n|-\n| [[User:Hal]] || sysop || enwiki ||\n|}")
    got = banlist.parse(text, section="Restrictions", restrictions=True)
    assert [(e.user, e.groups) for e in got.entries] == [("Hal", ("sysop",))]


def test_the_same_account_twice_is_a_problem_and_the_first_row_counts() -> None:
    got = restrictions("| [[User:Ida]] || sysop || enwiki ||", "| [[User:Ida]] || bureaucrat || ||")
    assert [(e.user, e.groups, e.line) for e in got.entries] == [("Ida", ("sysop",), 4)]
    assert [p.line for p in got.problems] == [6]
    assert "listed again (first on line 4)" in got.problems[0].reason


@pytest.mark.parametrize("cell", [0, 1, 2, 3])
def test_a_change_in_any_cell_changes_the_entrys_text(cell: int) -> None:
    cells = ["[[User:Jo]]", "sysop", "enwiki", "2026-03-05"]
    before = only_entry(restrictions("| " + " || ".join(cells)))
    changed = [c.replace("sysop", "bot").replace("enwiki", "dewiki").replace("05", "06").replace("Jo", "Jo ")
               if k == cell else c for k, c in enumerate(cells)]
    after = only_entry(restrictions("| " + " || ".join(changed)))
    assert before.text != after.text
    assert after.text == "| " + " || ".join(changed)


def test_a_row_over_several_lines_is_one_entry_whose_text_holds_every_line() -> None:
    got = restrictions("| [[User:Kim]]\n| sysop\n| enwiki\n| 2026-03-05")
    entry = only_entry(got)
    assert (entry.groups, entry.wikis, entry.line) == (("sysop",), ("enwiki",), 4)
    assert entry.text == "| [[User:Kim]]\n| sysop\n| enwiki\n| 2026-03-05"


# --- JSON and equality ----------------------------------------------------------------------------------------

def test_a_restriction_entry_shows_its_groups_and_wikis_in_json() -> None:
    entry = only_entry(restrictions("| [[User:Lu]] || sysop || || 2026-03-05"))
    assert entry.to_json() == {"user": "Lu", "since": "2026-03-05", "lifted": False, "line": 4,
                               "groups": ["sysop"], "wikis": []}


def test_a_ban_lists_entries_and_json_are_unchanged_by_the_new_fields() -> None:
    text = '{| class="wikitable"\n' + HEADER + "\n|-\n| [[User:Mo]] || sysop || enwiki || 2026-03-05\n|}"
    entry = only_entry(banlist.parse(text))
    assert (entry.groups, entry.wikis) == ((), ())
    assert entry.to_json() == {"user": "Mo", "since": "2026-03-05", "lifted": False, "line": 4}
    assert entry == BanEntry("Mo", MARCH_5, False, 4)


def test_entries_that_restrict_different_groups_are_not_equal() -> None:
    assert BanEntry("A", None, False, 1, groups=("sysop",)) != BanEntry("A", None, False, 1, groups=("bot",))


# --- strike-through -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("row", [
    "| <s>[[User:Ned]]</s> || <s>sysop</s> || <s>enwiki</s> || 2026-03-05",
    "| <del>[[User:Ned]]</del> || <del>sysop</del> || <del>enwiki</del> || <del>2026-03-05</del>",
    "| {{strike|[[User:Ned]]}} || {{strike|sysop}} || {{s|enwiki}} || 2026-03-05",
    "| <s>[[User:Ned]]</s> || <s>sysop</s> ||  || 2026-03-05",
])
def test_a_row_struck_through_in_every_cell_is_lifted(row: str) -> None:
    entry = only_entry(restrictions(row))
    assert (entry.user, entry.lifted, entry.groups) == ("Ned", True, ("sysop",))


@pytest.mark.parametrize("row", [
    "| [[User:Ole]] || <s>sysop</s> || enwiki || 2026-03-05",
    "| [[User:Ole]] || sysop || <s>enwiki</s> || 2026-03-05",
    "| <s>[[User:Ole]]</s> || sysop || enwiki || 2026-03-05",
    "| <s>[[User:Ole]]</s> || <s>sysop</s> || enwiki || 2026-03-05",
    "| <s>[[User:Ole]]</s> || sysop ||  || 2026-03-05",
])
def test_a_row_struck_only_in_part_is_a_problem(row: str) -> None:
    assert only_problem(restrictions(row)).startswith("only part of this row is struck through")


@pytest.mark.parametrize("groups", ['<s style="display:none">sysop</s>', "{{strike|sysop|color=white}}",
                                    "<s><span>sysop</span></s>", "<s>sysop</s>, bot"])
def test_a_strike_through_with_more_markup_is_a_problem_not_a_lifted_row(groups: str) -> None:
    only_problem(restrictions(f"| <s>[[User:Pia]]</s> || {groups} || || 2026-03-05"))
    only_problem(restrictions(f"| [[User:Pia]] || {groups} || || 2026-03-05"))


def test_a_strike_through_in_the_date_cell_alone_is_a_problem() -> None:
    assert "strike-through" in only_problem(restrictions("| [[User:Quin]] || sysop || || <s>2026-03-05</s>"))


# --- attacker rows and mistakes: each a problem -----------------------------------------------------------------

@pytest.mark.parametrize("groups", [
    'sysop<span style="display:none">, bureaucrat</span>',  # a group hidden from readers
    "{{groups|sysop}}",  # a template banbot cannot see into
    "{{sysop}}",
    "[[sysop]]",
    "[[Special:ListUsers/sysop|sysop]]",
    "&#115;ysop",  # an entity: readers see "sysop", the text says otherwise
    "sysop&nbsp;",
    "sysop, <s>bot</s>",
    "<b>sysop</b>",
    "''sysop''",
    "sysop<br>bot",
    'style="display:none" | sysop',  # a cell hidden by its attributes
    "sysop; bot",
    "sysop/bot",
])
def test_markup_in_the_groups_cell_is_a_problem(groups: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Rex]] || {groups} || enwiki || 2026-03-05"))
    assert reason.startswith("the Groups cell must hold plain comma-separated group names")


@pytest.mark.parametrize("wikis", ['enwiki<span style="display:none">, dewiki</span>', "{{wikis}}", "[[enwiki]]",
                                   "en&#119;iki", "enwiki<!-- -->, <s>dewiki</s>", "en.wikipedia.org"])
def test_markup_in_the_wikis_cell_is_a_problem(wikis: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Sam]] || sysop || {wikis} || 2026-03-05"))
    assert reason.startswith("the Wikis cell must hold plain comma-separated database names")


def test_a_second_line_joined_to_the_groups_cell_is_a_problem() -> None:
    got = restrictions("| [[User:Rex]] || enwiki || 2026-03-05 || sysop\nbureaucrat",
                       header="! User !! Wikis !! Date !! Groups")
    assert only_problem(got).startswith("the Groups cell must hold plain comma-separated group names")


def test_comments_in_a_cell_are_blanked_before_it_is_read() -> None:
    entry = only_entry(restrictions("| [[User:Tia]] || sysop<!-- , bureaucrat --> || enwiki ||"))
    assert entry.groups == ("sysop",)


@pytest.mark.parametrize("wikis", ["enwiki, sysop", "bureaucrat", "enwiki, interface-admin"])
def test_a_group_smuggled_into_the_wikis_cell_is_a_problem(wikis: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Uma]] || bot || {wikis} || 2026-03-05"))
    assert "in the Wikis cell is" in reason


@pytest.mark.parametrize("group", [
    "sysop", "bureaucrat", "bot", "suppress", "oversight", "checkuser", "steward", "rollbacker", "autopatrolled",
    "patroller", "reviewer", "autoreviewer", "confirmed", "accountcreator", "abusefilter", "import", "transwiki",
    "founder", "flood", "translationadmin", "templateeditor", "extendedconfirmed", "extendedmover", "filemover",
    "staff", "sysadmin", "ombuds", "researcher", "uploader", "editor", "autoeditor", "eliminator", "user",
    "autoconfirmed", "emailconfirmed"])
def test_every_well_known_group_in_the_wikis_cell_is_a_problem(group: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Uma]] || bot || enwiki, {group} || 2026-03-05"))
    assert reason == (f"{group!r} in the Wikis cell is a user group, not a wiki's database name; groups go in the "
                      "Groups column")


@pytest.mark.parametrize("group", ["*", "user", "autoconfirmed", "emailconfirmed"])
def test_an_implicit_group_is_a_problem(group: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Vic]] || sysop, {group} || || 2026-03-05"))
    assert f"{group!r} is an implicit group, cannot be removed" in reason


@pytest.mark.parametrize("groups", ["", "   ", "<!-- sysop -->"])
def test_an_empty_groups_cell_is_a_problem(groups: str) -> None:
    assert "the Groups cell of this row is empty" in only_problem(restrictions(f"| [[User:Wes]] || {groups} || ||"))


@pytest.mark.parametrize(("groups", "bad"), [("Sysop", "'Sysop'"), ("sysop,,bot", "an empty name"),
                                             ("sysop, ", "an empty name"), ("1st", "'1st'"),
                                             ("_hidden", "'_hidden'"), ("sys op", "'sys op'")])
def test_a_token_that_is_no_group_name_is_a_problem(groups: str, bad: str) -> None:
    reason = only_problem(restrictions(f"| [[User:Xan]] || {groups} || ||"))
    assert reason.startswith(f"{bad}") and "is not a group name" in reason


def test_the_reasons_name_the_cell_and_what_it_may_hold() -> None:
    got = restrictions("| [[User:Ann]] || Sysop || ||", "| [[User:Ben]] || sysop || en-wiki ||",
                       "| [[User:Cy]] || <b>sysop</b> || ||", "| [[User:Di]] || sysop || <b>enwiki</b> ||")
    assert [p.reason for p in got.problems] == [
        "'Sysop' in the Groups cell is not a group name (lower-case letters, digits, - and _)",
        "'en-wiki' in the Wikis cell is not a database name (lower-case letters, digits and _)",
        "the Groups cell must hold plain comma-separated group names (e.g. sysop, bureaucrat), without templates, "
        "links, tags, entities or cell attributes",
        "the Wikis cell must hold plain comma-separated database names (e.g. enwiki, dewiki), without templates, "
        "links, tags, entities or cell attributes",
    ]


@pytest.mark.parametrize("wikis", ["EnWiki", "en-wiki", "enwiki,", "1wiki"])
def test_a_token_that_is_no_database_name_is_a_problem(wikis: str) -> None:
    assert "is not a database name" in only_problem(restrictions(f"| [[User:Yan]] || sysop || {wikis} ||"))


@pytest.mark.parametrize(("row", "reason"), [
    ("| [[User:Zed]] || sysop", "this row has 2 cells but the Wikis column is column 3"),
    ("| [[User:Zed]]", "this row has 1 cells but the Groups column is column 2"),
])
def test_a_row_with_too_few_cells_is_a_problem_not_every_wiki(row: str, reason: str) -> None:
    assert only_problem(restrictions(row)) == reason


def test_a_row_whose_user_column_is_missing_reports_it_first() -> None:
    got = restrictions("| sysop || enwiki", header="! Groups !! Wikis !! User")
    assert only_problem(got) == "this row has 2 cells but the user column is column 3"


def test_an_account_problem_is_reported_as_in_a_ban_table() -> None:
    got = restrictions("| [[User:A]] [[User:B]] || sysop || ||", "| {{Banned|C}} || sysop || ||")
    assert [p.line for p in got.problems] == [4, 6]
    assert "more than one account" in got.problems[0].reason


# --- pages that are no restrictions list ----------------------------------------------------------------------

def test_a_bulleted_list_read_as_restrictions_is_an_input_error() -> None:
    with pytest.raises(NotARestrictionsList, match="bulleted") as err:
        banlist.parse("== Restricted ==\n* [[User:A]], since 5 March 2026", restrictions=True)
    assert isinstance(err.value, InputError)
    assert "User | Groups | Wikis | Date" in str(err.value)


@pytest.mark.parametrize(("header", "missing"), [("! User !! Groups !! Date", "Wikis"),
                                                 ("! User !! Wikis !! Date", "Groups"),
                                                 ("! User !! Date", "Groups or Wikis")])
def test_a_table_without_the_groups_or_wikis_column_is_an_input_error(header: str, missing: str) -> None:
    with pytest.raises(NotARestrictionsList, match=f"no column headed {missing}"):
        restrictions("| [[User:A]] || sysop || 2026-03-05", header=header)


def test_the_same_table_still_reads_as_a_ban_list_without_the_option() -> None:
    text = '{| class="wikitable"\n! User !! Date\n|-\n| [[User:A]] || 2026-03-05\n|}'
    assert [e.user for e in banlist.parse(text).entries] == ["A"]
    with pytest.raises(NotARestrictionsList):
        banlist.parse(text, restrictions=True)


@pytest.mark.parametrize(("header", "column"), [("! User !! Groups !! Groups: !! Wikis", "Groups"),
                                                ("! User !! Groups !! wikis !! WIKIS", "Wikis")])
def test_two_columns_headed_alike_are_ambiguous(header: str, column: str) -> None:
    with pytest.raises(AmbiguousRestrictionColumns, match=f"2 columns headed {column}") as err:
        restrictions("| [[User:A]] || sysop || x || y", header=header)
    assert isinstance(err.value, InputError)


def test_a_page_without_any_list_is_an_input_error() -> None:
    with pytest.raises(NotARestrictionsList, match="no table has a user column"):
        banlist.parse("nothing here", restrictions=True)
    with pytest.raises(NoBanList):  # a ban list's error is unchanged
        banlist.parse("nothing here")


# --- properties -----------------------------------------------------------------------------------------------

LOWER = "abcdefghijklmnopqrstuvwxyz"
# names as MediaWiki writes them: a lower-case letter, then letters, digits, _ (and - in a group's name)
GROUP = st.builds(str.__add__, st.sampled_from(LOWER), st.text(LOWER + "0123456789_-", max_size=10)).filter(
    lambda g: g not in IMPLICIT_GROUPS)
WIKI = st.builds(str.__add__, st.sampled_from(LOWER), st.text(LOWER + "0123456789_", max_size=10)).filter(
    lambda w: w not in KNOWN_GROUPS)
NAME = st.sampled_from(["Alice", "Bob", "Carol", "Dan", "Eve Example", "Fay"])


def _once(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


@given(rows=st.lists(st.tuples(st.lists(GROUP, min_size=1, max_size=5), st.lists(WIKI, max_size=5),
                               st.sampled_from([" ", "", "  "])), min_size=1, max_size=10),
       struck=st.booleans())
def test_rows_of_valid_names_are_read_back_exactly(rows: list[tuple[list[str], list[str], str]],
                                                    struck: bool) -> None:
    def cell(text: str) -> str:
        return f"<s>{text}</s>" if struck and text else text

    lines = [f"| {cell(f'[[User:Account {k}]]')} || {cell(', '.join(g))} || {cell((',' + pad).join(w))} || 2026-03-05"
             for k, (g, w, pad) in enumerate(rows)]
    got = restrictions(*lines)
    assert got.problems == ()
    assert [(e.user, e.groups, e.wikis, e.lifted) for e in got.entries] == [
        (f"Account {k}", _once(g), _once(w), struck) for k, (g, w, _) in enumerate(rows)]


CELL = st.sampled_from(["sysop", "sysop, bot", "", "<s>sysop</s>", "{{x}}", "user", "enwiki, sysop", "Sysop",
                        '<span style="display:none">bot</span>', "&#115;", "[[x]]", "a,,b", "enwiki", "*"])
ACCOUNT = st.sampled_from(["[[User:{u}]]", "<s>[[User:{u}]]</s>", "{{{{user|{u}}}}}", "{u}", "{{{{Banned|{u}}}}}",
                           "[[User:{u}]] [[User:Other]]", ""])


@given(rows=st.lists(st.tuples(ACCOUNT, NAME, CELL, CELL, st.integers(min_value=1, max_value=4)),
                     min_size=1, max_size=12))
def test_every_candidate_row_is_exactly_one_entry_or_problem(rows: list[tuple[str, str, str, str, int]]) -> None:
    lines = []
    for account, user, groups, wikis, width in rows:
        cells = [account.format(u=user), groups, wikis, "2026-03-05"][:width]
        lines.append("| " + " || ".join(cells))
    got = restrictions(*lines)
    seen = sorted([e.line for e in got.entries] + [p.line for p in got.problems])
    assert seen == [4 + 2 * k for k in range(len(rows))]
    for e in got.entries:
        assert e.groups and not set(e.groups) & IMPLICIT_GROUPS
