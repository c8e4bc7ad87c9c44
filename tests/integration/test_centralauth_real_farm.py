"""Issue 10 on the farm with the real CentralAuth (REL1_39), through the real command line, read back from
the wikis. Every test also checks that a plainly listed account IS enforced in the same run.

Hidden, suppressed and local-only accounts exist only on the real extension (the double has none): those
tests skip on a farm started without BANBOT_CENTRALAUTH_DIR; CI always has it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from conftest import need_real_centralauth
from integration.conftest import LISTED, banbot

pytestmark = pytest.mark.integration
MARK = "banbot:global-ban-notice"
WIKIS = ("metawiki", "enwiki", "zhwiki")


@pytest.fixture
def real(farm: FarmHandle) -> FarmHandle:
    need_real_centralauth(farm)
    return farm


def vandal(farm: FarmHandle, uniq: str) -> str:
    """A plainly listed account: sysop on enwiki, attached everywhere, home metawiki."""
    name = f"{uniq} Vandal"
    for db in WIKIS:
        farm.make_users(db, [{"name": name, "groups": ["sysop"] if db == "enwiki" else []}])
    return name


def publish(farm: FarmHandle, uniq: str, names: list[str]) -> str:
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, "\n".join(f"* [[m:Special:CentralAuth/{n}|{n}]], since {LISTED}" for n in names))
    farm.protect("metawiki", page)
    return page


def enforced(farm: FarmHandle, name: str) -> None:
    info = farm.global_info(name)
    assert info["locked"] is True, info
    assert farm.groups("enwiki", name) == []
    assert farm.text(info["home"], f"User talk:{name}").count(MARK) == 1


def test_suppressed_and_hidden_accounts_are_locked_and_get_no_notice(real: FarmHandle, configure: Callable[..., Path],
                                                                     uniq: str) -> None:
    farm = real
    v = vandal(farm, uniq)
    sup, lst = f"{uniq} Suppressed", f"{uniq} Listhidden"
    farm.make_users("metawiki", [{"name": sup}, {"name": lst, "groups": ["rollbacker"]}])
    farm.set_global({sup: {"hidden": "suppressed"}, lst: {"hidden": "lists"}})
    cfg = str(configure("centralauth", publish(farm, uniq, [sup, lst, v])))

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert code == 1, err
    got = {(a["kind"], a["user"]) for a in plan["actions"]}
    assert {("lock", sup), ("lock", lst), ("remove-local-groups", lst), ("lock", v), ("notify", v)} <= got
    assert not {("notify", sup), ("notify", lst)} & got
    assert {h["user"] for h in plan["holds"] if "no talk-page notice" in h["reason"]} == {sup, lst}

    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                                 "--format", "json")
    assert code == 0, err  # before issue 10: exit 4 here, and on every later run, for the suppressed account
    assert report["summary"]["locked"] == 3 and report["summary"]["failed"] == 0
    for name in (sup, lst):
        assert farm.global_info(name)["locked"] is True
        assert all(farm.text(db, f"User talk:{name}") is None for db in WIKIS)
    # (CentralAuth logs a hidden account's lock in the suppression log, which only oversighters read)
    assert farm.groups("metawiki", lst) == []
    enforced(farm, v)
    code, again, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 0 and again["actions"] == []


def test_a_name_the_central_wiki_rejects_does_not_stop_the_others(farm: FarmHandle, configure: Callable[..., Path],
                                                                  uniq: str) -> None:
    v = vandal(farm, uniq)
    bad = "Marsh%20Wren"  # globaluserinfo answers baduser for the whole request (gui-pct.json)
    cfg = str(configure("centralauth", publish(farm, uniq, [bad, v])))
    code, plan, err = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 1, err  # before issue 10: exit 5, nothing planned for anyone
    assert not [a for a in plan["actions"] if a["user"] == bad]
    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                                 "--format", "json")
    assert code == 0, err
    enforced(farm, v)


def test_a_local_account_without_a_global_account_is_held_for_review(real: FarmHandle,
                                                                     configure: Callable[..., Path],
                                                                     uniq: str) -> None:
    farm = real
    v = vandal(farm, uniq)
    orphan = f"{uniq} Orphan"
    farm.make_users("zhwiki", [{"name": orphan, "groups": ["sysop"], "local_only": True}])
    assert farm.global_info(orphan).get("missing")
    cfg = str(configure("centralauth", publish(farm, uniq, [orphan, v])))

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 1, err
    (hold,) = [h for h in plan["holds"] if h["user"] == orphan]
    assert "no global account" in hold["reason"] and "zhwiki (sysop)" in hold["reason"]
    code, audit, _ = banbot("audit", "--config", cfg, "--format", "json")
    assert code == 1 and orphan in audit["out_of_place"]  # before issue 10: "no such account", ok
    assert any(r["user"] == orphan and r["wiki"] == "zhwiki" and "sysop" in r["state"] for r in audit["accounts"])
    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                                 "--format", "json")
    assert code == 0, err
    assert farm.groups("zhwiki", orphan) == ["sysop"]  # never touched: it may be someone else
    enforced(farm, v)


def test_a_preview_with_a_read_only_key_says_hidden_accounts_are_not_visible(real: FarmHandle,
                                                                             configure: Callable[..., Path],
                                                                             uniq: str, tmp_path: Path) -> None:
    farm = real
    v = vandal(farm, uniq)
    sup = f"{uniq} Suppressed"
    farm.make_users("metawiki", [{"name": sup}])
    farm.set_global({sup: {"hidden": "suppressed"}})
    page = publish(farm, uniq, [sup, v])
    readonly = farm.with_readonly_login(Path(configure("centralauth", page)), tmp_path)
    code, preview, err = banbot("plan", "--config", str(readonly), "--format", "json")
    assert code == 1, err
    (hold,) = [h for h in preview["holds"] if h["user"] == sup]
    assert "not visible to this key; hidden accounts need centralauth-suppress" in hold["reason"]
    assert ("lock", v) in {(a["kind"], a["user"]) for a in preview["actions"]}
    code, text, _ = banbot("plan", "--config", str(readonly), "--format", "table")
    assert "not visible to this key" in text
    # the bot's own key sees the account and locks it
    cfg = str(configure("centralauth", page))
    code, plan, err = banbot("apply", "--config", cfg, "--yes", "--force", "--init-journal", "--format", "json")
    assert code == 0, err  # --force: the first run is a human's, and this operator reviewed the preview above
    assert farm.global_info(sup)["locked"] is True
    enforced(farm, v)


def test_every_attached_wiki_is_enforced_though_the_config_names_only_the_central_wiki(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    """enwiki and zhwiki are missing from [wikis]: the sysop on zhwiki (its home) and the rollbacker on enwiki
    lose their groups through the central wiki, and the notice lands on zhwiki at the address CentralAuth gives."""
    v = vandal(farm, uniq)
    far = f"{uniq} Faraway"
    farm.make_users("zhwiki", [{"name": far, "groups": ["sysop"]}])  # created first: home zhwiki
    farm.make_users("enwiki", [{"name": far, "groups": ["rollbacker"]}])
    farm.make_users("metawiki", [{"name": far}])
    assert farm.global_info(far)["home"] == "zhwiki"
    path = Path(configure("centralauth", publish(farm, uniq, [far, v])))
    only_central = re.sub(r"\[wikis\.(enwiki|zhwiki)\]\napi = [^\n]*\nlang = [^\n]*\n", "", path.read_text())
    assert "[wikis.enwiki]" not in only_central and "[wikis.metawiki]" in only_central
    path.write_text(only_central)
    cfg = str(path)

    code, plan, err = banbot("plan", "--config", cfg, "--format", "json", check=True)
    assert code == 1, err
    got = [(a["kind"], a["wiki"], tuple(a.get("groups", ()))) for a in plan["actions"] if a["user"] == far]
    assert got == [("lock", "metawiki", ()), ("remove-local-groups", "enwiki", ("rollbacker",)),
                   ("remove-local-groups", "zhwiki", ("sysop",)), ("notify", "zhwiki", ())]
    assert all(a["via_central"] for a in plan["actions"] if a["kind"] == "remove-local-groups")
    code, audit, _ = banbot("audit", "--config", cfg, "--format", "json")
    assert {r["wiki"] for r in audit["accounts"] if r["user"] == far} >= {"enwiki", "zhwiki"}

    code, report, err = banbot("apply", "--config", cfg, "--digest", plan["digest"], "--init-journal",
                                 "--format", "json")
    assert code == 0, err
    assert report["summary"]["local groups removed"] == 3 and report["summary"]["notified"] == 2
    assert farm.global_info(far)["locked"] is True
    assert farm.groups("enwiki", far) == [] and farm.groups("zhwiki", far) == []
    talk = farm.text("zhwiki", f"User talk:{far}")
    assert talk.count(MARK) == 1 and "全域禁制" in talk  # zhwiki's language, read from its siteinfo
    enforced(farm, v)
    code, again, _ = banbot("plan", "--config", cfg, "--format", "json")
    assert code == 0 and again["actions"] == [], json.dumps(again)


def test_the_farm_has_a_list_editor_trusted_only_through_a_global_group(real: FarmHandle, uniq: str) -> None:
    """For the trusted-editor rail (bug 2): Stewie edits the list and is a steward only globally."""
    farm = real
    stewie = farm.info["ca_accounts"]["Stewie"]
    session = farm.session_as("metawiki", "Stewie", stewie["password"])
    farm.edit_as(session, "metawiki", f"Bans/{uniq}", "* [[User:Nobody]]")
    assert "steward" in farm.global_info("Stewie")["groups"]
    assert not farm.groups("metawiki", "Stewie")
