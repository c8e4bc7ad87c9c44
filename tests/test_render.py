"""What reviewers read: the plan as a table, as JSON and as a wikitable to post on-wiki."""

from __future__ import annotations

import json

import mwparserfromhell

from banbot import render
from banbot.plan import Hold, Plan, Why
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
