"""A plan's observations sealed for its apply (banbot.sealed): only this installation's own, unedited reads of the
same list revision and farm are believed; anything else makes apply read every account again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from banbot.sealed import Unsealed, key_file, load_key, seal, state_data, state_from_data, unseal
from banbot.state import AccountState, LocalAccount, TalkPage

BASIS = ["metawiki", "Bans", 42, None, "centralauth", "metawiki"]
STATES = {
    "Mallory": AccountState("Mallory", True, locked=False, global_groups=("global-rollbacker",), home="enwiki",
                            local=(LocalAccount("enwiki", ("sysop",), registered="2020-01-01T00:00:00Z",
                                                url="http://en"),),
                            talk=(TalkPage("enwiki", "User talk:Mallory", True, 7, "2024-01-01T00:00:00Z",
                                           text="hello", read_at="2026-12-02T00:00:00Z"),),
                            lock_check="abc", registered="2020-01-01T00:00:00Z", lock_checks=("abc", "def")),
    "Gone": AccountState("Gone", False),
}


def test_states_survive_the_plan_file_whole_including_fields_plans_do_not_compare() -> None:
    for st in STATES.values():
        back = state_from_data(json.loads(json.dumps(state_data(st))))
        assert back == st
        assert back.lock_checks == st.lock_checks and [t.text for t in back.talk] == [t.text for t in st.talk]


def test_a_sealed_observation_unseals_for_the_same_basis_and_key(tmp_path: Path) -> None:
    key = load_key(tmp_path / "journal.sqlite", create=True)
    assert key is not None
    doc = json.loads(json.dumps(seal(STATES, "2026-12-02T10:00:00Z", BASIS, key)))
    made_at, states = unseal(doc, BASIS, key)
    assert made_at == "2026-12-02T10:00:00Z" and states == STATES


@pytest.mark.parametrize("edit", ["registered", "locked", "made_at", "add", "mac"])
def test_an_edited_observation_is_not_believed(tmp_path: Path, edit: str) -> None:
    key = load_key(tmp_path / "journal.sqlite", create=True)
    assert key is not None
    doc = json.loads(json.dumps(seal(STATES, "2026-12-02T10:00:00Z", BASIS, key)))
    if edit == "registered":  # an earlier registration would lift the hold on a name someone else may hold
        doc["states"]["Mallory"]["registered"] = "2001-01-01T00:00:00Z"
    elif edit == "locked":
        doc["states"]["Mallory"]["locked"] = True
    elif edit == "made_at":
        doc["made_at"] = "2026-12-03T10:00:00Z"
    elif edit == "add":
        doc["states"]["Innocent"] = state_data(AccountState("Innocent", True))
    else:
        doc["mac"] = "0" * 64
    with pytest.raises(Unsealed, match="does not verify"):
        unseal(doc, BASIS, key)


def test_another_installations_seal_or_none_is_not_believed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    mine = load_key(tmp_path / "a" / "journal.sqlite", create=True)
    theirs = load_key(tmp_path / "journal.sqlite", create=True)
    assert mine and theirs and mine != theirs
    doc = seal(STATES, "2026-12-02T10:00:00Z", BASIS, theirs)
    with pytest.raises(Unsealed, match="does not verify"):
        unseal(doc, BASIS, mine)
    with pytest.raises(Unsealed, match="no plan key"):
        unseal(doc, BASIS, None)
    for missing in (None, {}, {k: v for k, v in doc.items() if k != "mac"}):
        with pytest.raises(Unsealed, match="carries no sealed"):
            unseal(missing, BASIS, theirs)


@pytest.mark.parametrize("other", [["metawiki", "Bans", 43, None, "centralauth", "metawiki"],
                                   ["metawiki", "Bans", 42, "Section", "centralauth", "metawiki"],
                                   ["metawiki", "Bans", 42, None, "plain", "metawiki"]])
def test_observations_of_another_revision_section_or_farm_are_not_believed(tmp_path: Path, other: list[object]) -> None:
    key = load_key(tmp_path / "journal.sqlite", create=True)
    assert key is not None
    with pytest.raises(Unsealed, match="another list revision"):
        unseal(seal(STATES, "2026-12-02T10:00:00Z", BASIS, key), other, key)


def test_the_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    assert load_key(journal, create=False) is None  # apply never makes one
    key = load_key(journal, create=True)
    assert key is not None and len(key) == 32
    assert oct(key_file(journal).stat().st_mode & 0o777) == "0o600"
    assert load_key(journal, create=True) == key == load_key(journal, create=False)


def test_a_key_others_may_read_is_no_key(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    assert load_key(journal, create=True) is not None
    os.chmod(key_file(journal), 0o644)
    assert load_key(journal, create=False) is None
    assert load_key(journal, create=True) is None  # and is not replaced behind the operator's back
