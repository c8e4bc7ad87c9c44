"""Hidden and suppressed accounts are never published (issue 16), on the farm with the real CentralAuth.

banbot locks them like any other, and then reads the wikis back as an anonymous reader would: no page text,
edit summary or log comment banbot wrote names them, while the plainly listed account in the same run is named
where it should be (which shows the reads would find a name). What MediaWiki itself logs about a hidden account
(CentralAuth's own log titles) is MediaWiki's business; banbot's reason text is banbot's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from devfarm.farm import UA, FarmHandle

from integration.conftest import banbot
from integration.test_centralauth_real_farm import WIKIS, enforced, publish, vandal

pytestmark = pytest.mark.integration
REASON = "Global ban of {user}: see [[{list_link}]]"


@pytest.fixture
def real(farm: FarmHandle) -> FarmHandle:
    if not farm.real_ca:
        pytest.skip("needs the real CentralAuth: start the farm with BANBOT_CENTRALAUTH_DIR set")
    return farm


def anonymous(farm: FarmHandle, db: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every row of a list query as a reader without an account gets it (no cookies, continued)."""
    params.update(action="query", format="json", formatversion=2)
    cont: dict[str, Any] = {}
    while True:
        data = requests.get(farm.api(db), params={**params, **cont}, headers={"User-Agent": UA}, timeout=30).json()
        yield from data["query"][params["list"]]
        if "continue" not in data:
            return
        cont = data["continue"]


def published_by_banbot(farm: FarmHandle, page: str) -> list[str]:
    """What an anonymous reader sees of banbot's writes on every wiki: edit summaries and log comments, the
    titles of the pages it edited, and the text of the results page."""
    seen = []
    for db in WIKIS:
        for rc in anonymous(farm, db, list="recentchanges", rcuser="BanBot", rcprop="title|comment|loginfo",
                            rclimit=500):
            seen.append(rc.get("comment", ""))
            if rc.get("type") in ("edit", "new"):
                seen.append(rc["title"])
        for ev in anonymous(farm, db, list="logevents", leuser="BanBot", leprop="comment|type", lelimit=500):
            seen.append(ev.get("comment", ""))
    revs = farm.get("metawiki", action="query", prop="revisions", titles=page, rvprop="comment|content",
                    rvslots="main", rvlimit=50)["query"]["pages"][0]["revisions"]
    seen += [r["comment"] for r in revs] + [r["slots"]["main"]["content"] for r in revs]
    return seen


def named(texts: list[str], name: str) -> list[str]:
    return [t for t in texts if name in t or name.replace(" ", "_") in t]


def test_hidden_and_suppressed_accounts_are_locked_and_named_nowhere_a_reader_can_see(
        real: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    farm = real
    v = vandal(farm, uniq)
    sup, lst = f"{uniq} Suppressed", f"{uniq} Listhidden"
    farm.make_users("metawiki", [{"name": sup}, {"name": lst, "groups": ["rollbacker"]}])
    farm.make_users("enwiki", [{"name": lst, "groups": ["rollbacker"]}])
    farm.set_global({sup: {"hidden": "suppressed"}, lst: {"hidden": "lists"}})
    status = f"User:BanBot/Status/{uniq}"
    path = Path(configure("centralauth", publish(farm, uniq, [sup, lst, v]), f'[enforce]\nreason = "{REASON}"\n'))
    path.write_text(path.read_text().replace('page = "User:BanBot/Status/centralauth"', f'page = "{status}"'))
    cfg = str(path)

    code, text, err = banbot("plan", "--config", cfg, "--format", "wikitext")
    assert code == 1, err
    assert "{{user|1=" + v in text and not named([text], sup) and not named([text], lst)
    assert "2 hidden accounts (never named here): 4 actions." in text  # two locks, two group removals
    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert {(a["kind"], a["user"], a.get("hidden", False)) for a in plan["actions"] if a["user"] != v} == {
        ("lock", sup, True), ("lock", lst, True), ("remove-local-groups", lst, True)}  # on metawiki and enwiki
    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                               "--format", "json")
    assert code == 0, err
    assert farm.global_info(sup)["locked"] is True and farm.global_info(lst)["locked"] is True
    assert farm.groups("enwiki", lst) == [] and farm.groups("metawiki", lst) == []
    enforced(farm, v)

    code, out, err = banbot("report", "--config", cfg, "--publish", "--format", "json")
    assert code == 0, err
    assert out["published"]["revid"] and "2 hidden accounts: locked" in out["hidden"]
    page = farm.text("metawiki", status) or ""
    assert f"[[Special:CentralAuth/{v}|{v}]]" in page and "* 2 hidden accounts: locked" in page

    seen = published_by_banbot(farm, status)
    assert named(seen, f"Global ban of {v}")  # the reads see banbot's reasons: a name there would be found
    assert named(seen, sup) == [] and named(seen, lst) == []
    # the hidden account's group removals: its reason reads "this account", and still links the list
    assert any(t.startswith("Global ban of this account: see ") and f"Bans/{uniq}" in t for t in seen), seen
