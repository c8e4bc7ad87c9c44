"""Each action kind performed through the port, in the cases scripts/mutation (scripts/mutation sanctions) found
untested: what a lock does after an edit conflict, what a block sends, how a notice never posts twice and puts
back an edit made in the same second, and how a removed group is looked for again."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from banbot.config import SanctionKind
from banbot.errors import WikiError
from banbot.sanctions import ACTION_TYPES, SANCTIONS, Action, Status, action_from_data
from banbot.sanctions.base import Scope
from banbot.sanctions.block import Block
from banbot.sanctions.groups import RemoveGlobalGroups, RemoveLocalGroups
from banbot.sanctions.lock import Lock
from banbot.sanctions.notice import Notify
from banbot.state import AccountState, LocalAccount


def conflict(code: str = "editconflict") -> WikiError:
    return WikiError.from_code(code, "as the wiki says")


class Port:
    """The port, in memory: each method answers from what a test set, and every call is recorded."""

    def __init__(self, state: AccountState | None = None, **answers: Any) -> None:
        self.state = state or AccountState("V", exists=True, locked=False)
        self.answers = answers
        self.calls: list[tuple[Any, ...]] = []

    def _answer(self, name: str, default: Any) -> Any:
        answer = self.answers.get(name, default)
        if isinstance(answer, list) and answer and isinstance(answer[0], (WikiError, dict, Status)):
            answer = answer.pop(0)  # one answer per call, in order
        if isinstance(answer, WikiError):
            raise answer
        return answer

    def lock(self, user: str, reason: str, statecheck: str | None) -> Status:
        self.calls.append(("lock", user, reason, statecheck))
        return self._answer("lock", Status.DONE)  # type: ignore[no-any-return]

    def global_account(self, user: str) -> AccountState:
        self.calls.append(("global_account", user))
        return self.state

    def local_account(self, user: str, wiki: str) -> LocalAccount | None:
        self.calls.append(("local_account", user, wiki))
        return self.state.on(wiki)

    def remove_global_groups(self, user: str, groups: Any, reason: str) -> list[str]:
        self.calls.append(("remove_global_groups", user, tuple(groups), reason))
        return list(self.answers.get("removed", groups))

    def remove_local_groups(self, user: str, wiki: str, groups: Any, reason: str, via_central: bool) -> list[str]:
        self.calls.append(("remove_local_groups", user, wiki, tuple(groups), reason, via_central))
        return list(self.answers.get("removed", groups))

    def block(self, user: str, wiki: str, reason: str, noemail: bool, reblock: bool) -> Status:
        self.calls.append(("block", user, wiki, reason, noemail, reblock))
        return self._answer("block", Status.DONE)  # type: ignore[no-any-return]

    def post_notice(self, wiki: str, **kw: Any) -> dict[str, Any]:
        self.calls.append(("post_notice", wiki, kw))
        return self._answer("post_notice", {})  # type: ignore[no-any-return]

    def notice_posted(self, wiki: str, title: str) -> bool:
        self.calls.append(("notice_posted", wiki, title))
        return bool(self.answers.get("posted", False))

    def revision_text(self, wiki: str, revid: int) -> str | None:
        self.calls.append(("revision_text", wiki, revid))
        return str(self.answers.get("kept", "someone's edit"))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


# --- the records -------------------------------------------------------------------------------------------

def test_the_journal_reads_back_every_status_older_runs_wrote() -> None:
    spelled = ["intended", "done", "already", "restored", "failed", "skipped", "verified", "interrupted"]
    assert [Status(s) for s in spelled] == list(Status)


def test_locks_and_blocks_are_the_protective_kinds_and_only_the_notice_does_not_last() -> None:
    assert {k for k, t in ACTION_TYPES.items() if t.protective} == {"lock", "block"}
    assert {k for k, t in ACTION_TYPES.items() if not t.lasting} == {"notify"}
    assert {k: t.scope for k, t in ACTION_TYPES.items()} == {
        "lock": Scope.GLOBAL, "remove-global-groups": Scope.GLOBAL, "block": Scope.LOCAL,
        "remove-local-groups": Scope.LOCAL, "notify": Scope.NOTICE}


def test_a_bans_confirmed_lock_settles_the_account_and_a_restrictions_never_does() -> None:
    assert SANCTIONS[SanctionKind.BAN].lock_settles and not SANCTIONS[SanctionKind.RESTRICT].lock_settles


def test_a_kinds_own_fields_follow_user_wiki_and_reason_and_hidden_and_sources_are_keywords() -> None:
    assert Lock("V", "metawiki", "r", "hash").statecheck == "hash"
    assert Block("V", "enwiki", "r", False).noemail is False
    with pytest.raises(TypeError):
        Action("V", "enwiki", "r", True)  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class Purge(Action):
    """A kind with no fields of its own (as a new kind may start)."""

    kind = "purge"


def test_a_kind_without_fields_of_its_own_records_only_what_every_action_has() -> None:
    assert Purge("V", "enwiki", "r").data() == {"kind": "purge", "user": "V", "wiki": "enwiki", "reason": "r"}


def test_records_without_the_newer_fields_read_back_as_a_plain_block_and_a_removal_on_the_wiki_itself() -> None:
    block = action_from_data({"kind": "block", "user": "V", "wiki": "enwiki", "reason": "r"})
    assert block == Block("V", "enwiki", "r") and block.data()["noemail"] is True and block.data()["reblock"] is False
    removal = action_from_data({"kind": "remove-local-groups", "user": "V", "wiki": "enwiki", "reason": "r",
                                "groups": ["sysop"]})
    assert removal.data()["via_central"] is False


def test_a_notice_read_back_from_a_plan_file_is_the_planned_one_though_the_file_omits_the_page() -> None:
    planned = notice()
    assert "base_text" not in planned.data() and action_from_data(planned.data()) == planned
    assert "old talk" not in repr(planned)  # someone's talk page, and long: never in a log line


def test_a_notice_record_with_nothing_set_is_an_empty_edit_that_creates_the_page() -> None:
    bare = Notify("V", "enwiki", "r")
    assert (bare.title, bare.section_title, bare.text, bare.base_revid) == ("", "", "", None)


# --- the lock -----------------------------------------------------------------------------------------------

HIDDEN = AccountState("V", exists=True, locked=False, hidden=True, lock_checks=("lists", "suppressed"))


def test_a_lock_answers_with_the_wikis_own_status() -> None:
    port = Port(lock=Status.ALREADY)
    assert Lock("V", "metawiki", "r", statecheck="h").perform(port) == Status.ALREADY
    assert port.calls == [("lock", "V", "r", "h")]


def test_a_lock_refused_for_another_reason_than_a_conflict_fails_without_reading_the_account() -> None:
    port = Port(HIDDEN, lock=conflict("permissiondenied"))
    with pytest.raises(WikiError, match="permissiondenied"):
        Lock("V", "metawiki", "r", statecheck="lists").perform(port)
    assert port.names() == ["lock"]


def test_a_lock_whose_account_was_locked_meanwhile_is_already_done() -> None:
    port = Port(dataclasses.replace(HIDDEN, locked=True), lock=conflict())
    assert Lock("V", "metawiki", "r", statecheck="lists").perform(port) == Status.ALREADY
    assert port.names() == ["lock", "global_account"]


def test_a_lock_whose_statecheck_is_not_one_of_the_accounts_is_a_real_change_and_fails() -> None:
    port = Port(HIDDEN, lock=conflict())
    with pytest.raises(WikiError, match="editconflict"):
        Lock("V", "metawiki", "r", statecheck="stale").perform(port)
    assert port.names() == ["lock", "global_account"]


def test_a_lock_retried_at_the_other_hidden_level_fails_on_a_refusal_that_is_not_a_conflict() -> None:
    port = Port(HIDDEN, lock=[conflict(), conflict("permissiondenied")])
    with pytest.raises(WikiError, match="permissiondenied"):
        Lock("V", "metawiki", "r", statecheck="lists").perform(port)
    assert [c[3] for c in port.calls if c[0] == "lock"] == ["lists", "suppressed"]


def test_a_lock_that_conflicts_at_every_hidden_level_fails_with_the_first_conflict() -> None:
    first = conflict()
    port = Port(dataclasses.replace(HIDDEN, lock_checks=("lists", "suppressed", "third")),
                lock=[first, conflict(), conflict()])
    with pytest.raises(WikiError) as caught:
        Lock("V", "metawiki", "r", statecheck="lists").perform(port)
    assert caught.value is first
    assert [c[3] for c in port.calls if c[0] == "lock"] == ["lists", "suppressed", "third"]


def test_a_lock_is_in_place_while_the_account_stays_locked() -> None:
    assert Lock.in_place({}, dataclasses.replace(HIDDEN, locked=True)) == "locked"
    assert Lock.in_place({}, HIDDEN) is None


# --- the block ----------------------------------------------------------------------------------------------

def test_a_block_sends_its_wiki_reason_email_and_reblock_and_answers_with_the_wikis_status() -> None:
    port = Port(block=Status.ALREADY)
    action = Block("V", "enwiki", "r", noemail=False, reblock=True)
    assert action.perform(port) == Status.ALREADY
    assert port.calls == [("block", "V", "enwiki", "r", False, True)]


def test_a_block_is_shown_as_new_or_as_replacing_a_shorter_one() -> None:
    assert Block("V", "enwiki", "r").describe() == "block indefinitely: V on enwiki"
    assert Block("V", "enwiki", "r", reblock=True).describe() == \
        "replace the existing block with an indefinite one: V on enwiki"
    assert Block("V", "enwiki", "r").data()["expiry"] == "infinite" and Block("V", "enwiki", "r").data()["nocreate"]


# --- group removals -----------------------------------------------------------------------------------------

def test_global_groups_are_in_place_only_while_none_of_them_came_back() -> None:
    placed = {"wiki": "metawiki", "groups": ["global-sysop", "global-rollbacker"]}
    gone = AccountState("V", exists=True, global_groups=("steward-x",))
    assert RemoveGlobalGroups.in_place(placed, gone) == "global groups global-sysop,global-rollbacker removed"
    back = dataclasses.replace(gone, global_groups=("global-rollbacker",))
    assert RemoveGlobalGroups.in_place(placed, back) is None


def test_a_local_removal_without_the_central_wiki_looks_again_on_the_wiki_itself() -> None:
    state = AccountState("V", exists=True, local=(LocalAccount("enwiki", ("sysop",)),))
    action = RemoveLocalGroups("V", "enwiki", "r", groups=("sysop",), via_central=False)
    with pytest.raises(WikiError, match="kept sysop") as kept:
        action.perform(Port(state, removed=[]))
    assert kept.value.code == "groups-not-removed"
    port = Port(dataclasses.replace(state, local=(LocalAccount("enwiki"),)), removed=[])
    assert action.perform(port) == Status.ALREADY
    assert port.names() == ["remove_local_groups", "local_account"]
    assert action.perform(Port(AccountState("V", exists=True), removed=[])) == Status.ALREADY  # no account now


# --- the notice ---------------------------------------------------------------------------------------------

def notice(base_revid: int | None = 10) -> Notify:
    return Notify("V", "enwiki", "Global ban", title="User talk:V", section_title="Ban", text="You are banned.",
                  base_revid=base_revid, base_text="old talk" if base_revid else None, base_timestamp="T0",
                  start_timestamp="S0")


def test_a_notice_is_posted_against_the_revision_it_was_planned_on() -> None:
    port = Port(post_notice={"oldrevid": 10, "newrevid": 11})
    assert notice().perform(port) == Status.DONE
    assert port.calls == [("post_notice", "enwiki", {
        "title": "User talk:V", "section_title": "Ban", "text": "You are banned.", "summary": "Global ban",
        "base_revid": 10, "base_text": "old talk", "base_timestamp": "T0", "start_timestamp": "S0"})]


def test_a_notice_the_wiki_did_not_change_anything_for_was_already_there() -> None:
    assert notice().perform(Port(post_notice={"nochange": True})) == Status.ALREADY


@pytest.mark.parametrize("code", ["editconflict", "articleexists", "missingtitle"])
def test_a_notice_that_conflicts_with_our_own_earlier_post_is_already_there(code: str) -> None:
    port = Port(post_notice=conflict(code), posted=True)
    assert notice().perform(port) == Status.ALREADY
    assert port.names() == ["post_notice", "notice_posted"]


def test_a_notice_that_conflicts_with_someone_elses_edit_fails_to_be_planned_again() -> None:
    port = Port(post_notice=conflict(), posted=False)
    with pytest.raises(WikiError, match="editconflict"):
        notice().perform(port)


def test_a_notice_refused_for_another_reason_fails_without_looking_for_it() -> None:
    port = Port(post_notice=conflict("protectedpage"), posted=True)
    with pytest.raises(WikiError, match="protectedpage"):
        notice().perform(port)
    assert port.names() == ["post_notice"]


def test_an_edit_saved_in_the_same_second_as_our_read_is_put_back_with_the_notice() -> None:
    port = Port(post_notice=[{"oldrevid": 12, "newrevid": 13, "newtimestamp": "T13"}, {}], kept="their edit")
    assert notice().perform(port) == Status.RESTORED
    assert port.names() == ["post_notice", "revision_text", "post_notice"]
    assert port.calls[1] == ("revision_text", "enwiki", 12)
    assert port.calls[2][2] == {
        "title": "User talk:V", "section_title": "Ban", "text": "You are banned.",
        "summary": "Global ban (keeping an edit made meanwhile)", "base_revid": 13, "base_text": "their edit",
        "base_timestamp": "T13", "start_timestamp": None}


@pytest.mark.parametrize("edit", [{"oldrevid": 10, "newrevid": 11}, {"newrevid": 11}, {"oldrevid": 12},
                                  {"oldrevid": "12", "newrevid": 13}, {"oldrevid": 12, "newrevid": "13"}])
def test_a_notice_based_on_the_revision_the_wiki_replaced_restores_nothing(edit: dict[str, Any]) -> None:
    port = Port(post_notice=edit)
    assert notice().perform(port) == Status.DONE and port.names() == ["post_notice"]


def test_a_notice_that_created_the_page_restores_nothing() -> None:
    port = Port(post_notice={"oldrevid": 0, "newrevid": 11})
    assert notice(base_revid=None).perform(port) == Status.DONE and port.names() == ["post_notice"]
