"""The two-person rule on the farm: a plan that needs a second person is posted to the approval page and
applied only after a trusted user other than the proposer and the entries' writers approves its digest.

The farm's Admin is one trusted user (and, through ``farm.edit``, the writer of every list entry here); each
test makes a second sysop, the reviewer, who may approve. Each test reads the wikis directly and asserts both
that nothing was touched while the plan waits and that it is enforced once a valid approval is on the page.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import Watch, banbot
from integration.test_trust import WIKIS, enforced, listed, make, start, untouched

pytestmark = pytest.mark.integration

REVIEWER_PW = "Reviewer-Pass-12345678"
DIGEST = re.compile(r"banbot:approval ([0-9a-f]{64})")


def rule(uniq: str, extra: str) -> str:
    return f'[approval]\npage = "Banbot approvals/{uniq}"\n{extra}'


def approval_page(farm: FarmHandle, uniq: str) -> str:
    """The approval page, protected like the list (made by the Admin before banbot posts to it)."""
    title = f"Banbot approvals/{uniq}"
    farm.edit("metawiki", title, "Plans banbot waits on a second person for.")
    farm.protect("metawiki", title)
    return title


def reviewer(farm: FarmHandle, uniq: str) -> tuple[str, Any]:
    name = f"{uniq}Reviewer"
    farm.make_users("metawiki", [{"name": name, "password": REVIEWER_PW, "groups": ["sysop"]}])
    return name, farm.session_as("metawiki", name, REVIEWER_PW)


def say(farm: FarmHandle, session: Any, title: str, line: str) -> None:
    """Append a line to the approval page as the session's user."""
    farm.edit_as(session, "metawiki", title, f"{farm.text('metawiki', title) or ''}\n{line}")


def posted(farm: FarmHandle, title: str) -> list[str]:
    return DIGEST.findall(farm.text("metawiki", title) or "")


def proposals(cfg: str) -> list[tuple[Any, ...]]:
    journal = re.search(r'path = "(.*?)"', Path(cfg).read_text())
    assert journal
    with sqlite3.connect(journal.group(1)) as db:
        return db.execute("SELECT digest, proposed_by, state, decided_by, applied FROM approvals "
                          "ORDER BY proposed").fetchall()


def run(cfg: str) -> tuple[int, str]:
    code, out, err = banbot("run", "--config", cfg)
    return code, f"{out}\n{err}"


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_plan_above_the_threshold_waits_for_a_second_trusted_person(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, mode, rule(uniq, "above_actions = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B"], groups=["sysop"])
    farm.edit("metawiki", page, listed(names))  # the Admin writes the entries

    code, out = run(cfg)
    assert code == 3 and "[approval]" in out and "waiting for a second trusted person" in out, out
    [digest] = posted(farm, title)
    text = farm.text("metawiki", title) or ""
    assert '{| class="wikitable sortable"' in text and f"{uniq}A" in text and "Proposed by:''' BanBot" in text
    for n in names:
        untouched(farm, n, ["sysop"], mode=mode)

    say(farm, farm.admin("metawiki"), title, f"{{{{approve|{digest}}}}} ~~~~")  # the entries' writer: refused
    code, out = run(cfg)
    assert code == 3 and "cannot be the second person" in out, out
    for n in names:
        untouched(farm, n, ["sysop"], mode=mode)

    who, session = reviewer(farm, uniq)
    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")
    code, out = run(cfg)
    assert code == 0, out
    for n in names:
        enforced(farm, n, WIKIS, mode=mode)
    assert [(d, p, s, b) for d, p, s, b, _ in proposals(cfg)] == [(digest, "BanBot", "applied", who)]
    assert posted(farm, title) == [digest]  # applied: not posted again


def test_an_approval_of_a_plan_that_changed_approves_nothing(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "above_actions = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B", f"{uniq}C"])
    farm.edit("metawiki", page, listed(names[:2]))
    assert run(cfg)[0] == 3
    [old] = posted(farm, title)
    farm.edit("metawiki", page, listed(names))  # the list moved on: a fresh plan has another digest
    who, session = reviewer(farm, uniq)
    say(farm, session, title, f"{{{{approve|{old}}}}} ~~~~")
    code, out = run(cfg)
    assert code == 3 and "posted" in out, out
    assert len(posted(farm, title)) == 2 and posted(farm, title)[0] == old
    for n in names:
        untouched(farm, n, [])


def test_a_rejection_ends_the_proposal(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "above_actions = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B"])
    farm.edit("metawiki", page, listed(names))
    assert run(cfg)[0] == 3
    [digest] = posted(farm, title)
    who, session = reviewer(farm, uniq)
    say(farm, session, title, f"{{{{reject|{digest}}}}} ~~~~")
    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")
    for _ in range(2):
        code, out = run(cfg)
        assert code == 3 and "rejected by" in out, out
    for n in names:
        untouched(farm, n, [])


def test_an_expired_approval_is_posted_again(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "above_actions = 1\nexpires_hours = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B"])
    farm.edit("metawiki", page, listed(names))
    assert run(cfg)[0] == 3
    [digest] = posted(farm, title)
    who, session = reviewer(farm, uniq)
    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")
    # banbot two hours later (its clock moved on; the wiki's revision times are real)
    later = ("import sys, time; _t = time.time; time.time = lambda: _t() + 7200; from banbot.cli import main; "
             "sys.exit(main())")
    res = subprocess.run([sys.executable, "-c", later, "run", "--config", cfg], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 3 and "posted" in res.stdout + res.stderr, res.stdout + res.stderr
    assert posted(farm, title) == [digest, digest]  # posted again: the old approval no longer counts
    for n in names:
        untouched(farm, n, [])
    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~ (again)")
    assert run(cfg)[0] == 0
    for n in names:
        enforced(farm, n, WIKIS)


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_enforce_of_an_unlisted_account_waits_and_the_proposer_cannot_approve_it(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    title = approval_page(farm, uniq)
    cfg, _ = start(farm, configure, uniq, mode, rule(uniq, "enforce_unlisted = true\n"))
    [name] = make(farm, [f"{uniq}U"])
    who, session = reviewer(farm, uniq)
    args = ("enforce", name, "--reason", "cross-wiki abuse, see ticket 42", "--by", who, "--yes", "--config", cfg)
    code, out, err = banbot(*args)
    assert code == 3 and "[approval]" in f"{out}{err}" and "enforce-unlisted" in f"{out}{err}", (out, err)
    [digest] = posted(farm, title)
    assert f"Proposed by:''' {who}" in (farm.text("metawiki", title) or "")
    untouched(farm, name, [], mode=mode)

    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")  # the steward who asked: refused
    code, out, err = banbot(*args)
    assert code == 3 and "cannot be the second person" in f"{out}{err}", (out, err)
    untouched(farm, name, [], mode=mode)

    say(farm, farm.admin("metawiki"), title, f"{{{{approve|{digest}}}}} ~~~~")  # a second steward
    code, out, err = banbot(*args)
    assert code == 0, (out, err)
    enforced(farm, name, WIKIS, mode=mode)
    assert [(p, s, b) for _, p, s, b, _ in proposals(cfg)] == [(who, "applied", "Admin")]


def done(farm: FarmHandle, names: list[str]) -> bool:
    try:
        for n in names:
            enforced(farm, n, WIKIS)
    except AssertionError:
        return False
    return True


def test_watch_applies_a_plan_once_it_is_approved(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "above_actions = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B"])
    watch = Watch(cfg, "--poll", "1")
    try:
        watch.passed()  # the first pass, at the start (5 s of sleep before)
        rev = farm.edit("metawiki", page, listed(names))
        # the pass over the new list is over (its summary line; 3 s of sleep after the request showed up, before):
        # it asked for an approval and did nothing else
        watch.passed(rev)
        [digest] = posted(farm, title)
        untouched(farm, names[0], [])
        who, session = reviewer(farm, uniq)
        say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")  # no list edit: the approval starts the pass
        deadline = time.monotonic() + 30
        while not done(farm, names) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        out = watch.stop()
    for n in names:
        enforced(farm, n, WIKIS)
    assert "[approval]" in out and posted(farm, title) == [digest], out


def test_enforce_of_a_listed_account_needs_no_second_person(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "enforce_unlisted = true\n"))
    [name] = make(farm, [f"{uniq}L"])
    farm.edit("metawiki", page, listed([name]))
    assert run(cfg)[0] == 0  # the list applied: the account is listed now
    farm.make_users("enwiki", [{"name": name, "groups": ["sysop"]}])  # a group given back by hand
    code, out, err = banbot("enforce", name, "--reason", "groups given back by mistake", "--by", "Steward One",
                            "--yes", "--config", cfg)
    assert code == 0, (out, err)
    assert farm.groups("enwiki", name) == [] and posted(farm, title) == []


@pytest.mark.parametrize("hide", ["user", "content"])
def test_an_approval_whose_editor_or_text_is_hidden_approves_nothing(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, hide: str) -> None:
    title = approval_page(farm, uniq)
    cfg, page = start(farm, configure, uniq, extra=rule(uniq, "above_actions = 1\n"))
    names = make(farm, [f"{uniq}A", f"{uniq}B"])
    farm.edit("metawiki", page, listed(names))
    assert run(cfg)[0] == 3
    [digest] = posted(farm, title)
    who, session = reviewer(farm, uniq)
    say(farm, session, title, f"{{{{approve|{digest}}}}} ~~~~")
    revid = farm.get("metawiki", action="query", prop="info", titles=title)["query"]["pages"][0]["lastrevid"]
    say(farm, farm.admin("metawiki"), title, "noted")  # the current revision's text cannot be hidden: one on top
    r = farm.post("metawiki", action="revisiondelete", type="revision", target=title, ids=str(revid), hide=hide,
                  reason="hidden")
    assert r.get("revisiondelete", {}).get("status") == "Success", r
    code, out = run(cfg)
    assert code == 3 and "is hidden" in out, out
    for n in names:
        untouched(farm, n, [])
