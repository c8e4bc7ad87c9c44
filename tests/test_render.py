"""What reviewers read: the plan as a table, as JSON and as a wikitable to post on-wiki."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import mwparserfromhell
import pytest

from banbot import render, terminal
from banbot.plan import UNSEEN, Hold, Lock, Plan, Why
from banbot.safety import Blocker, Rule
from test_plan import account, bans, make_plan, settings


def a_plan() -> Plan:
    plan = make_plan(bans("Vandal", "Ghost"), {"Vandal": account("Vandal")}, settings())
    assert plan.holds == (Hold("Ghost", plan.holds[0].reason, why=Why.MISSING),)
    return plan


def test_the_wikitext_plan_is_a_sortable_table_with_a_row_per_action_and_hold() -> None:
    plan = a_plan()
    text = render.plan_wikitext(plan)
    assert "[[Special:PermanentLink/42|rev 42]]" in text and plan.digest[:12] in text
    tables = mwparserfromhell.parse(text).filter_tags(matches=lambda t: t.tag == "table")
    rows = [t for t in tables[0].contents.filter_tags(recursive=False) if t.tag == "tr"]
    assert len(rows) == len(plan.actions) + len(plan.holds)  # the header line before the first |- is no row
    assert "''held:''" in text and "<nowiki>lock the global account Vandal</nowiki>" in text


def test_the_table_shows_every_action_and_the_digest() -> None:
    plan = a_plan()
    text = render.plan_table(plan)
    for action in plan.actions:
        assert action.describe() in text
    assert f"digest {plan.digest}" in text and "held for a human" in text


def test_the_json_plan_is_the_plan_object() -> None:
    plan = a_plan()
    data = json.loads(render.to_json(plan.to_json()))
    assert data["digest"] == plan.digest and len(data["actions"]) == len(plan.actions)
    assert data["source"]["revid"] == 42


def test_the_wikitext_plan_counts_hidden_accounts_and_never_names_them() -> None:
    states = {"Vandal": account("Vandal"), "Secret One": account("Secret One", hidden=True),
              "Secret Two": account("Secret Two", hidden=True, locked=True, global_groups=("staff",))}
    plan = make_plan(bans("Vandal", "Secret One", "Secret Two"), states, settings())
    plan = dataclasses.replace(plan, holds=plan.holds + (Hold("Unseen", UNSEEN, why=Why.NOT_VISIBLE),))
    text = render.plan_wikitext(plan)
    assert "Secret" not in text and "Unseen" not in text
    assert "{{user|1=Vandal}}" in text
    assert "1 hidden account (never named here): 2 actions." in text  # the lock and the group removal
    assert "1 hidden account (never named here): held for a human." in text  # the exempt one
    assert "1 account not visible to this key" in text
    rows = text.split("|-")[1:]
    assert [r.split("||")[0].strip("\n| ") for r in rows if "''held:''" not in r] == ["1", "2", "3"]  # no gap


def test_the_wikitext_plan_escapes_names_so_the_template_gets_the_whole_name() -> None:
    source = a_plan().source
    odd = ("A=B", "Pipe|Name", "Brace}}Name", "O'Brien~~~~")
    plan = Plan(source, tuple(Lock(n, "metawiki", "r") for n in odd))
    text = render.plan_wikitext(plan)
    templates = mwparserfromhell.parse(text).filter_templates()
    assert [str(t.name) for t in templates] == ["user"] * len(odd)
    assert [html.unescape(str(t.get("1").value)) for t in templates] == list(odd)
    assert "~~~~" not in re.sub(r"<nowiki>.*?</nowiki>", "", text)  # a signature is expanded outside <nowiki> only


def test_held_back_lines_stay_out_of_the_wikitext_document(capsys: pytest.CaptureFixture[str]) -> None:
    plan = a_plan()
    terminal.show_plan(plan, "wikitext", [Blocker(Rule.FIRST_RUN, "the first run is a human's")], 1)
    out, err = capsys.readouterr()
    assert out.strip().endswith("|}") and "held back" not in out and "first-run" not in out
    assert "apply is held back by:" in err and "[first-run]" in err
