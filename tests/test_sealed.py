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


def test_a_plan_file_sealed_by_this_version_verifies_after_an_upgrade() -> None:
    """The seal is over one canonical text (keys sorted, compact, UTF-8 as is) of a format numbered 1: a plan
    reviewed before banbot is upgraded is still believed after it. A fixed key and observation give this seal.
    (The seal is over the file's own text of the states, so a file written with every field, before fields at
    their defaults were left out, still verifies; only this pinned value moved.)"""
    key = bytes(range(32))
    states = {"Mallorý": AccountState("Mallorý", True, locked=False, registered="2020-01-01T00:00:00Z",
                                      local=(LocalAccount("enwiki", ("sysop",), registered="2020-01-01T00:00:00Z"),))}
    doc = seal(states, "2026-12-02T10:00:00Z", BASIS, key)
    assert doc["version"] == 1
    assert doc["mac"] == "933870238b1d95249cff4629b538dffb5c32f772bd3649b31244cf09447889bc"
    assert unseal(doc, BASIS, key) == ("2026-12-02T10:00:00Z", states)


def test_a_plan_file_whose_keys_were_reordered_still_verifies(tmp_path: Path) -> None:
    """A reviewer's tool may rewrite the file with its keys in another order (jq -S, an editor): the same
    observations, the same seal."""
    key = load_key(tmp_path / "journal.sqlite", create=True)
    assert key is not None

    def reversed_keys(v: object) -> object:
        if isinstance(v, dict):
            return {k: reversed_keys(v[k]) for k in reversed(list(v))}
        return [reversed_keys(x) for x in v] if isinstance(v, list) else v

    doc = reversed_keys(json.loads(json.dumps(seal(STATES, "2026-12-02T10:00:00Z", BASIS, key))))
    assert unseal(doc, BASIS, key) == ("2026-12-02T10:00:00Z", STATES)


def test_the_key_is_a_file_of_its_own_beside_the_journal(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    journal.write_bytes(b"SQLite format 3\x00")  # the journal is there first, private like its folder
    os.chmod(journal, 0o600)
    key = load_key(journal, create=True)
    assert key is not None and key_file(journal) == tmp_path / "journal.sqlite.plan-key"
    assert journal.read_bytes() == b"SQLite format 3\x00"


@pytest.mark.parametrize("mode", [0o640, 0o620, 0o610, 0o604, 0o602, 0o601])
def test_any_access_for_the_group_or_others_makes_the_key_no_key(tmp_path: Path, mode: int) -> None:
    journal = tmp_path / "journal.sqlite"
    assert load_key(journal, create=True) is not None
    os.chmod(key_file(journal), mode)
    assert load_key(journal, create=False) is None


def test_two_plans_making_the_key_at_once_share_the_one_made_first(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The key did not exist when this plan looked, but another plan made it before this one could: this one
    reads that key (its own exclusive create fails) and seals with it, so either plan's file verifies."""
    journal = tmp_path / "journal.sqlite"
    theirs = bytes(range(32))
    real_open = os.open

    def open_after_the_other(path: str, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, theirs.hex().encode() + b"\n")
        os.close(fd)
        return real_open(path, flags, mode)  # FileExistsError: O_EXCL

    monkeypatch.setattr(os, "open", open_after_the_other)
    assert load_key(journal, create=True) == theirs
    monkeypatch.setattr(os, "open", real_open)
    assert load_key(journal, create=False) == theirs


@pytest.mark.parametrize("text", ["", "\n", "00ff\n", bytes(range(31)).hex() + "\n", bytes(range(33)).hex() + "\n"])
def test_a_key_file_cut_short_is_no_key(tmp_path: Path, text: str) -> None:
    """A key file left empty or cut short (the disk filled while plan wrote it) holds a key anyone can guess —
    an empty one — or not this installation's: no seal is made or believed with it, and it is not replaced
    behind the operator's back."""
    journal = tmp_path / "journal.sqlite"
    fd = os.open(key_file(journal), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, text.encode())
    os.close(fd)
    assert load_key(journal, create=False) is None
    assert load_key(journal, create=True) is None
    assert key_file(journal).read_text() == text


def test_a_plan_file_written_with_every_field_still_unseals_to_the_same_states(tmp_path: Path) -> None:
    import dataclasses

    from banbot.sealed import VERSION, _mac

    key = load_key(tmp_path / "journal.sqlite", create=True)
    assert key is not None
    body = {"version": VERSION, "basis": list(BASIS), "made_at": "2026-12-02T10:00:00Z",
            "states": {n: json.loads(json.dumps(dataclasses.asdict(st))) for n, st in STATES.items()}}
    assert unseal(body | {"mac": _mac(key, body)}, BASIS, key) == ("2026-12-02T10:00:00Z", STATES)
