"""A reviewed plan that no longer matches the wiki is refused with what changed — the list revision, and each
action added, removed or changed — not two digests (issue 17)."""

# ruff: noqa: F811  (the fixtures imported from test_commands are parameters here)
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from banbot.cli import main
from banbot.state import AccountState, LocalAccount
from test_commands import LIST, FakeFarm, cfg, fake  # noqa: F401  (the fake farm's fixtures)


def test_a_refused_reviewed_plan_names_the_actions_added_removed_and_changed(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = str(tmp_path / "p.json")
    assert main(["plan", "--config", cfg, "--format", "json", "--out", plan_file]) == 1
    capsys.readouterr()
    fake.text = LIST.replace("Vandal Two", "Vandal Three")  # the list moved on: one out, one in
    fake.revid += 1
    fake.states["Vandal Three"] = AccountState("Vandal Three", exists=True, local=(LocalAccount("metawiki"),))
    fake.states["Vandal One"] = dataclasses.replace(  # and the farm: a group already gone, another added
        fake.states["Vandal One"], local=(LocalAccount("metawiki", ("bureaucrat",)),))
    code = main(["apply", "--config", cfg, "--plan", plan_file, "--init-journal", "--format", "table"])
    err = capsys.readouterr().err
    assert code == 2 and fake.sent == []
    assert "list revision metawiki:Global bans/List@100 → metawiki:Global bans/List@101" in err
    assert "+ block indefinitely: Vandal Three on metawiki" in err
    assert "- block indefinitely: Vandal Two on metawiki" in err
    assert "+ remove local groups bureaucrat from Vandal One on metawiki" in err
    assert "- remove local groups sysop from Vandal One on metawiki" in err
    assert "digest" not in err

    code = main(["apply", "--config", cfg, "--plan", plan_file, "--init-journal", "--format", "json"])
    details = json.loads(capsys.readouterr().out)["error"]["details"]
    assert code == 2 and details["list_revision"]["now"].endswith("@101")
    assert {(a["kind"], a["user"]) for a in details["added"]} == {("block", "Vandal Three"),
                                                                  ("remove-local-groups", "Vandal One")}
    assert details["users_added"] == ["Vandal Three"] and details["users_removed"] == ["Vandal Two"]


def test_a_changed_action_shows_the_fields_that_changed(fake: FakeFarm, cfg: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = str(tmp_path / "p.json")
    main(["plan", "--config", cfg, "--format", "json", "--out", plan_file])
    capsys.readouterr()
    fake.states["Vandal Two"] = dataclasses.replace(  # blocked for a day meanwhile: now a reblock
        fake.states["Vandal Two"], local=(LocalAccount("metawiki", ("sysop",), blocked=True, block_expiry="1 day"),))
    assert main(["apply", "--config", cfg, "--plan", plan_file, "--init-journal", "--format", "table"]) == 2
    err = capsys.readouterr().err
    assert "(0 actions added, " not in err and "1 action changed" in err
    assert "~ replace the existing block with an indefinite one: Vandal Two on metawiki: reblock False → True" in err


def test_actions_that_only_cite_the_new_list_revision_are_counted_not_listed(
        fake: FakeFarm, cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = str(tmp_path / "p.json")
    main(["plan", "--config", cfg, "--format", "json", "--out", plan_file])
    capsys.readouterr()
    fake.revid += 1  # a null change to the list: a new revision, the same entries
    assert main(["apply", "--config", cfg, "--plan", plan_file, "--init-journal", "--format", "table"]) == 2
    err = capsys.readouterr().err
    assert "the ban list changed since the plan was made" in err and "@100 → " in err
    assert "= 4 actions otherwise the same, citing the new list revision" in err and "\n  ~ " not in err
