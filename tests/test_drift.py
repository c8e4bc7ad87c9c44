"""Which listed accounts a verification reads again, from the wikis' log entries (banbot.drift; pure)."""

from __future__ import annotations

from typing import Any

import pytest

from banbot.drift import LogEntry, Unprovable, candidates, named

LISTED = ["Mallory", "Eve Example", "Trent"]


def entry(wiki: str, type_: str, title: str | None, ns: int | None = 2, action: str = "x",
          **params: Any) -> LogEntry:
    return LogEntry(wiki, type_, action, ns, title, "2026-12-02T08:00:00Z", params)


def from_api(wiki: str, **row: Any) -> LogEntry:
    return LogEntry.from_api(wiki, row)


def test_a_block_or_unblock_names_its_target() -> None:
    got = named([entry("enwiki", "block", "User:Mallory", action="unblock")], LISTED, "metawiki")
    assert got == {"Mallory"}


def test_an_account_no_entry_names_is_not_read_again() -> None:
    got = named([entry("enwiki", "rights", "User:Mallory"), entry("enwiki", "block", "User:Somebody Else")],
                LISTED, "metawiki")
    assert got == {"Mallory"}


def test_interwiki_rights_from_the_central_wiki_name_the_account_without_its_wiki() -> None:
    got = named([entry("metawiki", "rights", "User:Eve Example@enwiki")], LISTED, "metawiki")
    assert got == {"Eve Example"}


def test_a_lock_or_unlock_on_the_central_wiki_names_the_global_account() -> None:
    got = named([entry("metawiki", "globalauth", "User:Trent@global", action="setstatus")], LISTED, "metawiki")
    assert got == {"Trent"}


def test_a_status_change_while_suppressing_is_read_from_the_suppression_log() -> None:
    got = named([entry("metawiki", "suppress", "User:Trent@global", action="setstatus")], LISTED, "metawiki")
    assert got == {"Trent"}


def test_global_groups_name_their_account() -> None:
    got = named([entry("metawiki", "gblrights", "User:Mallory", action="usergroups")], LISTED, "metawiki")
    assert got == {"Mallory"}


def test_centralauth_logs_count_only_on_the_central_wiki() -> None:
    assert named([entry("enwiki", "globalauth", "User:Trent@global")], LISTED, "metawiki") == set()


def test_a_new_account_or_autocreation_names_it() -> None:
    got = named([entry("zhwiki", "newusers", "User:Eve Example", action="autocreate"),
                 entry("enwiki", "newusers", "User:Mallory", action="create")], LISTED, "metawiki")
    assert got == {"Eve Example", "Mallory"}


def test_a_rename_names_both_the_old_and_the_new_name() -> None:
    onto = entry("enwiki", "renameuser", "User:Old Name", action="renameuser", olduser="Old Name", newuser="Mallory")
    off = entry("metawiki", "gblrename", "Special:CentralAuth/Trent", ns=-1, action="rename", olduser="Trent",
                newuser="Someone New")
    assert named([onto, off], LISTED, "metawiki") == {"Mallory", "Trent"}


def test_titles_in_another_language_are_read_by_their_namespace_number() -> None:
    got = named([entry("zhwiki", "block", "用户:Eve_Example")], LISTED, "metawiki")
    assert got == {"Eve Example"}


def test_log_types_no_planned_state_depends_on_are_ignored() -> None:
    got = named([entry("enwiki", "patrol", "User:Mallory"), entry("enwiki", "thanks", "User:Trent"),
                 entry("enwiki", "create", "User talk:Mallory", ns=3)], LISTED, "metawiki")
    assert got == set()


def test_an_entry_that_matters_with_a_hidden_target_cannot_prove_anything() -> None:
    hidden = from_api("enwiki", type="block", action="block", actionhidden=True, timestamp="2026-12-02T08:00:00Z")
    with pytest.raises(Unprovable, match="block/block .* on enwiki hides its target"):
        named([hidden], LISTED, "metawiki")


def test_a_hidden_entry_of_a_type_that_does_not_matter_is_ignored() -> None:
    assert named([from_api("enwiki", type="patrol", action="patrol", actionhidden=True)], LISTED, "metawiki") == set()


def test_an_api_row_is_read_with_its_namespace_title_and_rename_params() -> None:
    e = from_api("enwiki", type="renameuser", action="renameuser", ns=2, title="User:A", timestamp="t",
                 params={"olduser": "A", "newuser": "Trent"})
    assert (e.ns, e.title) == (2, "User:A") and candidates(e) == {"A", "Trent"}


def test_a_name_with_an_at_sign_is_kept_whole_too() -> None:
    assert candidates(entry("enwiki", "block", "User:Foo@Bar")) == {"Foo@Bar", "Foo"}


def by(user: str, e: LogEntry) -> LogEntry:
    return LogEntry(e.wiki, e.type, e.action, e.ns, e.title, e.timestamp, e.params, user)


def test_banbots_own_blocks_removals_and_locks_are_not_read_again() -> None:
    own = [by("BanBot", entry("enwiki", "block", "User:Mallory", action="block")),
           by("BanBot", entry("enwiki", "block", "User:Mallory", action="reblock")),
           by("BanBot", entry("metawiki", "rights", "User:Eve Example@enwiki", action="rights",
                               oldgroups=["rollbacker", "sysop"], newgroups=["sysop"])),
           by("BanBot", entry("metawiki", "gblrights", "User:Eve Example", action="usergroups",
                               oldGroups=["global-rollbacker"], newGroups=[])),
           by("BanBot", entry("metawiki", "globalauth", "User:Trent@global", action="setstatus", added=["locked"],
                               removed=[]))]
    assert named(own, LISTED, "metawiki", bot="BanBot") == set()


def test_anything_banbots_account_did_that_lifts_a_sanction_is_read_again() -> None:
    lifted = [by("BanBot", entry("enwiki", "block", "User:Mallory", action="unblock")),
              by("BanBot", entry("enwiki", "rights", "User:Eve Example", action="rights", oldgroups=[],
                                  newgroups=["sysop"])),
              by("BanBot", entry("metawiki", "globalauth", "User:Trent@global", action="setstatus", added=[],
                                  removed=["locked"]))]
    assert named(lifted, LISTED, "metawiki", bot="BanBot") == {"Mallory", "Eve Example", "Trent"}


def test_the_same_entries_by_a_human_are_read_again() -> None:
    human = by("Admin", entry("enwiki", "block", "User:Mallory", action="block"))
    assert named([human], LISTED, "metawiki", bot="BanBot") == {"Mallory"}


def test_a_rights_entry_without_readable_groups_is_read_again() -> None:
    odd = by("BanBot", entry("enwiki", "rights", "User:Mallory", action="rights"))
    assert named([odd], LISTED, "metawiki", bot="BanBot") == {"Mallory"}


def test_an_api_row_keeps_its_performer_unless_hidden() -> None:
    assert from_api("enwiki", type="block", title="User:A", ns=2, user="BanBot").user == "BanBot"
    assert from_api("enwiki", type="block", title="User:A", ns=2, user="BanBot", userhidden=True).user is None
