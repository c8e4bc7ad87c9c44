"""Links off the farm are problem rows, never entries (issue 16), on the farm's own interwiki table.

Every farm wiki has MediaWiki's default prefixes (wikipedia: leads to en.wikipedia.org) and two that
scripts/wikifarm adds: en: (an interlanguage prefix for en.wikipedia.org) and farm-en: (the farm's own enwiki).
A vandal lists real farm accounts through links that lead elsewhere; they stay untouched, while the account
listed plainly, and the one linked through the farm's own prefix, are enforced in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, banbot

pytestmark = pytest.mark.integration
WIKIS = ("metawiki", "enwiki", "zhwiki")


def test_accounts_linked_through_a_prefix_that_leads_off_the_farm_are_never_enforced(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    listed, farm_linked = f"{uniq} Vandal", f"{uniq} Farmlinked"
    innocents = {"[[en:User:{}]]": f"{uniq} Interlanguage", "[[:en:User:{}]]": f"{uniq} Colonen",
                 "[[wikipedia:User:{}]]": f"{uniq} Wikipedian"}
    for db in WIKIS:
        farm.make_users(db, [{"name": n, "groups": ["rollbacker"] if db == "enwiki" else []}
                             for n in [listed, farm_linked, *innocents.values()]])
    rows = [f"* [[m:Special:CentralAuth/{listed}|{listed}]], since {LISTED}",
            f"* [[:farm-en:User:{farm_linked}|{farm_linked}]], since {LISTED}"]
    rows += [f"* {link.format(name)}, since {LISTED}" for link, name in innocents.items()]
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, "\n".join(rows))
    farm.protect("metawiki", page)
    cfg = str(configure("centralauth", page))

    code, bans, err = banbot("bans", "--config", cfg, "--format", "json")
    assert code == 1, err
    assert {e["user"] for e in bans["entries"]} == {listed, farm_linked}
    reasons = {p["line"]: p["reason"] for p in bans["problems"]}
    assert "interlanguage link (en:)" in reasons[3]
    assert "en: is an interwiki prefix for en.wikipedia.org" in reasons[4]
    assert "wikipedia: is an interwiki prefix for en.wikipedia.org" in reasons[5]

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert {a["user"] for a in plan["actions"]} == {listed, farm_linked}
    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                               "--format", "json")
    assert code == 0, err
    for name in (listed, farm_linked):
        assert farm.global_info(name)["locked"] is True and farm.groups("enwiki", name) == []
    for name in innocents.values():
        assert not farm.global_info(name).get("locked") and farm.groups("enwiki", name) == ["rollbacker"]
