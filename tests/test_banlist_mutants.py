"""The list's shape rule by rule: each template, namespace, header, date word and table construct the parser
knows, pinned down where mutation testing (scripts/mutation banlist) found no test."""

from __future__ import annotations

import datetime as dt

import pytest

from banbot import banlist, errors
from banbot.banlist import BanList, ListSource, Protection

MARCH_5 = dt.date(2026, 3, 5)


def bullets(*rows: str, head: str = "== Banned ==") -> BanList:
    return banlist.parse("\n".join([head, *rows]))


def table(header: str, *rows: str, user_column: str | None = None) -> BanList:
    body = "".join(f"|-\n{r}\n" for r in rows)
    return banlist.parse(f'{{| class="wikitable"\n{header}\n{body}|}}', user_column=user_column)


def entries(bans: BanList) -> list[tuple[str, dt.date | None, bool, int]]:
    return [(e.user, e.since, e.lifted, e.line) for e in bans.entries]


def problems(bans: BanList) -> list[int]:
    return [p.line for p in bans.problems]


# --- bullets ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("row", ["* [[User:Helper]], who maintains this list",
                                 "* [[User:Helper]], since he maintains this list",
                                 "* [[User:Helper]] — from now on the one who maintains this list",
                                 "* [[User:Helper]] maintains this list, ask on his talk page"])
def test_a_bullet_that_names_who_maintains_the_list_is_a_problem_not_an_entry(row: str) -> None:
    got = bullets("* [[User:Listed]], since 5 March 2026", row, "* [[User:Also Listed]]")
    assert [e.user for e in got.entries] == ["Listed", "Also Listed"]
    assert problems(got) == [3]
    assert "not in the list's shape" in got.problems[0].reason


@pytest.mark.parametrize("word", ["since", "Banned", "from", "on", "seit", "depuis", "desde", "dal", "自", "于", "於"])
def test_a_date_word_introduces_a_partial_date(word: str) -> None:
    got = bullets(f"* [[User:Listed]], {word} 2026", "* [[User:Other]], whose date is lost")
    assert [e.user for e in got.entries] == ["Listed"] and problems(got) == [3]


def test_a_bullet_without_a_date_word_but_with_a_date_is_in_shape() -> None:
    got = bullets("* [[User:Listed]] (5 March 2026)", "* [[User:Other]] 2026-03-06")
    assert entries(got) == [("Listed", MARCH_5, False, 2), ("Other", dt.date(2026, 3, 6), False, 3)]


def test_further_links_to_the_same_account_are_part_of_the_row() -> None:
    got = bullets("* [[User:Listed]] ([[Special:Contributions/Listed|contribs]]), since 5 March 2026",
                  "* [[User:Other]] ([[Special:Contributions/Someone Else|contribs]])")
    assert entries(got) == [("Listed", MARCH_5, False, 2)] and problems(got) == [3]


def test_the_list_is_the_first_run_of_list_shaped_bullets_and_numbered_items_count() -> None:
    got = bullets("* just a remark", "", "# [[User:Listed]], since 5 March 2026", "# [[User:Second]]",
                  "<!-- a comment line does not end the run -->", "# [[User:Third]]", "", "* [[User:Later]]")
    assert [e.user for e in got.entries] == ["Listed", "Second", "Third"]
    assert problems(got) == [2, 9]
    assert all("from line 4" in p.reason for p in got.problems)


def test_a_redirect_is_not_a_bullet() -> None:
    with pytest.raises(errors.NoBanList):
        banlist.parse("#REDIRECT [[User:Someone]]")


def test_a_bullet_without_an_account_link_says_how_to_link_it() -> None:
    got = bullets("* [[User:Listed]]", "* Plain Name, since 5 March 2026")
    assert "no account is linked" in got.problems[0].reason


@pytest.mark.parametrize("tag", ["s", "del", "strike", "S"])
def test_a_bullet_struck_by_a_tag_is_lifted(tag: str) -> None:
    got = bullets("* [[User:Active]]", f"* <{tag}>[[User:Struck]], since 5 March 2026</{tag}>")
    assert entries(got) == [("Active", None, False, 2), ("Struck", MARCH_5, True, 3)]


@pytest.mark.parametrize("name", ["strike", "s", "del", "strikethrough", "stroke", "Strike"])
def test_a_bullet_struck_by_a_template_is_lifted(name: str) -> None:
    got = bullets("* [[User:Active]]", f"* {{{{{name}|[[User:Struck]]}}}}, since 5 March 2026")
    assert entries(got) == [("Active", None, False, 2), ("Struck", MARCH_5, True, 3)]


@pytest.mark.parametrize("mark", ["<s>", "</s>", "< del >", "</ strike>"])
def test_a_strike_mark_not_closed_around_the_account_is_a_problem(mark: str) -> None:
    got = bullets("* [[User:Active]]", f"* [[User:Half]] {mark}, since 5 March 2026")
    assert problems(got) == [3] and "not closed around the account" in got.problems[0].reason


# --- templates, namespaces and special pages that name an account -------------------------------------------

USER_TEMPLATE_NAMES = [
    "user", "u", "noping", "np", "userlinks", "user links", "ul", "user link", "user2", "user3", "user5", "user6",
    "lu", "luxotool", "vandal", "user-multi", "userlinks-abuse", "checkuser", "ipuser", "user0", "user1", "user4",
    "user7", "user8", "userlink", "usernolink", "lockeduser"]


@pytest.mark.parametrize("name", USER_TEMPLATE_NAMES)
def test_each_user_template_names_the_account_it_is_given(name: str) -> None:
    got = table("! User !! Date", f"| {{{{{name}|Target}}}} || 2026-03-05")
    assert entries(got) == [("Target", MARCH_5, False, 4)]


def test_a_user_template_is_read_whatever_its_case_or_underscores() -> None:
    got = table("! User", "| {{User_Links|Target}}", "| {{ NOPING |Second}}")
    assert [e.user for e in got.entries] == ["Target", "Second"]


def test_a_template_banbot_does_not_know_is_a_problem() -> None:
    got = table("! User", "| {{mystery|Target}}", "| {{user}}")
    assert problems(got) == [4, 6]
    assert "{{mystery}}" in got.problems[0].reason


@pytest.mark.parametrize("ns", ["User", "user", "Benutzer", "Benutzerin", "Utilisateur", "Utilisatrice", "Usuario",
                                "Usuaria", "用户", "用戶", "使用者", "Utente", "Gebruiker"])
def test_each_user_namespace_name_links_an_account(ns: str) -> None:
    got = bullets(f"* [[{ns}:Target]], since 5 March 2026")
    assert entries(got) == [("Target", MARCH_5, False, 2)]


@pytest.mark.parametrize("special", ["CentralAuth", "Contributions", "Contribs", "GlobalContributions",
                                     "centralauth"])
def test_each_account_special_page_links_an_account(special: str) -> None:
    got = bullets(f"* [[Special:{special}/Target|Target]], since 5 March 2026")
    assert entries(got) == [("Target", MARCH_5, False, 2)]


@pytest.mark.parametrize("link", ["[[Special:Log/Target|Target]]", "[[User:Target/Notes|Target]]",
                                  "[[Help:Target|Target]]", "[[Foo bar:User:Target|Target]]"])
def test_links_to_other_pages_name_no_account(link: str) -> None:
    got = bullets("* [[User:Listed]]", f"* {link}")
    assert problems(got) == [3] and "no account is linked" in got.problems[0].reason


def test_a_link_shown_under_another_name_is_a_problem() -> None:
    got = bullets("* [[User:Listed]]", "* [[User:Target|Someone Else]], since 5 March 2026")
    assert problems(got) == [3] and "shows readers 'Someone Else'" in got.problems[0].reason


# --- tables -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["User", "Username", "User name", "Account", "Name", "Benutzer", "Benutzername",
                                    "Utilisateur", "Usuario", "用户", "用戶", "使用者", "用户名", "用戶名", "账户",
                                    "USER:", "User  name"])
def test_each_account_header_names_the_account_column(header: str) -> None:
    got = table(f"! Notes !! {header}", "| spam || [[User:Target]]")
    assert [e.user for e in got.entries] == ["Target"]


@pytest.mark.parametrize("header", ["Date", "Since", "Banned on", "Datum", "Fecha", "日期", "时间", "Date banned"])
def test_each_date_header_names_the_date_column(header: str) -> None:
    got = table(f"! User !! Notes !! {header}", "| [[User:Target]] || 1 April 2020 || 2026-03-05")
    assert entries(got) == [("Target", MARCH_5, False, 4)]


def test_a_named_user_column_replaces_the_usual_headers() -> None:
    got = table("! User !! Banned account", "| [[User:Reporter]] || [[User:Target]]", user_column="banned account")
    assert [e.user for e in got.entries] == ["Target"]


def test_table_cells_on_one_line_on_many_lines_and_continued() -> None:
    text = ("{|\n|+ Caption\n! User\n! Date\n|-\n| [[User:One]] || 2026-03-05\n|-\n| [[User:Two]]\n| 2026-03-06\n"
            "|-\n|\n[[User:Three]]\n| 2026-03-07\n|}")
    got = banlist.parse(text)
    assert entries(got) == [("One", MARCH_5, False, 6), ("Two", dt.date(2026, 3, 6), False, 8),
                            ("Three", dt.date(2026, 3, 7), False, 11)]
    assert got.problems == ()


def test_a_row_without_the_user_column_is_a_problem_that_says_which_column() -> None:
    got = table("! Date !! Notes !! User", "| 2026-03-05 || note")
    assert problems(got) == [4] and "2 cells but the user column is column 3" in got.problems[0].reason


def test_an_empty_user_cell_is_a_problem() -> None:
    got = table("! User !! Date", "| || 2026-03-05", "| [[User:Ok]] || 2026-03-05")
    assert problems(got) == [4] and "user column of this row is empty" in got.problems[0].reason


def test_lines_inside_a_table_that_are_not_cells_are_problems() -> None:
    text = "{|\n! User\n|-\n{{row template|X}}\nloose text\n|-\n| [[User:Ok]]\n|}"
    got = banlist.parse(text)
    assert problems(got) == [4, 5]
    assert "built by a template" in got.problems[0].reason and "not a cell" in got.problems[1].reason


def test_a_plain_name_in_a_table_cell_is_an_entry_and_struck_plain_names_are_lifted() -> None:
    got = table("! User !! Date", "| Plain Name {{clear}} || 2026-03-05", "| '''<s>Struck Name</s>''' || 2026-03-05")
    assert entries(got) == [("Plain Name", MARCH_5, False, 4), ("Struck Name", MARCH_5, True, 6)]
    assert [e.linked for e in got.entries] == [False, False]


@pytest.mark.parametrize("layout", ["div col", "div col end", "divcol", "divcolend", "col-begin", "col-end",
                                    "col-break", "colbegin", "colend", "columns-list", "clear", "reflist", "shortcut",
                                    "tocright", "toc", "-", "clr"])
def test_layout_templates_in_a_cell_are_not_rows_built_by_templates(layout: str) -> None:
    got = table("! User", f"| {{{{{layout}}}}} Plain Name")
    assert [e.user for e in got.entries] == ["Plain Name"]


def test_a_date_cell_spanning_rows_dates_each_of_them_and_stops_after_its_span() -> None:
    got = table("! Date !! User", '| rowspan="2" | 2026-03-05 || [[User:A]]', "| [[User:B]]", "| || [[User:C]]",
                "| rowspan=3 | 2026-03-06 || [[User:D]]", "| [[User:E]]")
    assert [(e.user, e.since) for e in got.entries] == [("A", MARCH_5), ("B", MARCH_5), ("C", None),
                                                        ("D", dt.date(2026, 3, 6)), ("E", dt.date(2026, 3, 6))]


def test_an_attribute_that_is_no_rowspan_spans_nothing() -> None:
    got = table("! Date !! User", '| colspan="2" | 2026-03-05 || [[User:A]]', "| [[User:B]]")
    assert [(e.user, e.since) for e in got.entries] == [("A", MARCH_5)]
    assert problems(got) == [6]


def test_a_cells_attributes_are_not_its_text() -> None:
    got = table("! style=\"width:5em\" | User !! Date", '| data-sort-value="Zed" | [[User:Target]] || 2026-03-05',
                '| [[User:Pipe|Pipe]] || 2026-03-05')
    assert entries(got) == [("Target", MARCH_5, False, 4), ("Pipe", MARCH_5, False, 6)]


def test_two_tables_in_a_section_are_ambiguous_and_a_table_in_a_table_is_one() -> None:
    with pytest.raises(errors.AmbiguousBanList):
        banlist.parse("{|\n! User\n|-\n| [[User:A]]\n|}\n{|\n! User\n|-\n| [[User:B]]\n|}")
    nested = banlist.parse("{|\n! User\n|-\n| [[User:A]]\n{|\n| inner\n|}\n|-\n| [[User:B]]\n|}")
    assert [e.user for e in nested.entries] == ["A", "B"]


def test_a_table_with_no_header_row_is_no_list() -> None:
    with pytest.raises(errors.NoBanList):
        banlist.parse("{|\n| User\n|-\n| [[User:A]]\n|}")


# --- sections ---------------------------------------------------------------------------------------------------

def test_a_section_is_found_whatever_its_case_spacing_or_underscores_and_ends_at_the_next_heading_of_its_level(
) -> None:
    text = ("== Other ==\n* [[User:Outside]]\n== Current_bans ==\n=== Sub ===\n* [[User:Inside]]\n"
            "== Next ==\n* [[User:After]]")
    got = banlist.parse(text, section="current  BANS")
    assert [e.user for e in got.entries] == ["Inside"] and got.section == "current  BANS"


@pytest.mark.parametrize("level", [1, 6])
def test_headings_of_every_level_are_sections(level: int) -> None:
    mark = "=" * level
    got = banlist.parse(f"{mark} Bans {mark}\n* [[User:Inside]]\n{mark} After {mark}\n* [[User:Later]]",
                        section="Bans")
    assert [e.user for e in got.entries] == ["Inside"]


def test_a_heading_with_markup_is_matched_by_its_text() -> None:
    got = banlist.parse("== '''Bans''' <!-- x --> ==\n* [[User:Inside]]\n== Other ==\n* [[User:Out]]", section="Bans")
    assert [e.user for e in got.entries] == ["Inside"]


def test_two_sections_with_the_heading_are_refused_with_their_lines() -> None:
    with pytest.raises(errors.AmbiguousSection) as e:
        banlist.parse("== Bans ==\n* [[User:A]]\n== Bans ==\n* [[User:B]]", section="Bans")
    assert "1" in str(e.value) and "3" in str(e.value)


# --- rows counted once ------------------------------------------------------------------------------------------

def test_a_second_row_for_an_account_is_a_problem_and_says_when_it_disagrees() -> None:
    got = bullets("* [[User:A]]", "* [[User:A]], since 5 March 2026", "* <s>[[User:A]]</s>")
    assert entries(got) == [("A", None, False, 2)]
    assert problems(got) == [3, 4]
    assert "listed again (first on line 2); the first row counts" in got.problems[0].reason
    assert "disagrees on whether the ban is lifted" in got.problems[1].reason
    assert "disagrees" not in got.problems[0].reason


def test_windows_and_old_mac_line_endings_are_lines() -> None:
    assert entries(banlist.parse("== B ==\r\n* [[User:A]]\r\n* [[User:B]]")) == [("A", None, False, 2),
                                                                              ("B", None, False, 3)]
    assert entries(banlist.parse("== B ==\r* [[User:A]]\r* [[User:B]]")) == [("A", None, False, 2),
                                                                          ("B", None, False, 3)]


def test_a_comment_keeps_the_line_numbers_and_an_unclosed_one_runs_to_the_end() -> None:
    got = bullets("<!-- two\nlines -->", "* [[User:A]]", "<!-- * [[User:Hidden]]")
    assert entries(got) == [("A", None, False, 4)]


# --- what scripts read ------------------------------------------------------------------------------------------

def test_the_json_a_script_reads() -> None:
    src = ListSource("wiki", "metawiki", "Global bans/List", 30, "2026-03-05T00:00:00Z", "Admin",
                     (Protection("edit", "sysop", "infinity"),))
    got = banlist.parse("* [[User:A]], since 5 March 2026\n* <s>[[User:B]]</s>\n* [[User:A]]", source=src)
    assert got.to_json() == {
        "source": {"kind": "wiki", "location": "metawiki", "title": "Global bans/List", "revid": 30,
                   "timestamp": "2026-03-05T00:00:00Z", "user": "Admin",
                   "protection": [{"type": "edit", "level": "sysop", "expiry": "infinity"}]},
        "section": None,
        "entries": [{"user": "A", "since": "2026-03-05", "lifted": False, "line": 1},
                    {"user": "B", "since": None, "lifted": True, "line": 2}],
        "problems": [{"line": 3, "text": "* [[User:A]]", "reason": got.problems[0].reason}],
        "summary": {"entries": 2, "active": 1, "lifted": 1, "problems": 1},
    }
    assert banlist.parse("* [[User:A]]").source.to_json() == {"kind": "text", "location": "<text>"}


# --- found by the second mutation run ---------------------------------------------------------------------------

def test_an_entry_made_without_its_row_text_is_linked_and_equal_whatever_its_text() -> None:
    entry = banlist.BanEntry("A", None, False, 1)
    assert entry.text == "" and entry.linked is True
    assert entry == banlist.BanEntry("A", None, False, 1, "* [[User:A]]", linked=False)


def test_a_section_name_must_match_word_for_word() -> None:
    with pytest.raises(errors.SectionNotFound):
        banlist.parse("== Current bans ==\n* [[User:A]]", section="Currentbans")


@pytest.mark.parametrize("text, seps, parts", [
    ("a|b", ("|",), ["a", "b"]), ("a|", ("|",), ["a", ""]), ("[[x|y]]|z", ("|",), ["[[x|y]]", "z"]),
    ("{{x|y}}|z", ("|",), ["{{x|y}}", "z"]), ("[[{{t}}|y]]|z", ("|",), ["[[{{t}}|y]]", "z"]),
    ("{{[[x|y]]|w}}|z", ("|",), ["{{[[x|y]]|w}}", "z"]), ("a]]|b", ("|",), ["a]]", "b"]),
    ("a!!b||c", ("!!", "||"), ["a", "b", "c"]), ("[[a||b]]||c", ("||",), ["[[a||b]]", "c"])])
def test_cells_are_split_only_outside_links_and_templates(text: str, seps: tuple[str, ...], parts: list[str]) -> None:
    assert banlist._split_top(text, seps) == parts


def test_a_cell_with_attributes_before_a_link_keeps_the_whole_link() -> None:
    got = table("! User", "| note=1 [[User:Target|Target]]", "| Name=Value")
    assert [e.user for e in got.entries] == ["Target", "Name=Value"]


def test_a_plain_name_cell_with_attributes_and_a_stray_pipe_is_a_problem() -> None:
    got = table("! User", '| style="color:red" | Plain | Name', "| [[User:Ok]]")
    assert problems(got) == [4] and "it contains |" in got.problems[0].reason


@pytest.mark.parametrize("cell, span", [('rowspan="3" | x', 3), ("rowspan=2|x", 2), ('rowspan="1" | x', 1),
                                        ("rowspan=2", 1), ("x rowspan=2 | y", 1), ('rowspan="20000" | x', 10_000),
                                        ('colspan="2" | x', 1), ("x", 1)])
def test_a_rowspan_counts_only_as_a_cell_attribute_and_is_capped(cell: str, span: int) -> None:
    assert banlist._rowspan(cell) == span


def test_a_date_spanning_three_rows_dates_exactly_those_three() -> None:
    got = table("! Date !! User", '| rowspan="3" | 2026-03-05 || [[User:A]]', "| [[User:B]]", "| [[User:C]]",
                "| 2026-03-06 || [[User:D]]")
    assert [(e.user, e.since) for e in got.entries] == [("A", MARCH_5), ("B", MARCH_5), ("C", MARCH_5),
                                                        ("D", dt.date(2026, 3, 6))]
    assert got.problems == ()


def test_a_date_spanning_rows_in_the_last_column_dates_them_too() -> None:
    got = table("! User !! Date", "| [[User:A]] || rowspan=2 | 2026-03-05", "| [[User:B]]")
    assert [(e.user, e.since) for e in got.entries] == [("A", MARCH_5), ("B", MARCH_5)]


def test_a_first_row_of_data_cells_is_no_header_even_after_a_row_mark_or_before_a_header_cell() -> None:
    with pytest.raises(errors.NoBanList):
        banlist.parse("{|\n|-\n| User\n|-\n| [[User:A]]\n|}")
    with pytest.raises(errors.NoBanList):
        banlist.parse("{|\n| User\n! Date\n|-\n| [[User:A]]\n|}")


def test_cells_written_without_spaces_and_header_cells_split_by_double_bars() -> None:
    got = banlist.parse("{|\n!User||Date\n|-\n|[[User:A]]||2026-03-05\n|}")
    assert entries(got) == [("A", MARCH_5, False, 4)]


def test_a_line_that_continues_a_row_belongs_to_its_last_cell() -> None:
    got = table("! User !! Date", "| Plain Name || 5 March\n2026")
    assert entries(got) == [("Plain Name", MARCH_5, False, 4)]


def test_a_header_that_only_contains_an_account_word_is_not_the_account_column() -> None:
    with pytest.raises(errors.NoBanList):
        table("! Notes !! Us er", "| spam || [[User:Target]]")


def test_a_problem_row_over_several_lines_carries_all_of_them() -> None:
    got = table("! Date !! User", "| 2026-03-05\n| Bad#Name", "| 2026-03-05 || [[User:Ok]]")
    assert [(p.line, p.text) for p in got.problems] == [(4, "| 2026-03-05\n| Bad#Name")]


def test_a_row_shorter_than_the_date_column_has_no_date() -> None:
    got = table("! User !! Notes !! Date", "| [[User:A]] || note")
    assert entries(got) == [("A", None, False, 4)]


@pytest.mark.parametrize("row", ["* <s>[[User:A]]</s> who maintains this list",
                                 "* {{s|[[User:A]]}} who maintains this list",
                                 "* {{s|[[User:A]] who maintains this list}}",
                                 "* [[User:A]] ([[Special:Contributions/A|contribs]]) helps",
                                 "* {{user|Bot 2026-03-05}} is the list's helper"])
def test_text_around_a_struck_or_linked_account_still_decides_the_shape(row: str) -> None:
    got = bullets("* [[User:Listed]]", row)
    assert [e.user for e in got.entries] == ["Listed"] and problems(got) == [3]
    assert "not in the list's shape" in got.problems[0].reason


def test_links_to_the_same_account_and_the_space_inside_a_strike_keep_a_row_in_shape() -> None:
    got = bullets("* [[User:A]] ([[Special:Contributions/A|contribs]])", "* <s> [[User:B]]</s>")
    assert entries(got) == [("A", None, False, 2), ("B", None, True, 3)]


def test_a_link_whose_label_names_another_account_is_out_of_shape() -> None:
    got = bullets("* [[User:Listed]]", "* [[User:A|{{noping|B}}]] [[User:B]]")
    assert problems(got) == [3] and "not in the list's shape" in got.problems[0].reason


def test_an_empty_bullet_is_not_the_list() -> None:
    got = banlist.parse("*\n\n* [[User:A]]")
    assert [e.user for e in got.entries] == ["A"] and problems(got) == [1]


def test_a_date_is_read_after_the_account_not_inside_its_name_nor_after_its_other_links() -> None:
    got = bullets("* [[User:Bot 2026-01-01]], since 5 March 2026",
                  "* [[User:A]], since 6 March 2026 ([[Special:Contributions/A|contribs]])")
    assert entries(got) == [("Bot 2026-01-01", MARCH_5, False, 2), ("A", dt.date(2026, 3, 6), False, 3)]


def test_ambiguous_lists_are_named_in_page_order_the_top_of_the_page_included() -> None:
    with pytest.raises(errors.AmbiguousBanList) as e:
        banlist.parse("* [[User:X]]\n== B ==\n{|\n! User\n|-\n| [[User:Y]]\n|}")
    assert e.value.sections == ["(top of page)", "B"]
    with pytest.raises(errors.AmbiguousBanList) as e:
        banlist.parse("== A ==\n* [[User:X]]\n== B ==\n{|\n! User\n|-\n| [[User:Y]]\n|}\n== A ==\n* [[User:Z]]")
    assert e.value.sections == ["A", "B"]


def test_an_unclosed_table_ends_with_its_page_or_section() -> None:
    assert entries(banlist.parse("{|\n! User\n|-\n| [[User:A]]")) == [("A", None, False, 4)]
    got = banlist.parse("== A ==\n{|\n! User\n|-\n| [[User:X]]\n== B ==\n* [[User:Y]]", section="A")
    assert entries(got) == [("X", None, False, 5)] and got.problems == ()


def test_text_after_a_table_is_not_part_of_it_and_a_table_inside_it_is_no_second_list() -> None:
    got = banlist.parse("{|\n! User\n|-\n| [[User:A]]\n|-\n|}\nsee also the talk page")
    assert entries(got) == [("A", None, False, 4)] and got.problems == ()
    nested = banlist.parse("{|\n! User\n|-\n| [[User:A]]\n{|\n! User\n|-\n| [[User:B]]\n|}\n|}")
    assert [e.user for e in nested.entries] == ["A", "B"]


@pytest.mark.parametrize("link, name", [("[[:User:Target]]", "Target"), ("[[Foo_bar:User:Target|Target]]", None),
                                        ("[[Special:Central_Auth/Target|Target]]", None)])
def test_how_a_link_title_names_an_account(link: str, name: str | None) -> None:
    got = bullets("* [[User:Listed]]", f"* {link}")
    assert [e.user for e in got.entries] == ["Listed"] + ([name] if name else [])
    if name is None:
        assert "no account is linked" in got.problems[0].reason


def test_a_template_name_with_an_underscore_is_read_with_a_space() -> None:
    got = table("! User", "| {{user_0|Target}}", "| {{User_links|Second}}")
    assert [e.user for e in got.entries] == ["Second"] and problems(got) == [4]


@pytest.mark.parametrize("label, shown", [("Bad#Label", "'Bad#Label'"), ("<nowiki/>", "no name")])
def test_a_label_that_is_no_name_is_quoted_in_the_reason(label: str, shown: str) -> None:
    got = bullets("* [[User:Listed]]", f"* [[User:Target|{label}]]")
    assert f"shows readers {shown};" in got.problems[0].reason


def test_a_row_struck_only_in_part_is_a_problem() -> None:
    got = bullets("* [[User:Listed]]", "* <s>[[User:A]]</s> [[Special:Contributions/A|c]]")
    assert problems(got) == [3] and "only part of this row is struck" in got.problems[0].reason


def test_a_template_nested_in_a_layout_template_is_still_a_template_banbot_cannot_see_into() -> None:
    got = table("! User", "| {{div col|{{mystery}}}} Plain Name", "| [[User:Ok]]")
    assert problems(got) == [4] and "{{mystery}}" in got.problems[0].reason


def test_a_plain_name_is_decoded_once_as_mediawiki_decodes_a_title() -> None:
    assert [e.user for e in table("! User", "| Tom &amp; Jerry").entries] == ["Tom & Jerry"]
    twice = table("! User", "| [[User:Ok]]", "| Tom &amp;amp; Jerry")  # readers see "Tom &amp; Jerry"
    assert problems(twice) == [6] and "character references" in twice.problems[0].reason


def test_quotes_and_bold_around_a_plain_name_are_not_part_of_it_and_do_not_strike_it() -> None:
    got = table("! User", '| "Quoted Name"', "| '''Bold Name'''")
    assert entries(got) == [("Quoted Name", None, False, 4), ("Bold Name", None, False, 6)]


def test_a_page_without_a_list_says_so() -> None:
    with pytest.raises(errors.NoBanList, match="the page holds no ban list"):
        banlist.parse("just text")


def test_a_date_spanning_four_rows_dates_all_four() -> None:
    got = table("! Date !! User", '| rowspan="4" | 2026-03-05 || [[User:A]]', "| [[User:B]]", "| [[User:C]]",
                "| [[User:D]]")
    assert [(e.user, e.since) for e in got.entries] == [("A", MARCH_5), ("B", MARCH_5), ("C", MARCH_5),
                                                        ("D", MARCH_5)]


def test_a_tables_date_cell_is_read_whole_even_when_it_links_the_account_again() -> None:
    got = table("! User !! Date", "| [[User:A]] || 2026-03-05, listed again by [[User:A]] on 2026-03-06")
    assert entries(got) == [("A", MARCH_5, False, 4)]


def test_a_bullets_date_is_read_after_the_whole_template_that_names_the_account() -> None:
    got = bullets("* {{user|A|2026-01-01}}, since 5 March 2026")
    assert entries(got) == [("A", MARCH_5, False, 2)]


def test_an_entry_keeps_the_links_that_name_it_and_equality_ignores_them() -> None:
    got = table("! User", "| <nowiki>[[User:Hidden Link]]</nowiki>", "| [[User:Shown|Shown]]", "| Plain")
    assert [(e.user, e.links) for e in got.entries] == [("Hidden Link", ("User:Hidden Link",)),
                                                        ("Shown", ("User:Shown",)), ("Plain", ())]
    assert banlist.BanEntry("A", None, False, 1, links=("User:A",)) == banlist.BanEntry("A", None, False, 1)


@pytest.mark.parametrize("row", ["* <s></s>", "* '''[[User:Bold]]'''", "* [[Help:Contents]]"])
def test_a_bullet_that_does_not_start_with_an_account_link_is_not_the_list(row: str) -> None:
    got = banlist.parse(f"{row}\n\n* [[User:A]]")
    assert [e.user for e in got.entries] == ["A"] and problems(got) == [1]
