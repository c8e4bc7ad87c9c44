"""`banbot lifted` on the real farm: a struck entry stays in view across runs until a human dismisses it, and
leaves it as soon as a human lifts the block on the wiki. banbot itself never lifts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import banbot
from integration.test_operations import accounts, blocked_anywhere, list_text, publish

pytestmark = pytest.mark.integration


def shown(cfg: str) -> dict[str, dict[str, str]]:
    code, out, err = banbot("lifted", "--config", cfg, "--format", "json")
    assert code in (0, 1), err
    assert code == (1 if out["lifted"] else 0)
    return {r["user"]: r for r in out["lifted"]}


def test_a_struck_entry_stays_in_view_until_dismissed_or_lifted_by_a_human(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    kept, unblocked, listed = accounts(farm, uniq, 3)
    cfg = str(publish(farm, uniq, [kept, unblocked, listed], configure))
    page = f"Bans/{uniq}"
    assert banbot("run", "--config", cfg)[0] == 0
    assert all(farm.blocked(db, x) for db in ("metawiki", "enwiki") for x in (kept, unblocked, listed))
    assert shown(cfg) == {}
    farm.edit("metawiki", page, list_text([kept, unblocked, listed], struck=(kept, unblocked)))
    for i in range(3):  # each run records a new list revision as applied: the old lifted forgot them here
        code, _, err = banbot("run", "--config", cfg)
        assert code == 0, err
        farm.edit("metawiki", page, list_text([kept, unblocked, listed], struck=(kept, unblocked)) + f"\n<!-- {i} -->")
    got = shown(cfg)
    assert set(got) == {kept, unblocked}
    assert got[kept]["change"].startswith("struck on line") and "blocked on metawiki" in got[kept]["state"]
    for db in ("metawiki", "enwiki"):  # a steward lifts one block by hand
        r = farm.post(db, action="unblock", user=unblocked, reason="ban lifted")
        assert "unblock" in r, r
    assert set(shown(cfg)) == {kept}
    code, out, err = banbot("lifted", "--config", cfg, "--dismiss", kept, "--by", "Stew", "--reason",
                            "the local ban stays", "--format", "table")
    assert code == 0 and f"{kept} dismissed by Stew" in out, err
    assert shown(cfg) == {}
    assert blocked_anywhere(farm, kept) and farm.blocked("enwiki", listed)  # banbot lifted nothing
    assert banbot("run", "--config", cfg)[0] == 0 and not blocked_anywhere(farm, unblocked)


def test_a_lock_stays_in_view_until_a_steward_unlocks(farm: FarmHandle, configure: Callable[..., Path],
                                                      uniq: str) -> None:
    from integration.conftest import LISTED, baseline

    name = f"{uniq} Locked"
    farm.make_users("metawiki", [{"name": name, "groups": []}])
    page = f"Bans/{uniq}"
    cfg = str(configure("centralauth", page))
    baseline(farm, cfg, page)
    farm.edit("metawiki", page, f"* [[User:{name}]], since {LISTED}")
    assert banbot("run", "--config", cfg)[0] == 0
    assert farm.global_info(name).get("locked")
    farm.edit("metawiki", page, f"* <s>[[User:{name}]]</s>, since {LISTED}")
    for _ in range(3):
        assert banbot("run", "--config", cfg)[0] == 0
    assert shown(cfg)[name]["state"] == "locked"
    farm.set_global({name: {"locked": False}})  # a steward unlocks by hand
    assert not farm.global_info(name).get("locked")
    assert shown(cfg) == {}
