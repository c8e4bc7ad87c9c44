"""Properties over generated lists: every candidate row is an entry or a problem, never dropped, and
nothing becomes an entry unless it is clearly an account on the list."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from banbot import banlist
from banbot.errors import InputError

NAME = st.from_regex(r"[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8})?", fullmatch=True)
JUNK = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30)


@st.composite
def bullet_row(draw: st.DrawFn) -> tuple[str, str | None, str]:
    """(row text, the account it clearly names or None, kind)."""
    name = draw(NAME)
    kind = draw(st.sampled_from(["ca", "user", "tpl", "struck", "two", "template", "nolink", "ip", "bad", "junk"]))
    date = draw(st.sampled_from(["5 March 2026", "2026-03-05", "{{dts|2026|3|5}}", "", "someday"]))
    text = {
        "ca": f"* [[m:Special:CentralAuth/{name}|{name}]], since {date}",
        "user": f"* [[User:{name}]], since {date}",
        "tpl": f"* {{{{noping|{name}}}}}, since {date}",
        "struck": f"* <s>[[User:{name}]], since {date}</s>",
        "two": f"* [[User:{name}]] and [[User:{name}x]]",
        "template": f"* {{{{Banned|{name}}}}}",
        "nolink": f"* {name}, since {date}",
        "ip": "* [[Special:Contributions/192.0.2.7]]",
        "bad": f"* [[User:{name}#x]]",
        "junk": "* " + draw(JUNK),
    }[kind]
    clear = name if kind in ("ca", "user", "tpl", "struck") else None
    return text, clear, kind


@given(rows=st.lists(bullet_row(), min_size=1, max_size=25), anchor=NAME)
def test_every_bullet_row_is_an_entry_or_a_problem(rows: list[tuple[str, str | None, str]], anchor: str) -> None:
    lines = [f"* [[User:{anchor}Anchor]]"] + [r[0] for r in rows]
    result = banlist.parse("\n".join(lines))
    entry_lines = [e.line for e in result.entries]
    problem_lines = [p.line for p in result.problems]
    assert sorted(entry_lines + problem_lines) == list(range(1, len(lines) + 1))
    clear = {f"{anchor}Anchor"} | {r[1] for r in rows if r[1]}
    assert {e.user for e in result.entries} <= clear
    for e in result.entries:
        kind = "user" if e.line == 1 else rows[e.line - 2][2]
        assert e.lifted == (kind == "struck")


@given(users=st.lists(NAME, min_size=1, max_size=15, unique=True), order=st.booleans())
def test_every_table_row_is_an_entry_or_a_problem(users: list[str], order: bool) -> None:
    header = "! User !! Date" if order else "! Date !! Account"
    rows = []
    for i, u in enumerate(users):
        cells = [f"{{{{user|{u}}}}}", f"2020-01-{i % 28 + 1:02d}"]
        rows += ["|-", "| " + " || ".join(cells if order else cells[::-1])]
    text = "\n".join(['{| class="wikitable"', header, *rows, "|}"])
    result = banlist.parse(text)
    assert [e.user for e in result.active] == users
    assert not result.problems


@given(text=st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    try:
        result = banlist.parse(text)
    except InputError:
        return
    for e in result.entries:
        assert e.user and "\n" not in e.user


@given(rows=st.lists(bullet_row(), min_size=1, max_size=20))
def test_no_generated_page_makes_banbot_act_on_an_account_not_clearly_listed(
        rows: list[tuple[str, str | None, str]]) -> None:
    import dataclasses

    from banbot.config import EnforceConfig
    from banbot.plan import PlanSettings, make_plan
    from banbot.state import AccountState, LocalAccount

    try:
        result = banlist.parse("\n".join(r[0] for r in rows))
    except InputError:
        return  # no list at all: nothing can be planned
    clearly_active = {r[1] for r in rows if r[1] and r[2] != "struck"}
    # every account anyone could name exists, with groups, on every wiki: only the list decides
    everyone = {e.user for e in result.entries} | {r[1] for r in rows if r[1]}
    states = {n: AccountState(n, True, locked=False, local=(LocalAccount("w1", ("sysop",)),)) for n in everyone}
    s = PlanSettings("centralauth", "w1", ("w1",), {"w1": "en"}, dataclasses.replace(EnforceConfig(), notify=False),
                     "L", "BanBot")
    plan = make_plan(result, states, s)
    assert {a.user for a in plan.actions} <= clearly_active
