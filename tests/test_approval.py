"""The two-person rule's pure part: which plans wait, and whether the approval page approves one."""

from __future__ import annotations

import calendar
import time
from pathlib import Path

import pytest

from banbot.approval import (
    ApprovalPage,
    PageRevision,
    Reason,
    State,
    attributed,
    decide,
    posted,
    proposal_text,
    reasons,
    verdicts,
)
from banbot.banlist import Protection
from banbot.config import parse_config
from banbot.errors import ConfigError

DIGEST = "a" * 64
OTHER = "b" * 64
SYSOP = (Protection("edit", "sysop", "infinity"),)
NOW = float(calendar.timegm(time.strptime("2026-12-02T12:00:00Z", "%Y-%m-%dT%H:%M:%SZ")))
HEADING, BODY = proposal_text(DIGEST, "{| class=\"wikitable\"\n|}", (Reason.ABOVE_ACTIONS,), "BanBot", "banbot run")
BASE = f"== {HEADING} ==\n{BODY}"


def page(*revs: tuple[str | None, str | None], protection: tuple[Protection, ...] = SYSOP,
         ts: str = "2026-12-02T11:00:00Z") -> ApprovalPage:
    """Revisions appended after the proposal: (user, line added) — None text: hidden."""
    out, text = [], BASE
    for i, (user, line) in enumerate(revs):
        if line is not None:
            text = f"{text}\n{line}"
        out.append(PageRevision(100 + i, user, ts, None if line is None else text))
    return ApprovalPage("Project:Banbot/Approvals", protection, BASE, tuple(out))


def judge(p: ApprovalPage, digest: str = DIGEST, trusted: tuple[str, ...] = ("Admin", "Reviewer", "Writer"),
          excluded: tuple[str, ...] = ("BanBot", "Writer"), **kw: object) -> State:
    return decide(p, digest, trusted=trusted, excluded=excluded, require_protection="sysop",
                  expires_hours=int(str(kw.get("expires_hours", 24))), now=NOW).state


def test_a_trusted_second_person_approves() -> None:
    d = decide(page(("Reviewer", f"{{{{approve|{DIGEST}}}}} ~~~~")), DIGEST, trusted={"Reviewer"}, excluded={"BanBot"},
               require_protection="sysop", expires_hours=24, now=NOW)
    assert d.state == State.APPROVED and d.by == "Reviewer" and d.revid == 100


def test_a_plain_approve_line_counts_too() -> None:
    assert judge(page(("Reviewer", f"* approve {DIGEST} --~~~~"))) == State.APPROVED


def test_self_approval_by_the_proposer_is_refused() -> None:
    d = decide(page(("BanBot", f"{{{{approve|{DIGEST}}}}}")), DIGEST, trusted={"BanBot"}, excluded={"BanBot"},
               require_protection="sysop", expires_hours=24, now=NOW)
    assert d.state == State.WAITING and "cannot be the second person" in d.refused[0]


def test_an_editor_who_wrote_the_entries_cannot_approve() -> None:
    assert judge(page(("Writer", f"{{{{approve|{DIGEST}}}}}"))) == State.WAITING


def test_an_untrusted_editor_cannot_approve() -> None:
    assert judge(page(("Vandal", f"{{{{approve|{DIGEST}}}}}"))) == State.WAITING


def test_a_hidden_editor_never_approves() -> None:
    assert judge(page((None, f"{{{{approve|{DIGEST}}}}}"))) == State.WAITING


def test_a_line_after_a_hidden_text_is_attributed_to_no_one() -> None:
    p = page(("Vandal", None), ("Reviewer", f"{{{{approve|{DIGEST}}}}}"))
    assert [v.user for v in attributed(p, DIGEST)] == [None] and judge(p) == State.WAITING


def test_an_approval_kept_by_a_later_edit_stays_its_writers() -> None:
    p = page(("Reviewer", f"{{{{approve|{DIGEST}}}}}"), ("Writer", "thanks"))
    assert [(v.user, v.revid) for v in attributed(p, DIGEST)] == [("Reviewer", 100)] and judge(p) == State.APPROVED


def test_a_second_approval_line_after_an_expired_one_is_the_new_revisions() -> None:
    p = page(("Reviewer", f"{{{{approve|{DIGEST}}}}}"), ("Admin", f"{{{{approve|{DIGEST}}}}} again"))
    assert [(v.user, v.revid) for v in attributed(p, DIGEST)] == [("Reviewer", 100), ("Admin", 101)]


def test_an_approval_expires() -> None:
    p = page(("Reviewer", f"{{{{approve|{DIGEST}}}}}"), ts="2026-12-01T10:00:00Z")
    assert judge(p) == State.EXPIRED


def test_a_rejection_ends_it() -> None:
    p = page(("Admin", f"{{{{reject|{DIGEST}}}}}"), ("Reviewer", f"{{{{approve|{DIGEST}}}}}"))
    assert judge(p) == State.REJECTED


def test_an_approval_of_another_digest_approves_nothing() -> None:
    assert judge(page(("Reviewer", f"{{{{approve|{OTHER}}}}}"))) == State.WAITING


def test_an_unprotected_page_approves_nothing() -> None:
    p = page(("Reviewer", f"{{{{approve|{DIGEST}}}}}"), protection=())
    d = decide(p, DIGEST, trusted={"Reviewer"}, excluded=(), require_protection="sysop", expires_hours=24, now=NOW)
    assert d.state == State.WAITING and "not protected" in d.refused[0]


def test_the_posted_instructions_and_comments_approve_nothing() -> None:
    assert not verdicts(BASE, DIGEST) and posted(BASE, DIGEST)
    assert not verdicts(f"<!-- {{{{approve|{DIGEST}}}}} -->", DIGEST)


@pytest.mark.parametrize(("kw", "want"), [
    ({"actions": 5, "above_actions": 3}, (Reason.ABOVE_ACTIONS,)),
    ({"actions": 3, "above_actions": 3}, ()),
    ({"actions": 1, "first_run": True, "first_of_list": True}, (Reason.FIRST_RUN,)),
    ({"actions": 1, "enforce_unlisted": True, "unlisted": True}, (Reason.ENFORCE_UNLISTED,)),
    ({"actions": 0, "above_actions": 0, "enforce_unlisted": True, "unlisted": True}, ()),
])
def test_which_plans_need_a_second_person(kw: dict[str, object], want: tuple[Reason, ...]) -> None:
    args: dict[str, object] = {"actions": 0, "above_actions": -1, "first_run": False, "first_of_list": False,
                               "enforce_unlisted": False, "unlisted": False} | kw
    assert reasons(**args) == want  # type: ignore[arg-type]


def test_the_rule_needs_a_page() -> None:
    base = {"list": {"page": "L"}, "farm": {"mode": "plain"}, "wikis": {"w": {"api": "http://x/api.php"}}}
    with pytest.raises(ConfigError, match="approval.page is empty"):
        parse_config(base | {"approval": {"page": "", "above_actions": 3}})
    cfg = parse_config(base | {"approval": {"page": "P", "above_actions": 3, "enforce_unlisted": True}})
    assert cfg.approval.enabled and cfg.approval.allow_interactive and cfg.approval.expires_hours == 24


class PageClient:
    """Answers the two reads of the approval page with real API shapes (formatversion=2)."""

    dbname = "metawiki"

    def __init__(self, revisions: list[dict[str, object]]) -> None:
        self.revisions = revisions

    def call(self, params: dict[str, object], *, write: bool = False, public: bool = False) -> dict[str, object]:
        if params["prop"] == "info":
            return {"query": {"pages": [{"title": "P", "protection": [
                {"type": "edit", "level": "sysop", "expiry": "infinity"}]}]}}
        return {"query": {"pages": [{"title": "P", "revisions": self.revisions}]}}


def test_the_page_read_keeps_hidden_editors_and_texts_hidden() -> None:
    from banbot.wiki.approvals import read_approval_page

    line = f"{{{{approve|{DIGEST}}}}}"
    client = PageClient([
        {"revid": 12, "user": "Reviewer", "timestamp": "2026-12-02T11:30:00Z",
         "slots": {"main": {"content": f"{BASE}\n{line}\n{line}"}}},
        {"revid": 11, "userhidden": True, "timestamp": "2026-12-02T11:20:00Z",
         "slots": {"main": {"content": f"{BASE}\n{line}"}}},
        {"revid": 10, "user": "BanBot", "timestamp": "2026-12-02T11:00:00Z", "slots": {"main": {"content": BASE}}},
    ])
    p = read_approval_page(client, "P", 10)  # type: ignore[arg-type]
    assert p.base_text == BASE and [r.revid for r in p.revisions] == [11, 12] and p.revisions[0].user is None
    assert [(v.user, v.revid) for v in attributed(p, DIGEST)] == [(None, 11), ("Reviewer", 12)]
    assert judge(p) == State.APPROVED  # the reviewer's own line counts; the hidden editor's never does

    client.revisions[1] = {"revid": 11, "user": "Admin", "timestamp": "2026-12-02T11:20:00Z",
                           "slots": {"main": {"texthidden": True}}}
    p = read_approval_page(client, "P", 10)  # type: ignore[arg-type]
    assert p.revisions[0].text is None and [v.user for v in attributed(p, DIGEST)] == [None, None]
    assert judge(p) == State.WAITING


class PostingClient:
    """The list's wiki as the approval step writes to it: records each proposal posted."""

    dbname = "metawiki"

    def __init__(self) -> None:
        self.posted: list[dict[str, object]] = []

    def username(self) -> str:
        return "BanBot"

    def token(self, kind: str) -> str:
        return "+\\"

    def call(self, params: dict[str, object], *, write: bool = False, public: bool = False) -> dict[str, object]:
        assert write and params["action"] == "edit" and params["section"] == "new"
        self.posted.append(params)
        return {"edit": {"result": "Success", "newrevid": 500 + len(self.posted)}}


class PostingFarm:
    def __init__(self) -> None:
        self.central = PostingClient()

    def __getitem__(self, db: str) -> PostingClient:
        return self.central


@pytest.mark.parametrize(("allow", "alone", "waits"), [(True, True, False), (False, True, True), (True, False, True)])
def test_a_steward_at_a_terminal_may_act_alone_only_when_the_config_allows_it(
        tmp_path: Path, allow: bool, alone: bool, waits: bool) -> None:
    from banbot import app
    from banbot.actions import Block, Plan
    from banbot.banlist import BanEntry, BanList, ListSource
    from banbot.errors import AwaitingApproval
    from banbot.journal import Journal

    cfg = parse_config({"list": {"page": "L"}, "farm": {"mode": "plain"}, "wikis": {"metawiki": {"api": "http://x/api.php"}},
                        "approval": {"enforce_unlisted": True, "allow_interactive": allow}})
    source = ListSource("request", "Steward One", title="request by Steward One")
    bans = BanList(source, None, (BanEntry("Someone", None, False, 0, "banbot enforce Someone"),), ())
    plan = Plan(source, (Block("Someone", "metawiki", "r"),), users=("Someone",))
    farm = PostingFarm()
    journal = Journal(tmp_path / "j.sqlite")
    a = app.App(cfg, farm, journal)  # type: ignore[arg-type]
    policy = app.Policy(app.Command.ENFORCE, confirm=True, requested_by="Steward One", why="r", alone=alone)
    if not waits:
        assert a.second_person(bans, plan, policy) is None and not farm.central.posted
        return
    with pytest.raises(AwaitingApproval, match=r"\[approval\] plan .* posted to Project:Banbot/Approvals"):
        a.second_person(bans, plan, policy)
    [post] = farm.central.posted
    assert f"banbot:approval {plan.digest}" in str(post["text"]) and "Proposed by:''' Steward One" in str(post["text"])
    prop = journal.proposal(plan.digest)
    assert prop is not None and prop.proposed_by == "Steward One" and prop.posted_revid == 501
    assert prop.reasons == ("enforce-unlisted",)
