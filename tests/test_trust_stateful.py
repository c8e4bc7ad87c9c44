"""The trust rails under attack by a machine: hypothesis plays random interleavings of vandal, IP and trusted
edits, rollbacks, undos, revision deletion, protection changes, accounts registering, leaving an exempt group,
human blocks and unblocks, and scheduled runs (a `watch` pass is the same pass) and forced applies.

The wiki is simulated at the API level (the page history with its tags, sha1s and hidden fields, answered as
MediaWiki answers ``prop=revisions``, ``revids`` and ``list=users``), so the real lifecycle, vetting,
provenance, rails, planner, executor and journal run unchanged. The model keeps its own truth of who put each
row there (a row kept keeps its writers; a row brought back by a rollback or undo has its old writers and the
restorer), independent of banbot's.

Invariant (safety): every action banbot performs targets an account listed in the current revision whose row
only trusted editors put there. Liveness: with no hidden revision in the history, a full pass that the rails
let through enforces every listed account whose row only trusted editors wrote (registered, not exempt, not
reversed by a human).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from banbot import app
from banbot.actions import Action, Plan
from banbot.banlist import BanList, parse
from banbot.commands.run import one_pass
from banbot.config import load_config
from banbot.errors import UnsafeRun
from banbot.journal import Status
from banbot.plan import PlanSettings
from banbot.rails import Rails
from banbot.safety import Blocker
from banbot.state import AccountState, LocalAccount
from banbot.wiki.pages import read_ban_page

TITLE = "Global bans/List"
TRUSTED = ("Admin", "Steward")
UNTRUSTED = ("Vandal", "Sock", "127.0.0.1")
NAMES = ("Alpha", "Bravo", "Charlie", "Delta")
DATE = "5 March 2026"  # every account registers on this day too (the planner compares days)
LEVELS = {"sysop": 3, "autoconfirmed": 1, "": 0}


def sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


@dataclasses.dataclass
class Rev:
    revid: int
    parentid: int
    user: str
    text: str
    tags: tuple[str, ...] = ()
    writers: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)  # the model's truth: row → who
    userhidden: bool = False
    texthidden: bool = False


class SimWiki:
    """The list page's wiki, answering banbot's reads as MediaWiki does (formatversion=2)."""

    dbname = "metawiki"

    def __init__(self) -> None:
        self.revs: list[Rev] = []
        self.protection = "sysop"
        self.groups: dict[str, set[str]] = {u: {"sysop"} for u in TRUSTED}

    @property
    def top(self) -> Rev:
        return self.revs[-1]

    def _rev(self, r: Rev, content: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"revid": r.revid, "parentid": r.parentid, "timestamp": "2026-03-05T00:00:00Z",
                               "tags": list(r.tags), "comment": ""}
        if r.userhidden:
            out["userhidden"] = True
        else:
            out["user"] = r.user
        if r.texthidden:
            out["sha1hidden"] = True
            out["slots"] = {"main": {"texthidden": True}}
        else:
            out["sha1"] = sha(r.text)
            if content:
                out["slots"] = {"main": {"content": r.text, "contentmodel": "wikitext"}}
        return out

    def call(self, params: Mapping[str, Any], *, write: bool = False, public: bool = False) -> dict[str, Any]:
        if params.get("list") == "users":
            rows = [{"name": n, "groups": sorted(self.groups.get(n, set()))} if n in self.groups else
                    {"name": n, "missing": True} for n in str(params["ususers"]).split("|")]
            return {"query": {"users": rows}}
        if "revids" in params:
            wanted = {int(x) for x in str(params["revids"]).split("|")}
            return {"query": {"pages": [{"title": TITLE, "revisions": [self._rev(r, True) for r in self.revs
                                                                        if r.revid in wanted]}]}}
        assert params.get("prop", "").startswith("revisions"), params
        content = "content" in str(params.get("rvprop", ""))
        if "rvstartid" not in params:  # the current revision, with the page's protection
            page = {"title": TITLE, "revisions": [self._rev(self.top, True)],
                    "protection": [{"type": "edit", "level": self.protection, "expiry": "infinity"}]
                    if self.protection else []}
            return {"query": {"pages": [page]}}
        start = int(params.get("rvcontinue") or params["rvstartid"])
        end = int(params.get("rvendid") or 0)
        limit = 10**6 if params.get("rvlimit") == "max" else int(params["rvlimit"])
        newest_first = [r for r in reversed(self.revs) if end <= r.revid <= start]
        batch = newest_first[:limit]
        out: dict[str, Any] = {"query": {"pages": [{"title": TITLE, "revisions": [self._rev(r, content)
                                                                                  for r in batch]}]}}
        if len(newest_first) > limit:
            out["continue"] = {"rvcontinue": str(newest_first[limit].revid), "continue": "||"}
        return out


class SimFarm(dict[str, SimWiki]):
    central: Any = SimpleNamespace(username=lambda: "BanBot")


class SimRails(Rails):
    """The real rails; the model has no kill switch page."""

    def kill_switch(self, max_age_s: float = 10.0) -> Blocker | None:
        return None


class SimApp(app.App):
    """The real App; only the farm's reads and writes are the model's."""

    model: TrustMachine

    def read_list(self, page: str | None = None, section: str | None = None) -> BanList:
        text, source = read_ban_page(self.farm["metawiki"], TITLE)
        return parse(text, source=source)

    def settings(self) -> PlanSettings:
        return PlanSettings(mode=self.config.mode, central="metawiki", wikis=("metawiki",),
                            langs={"metawiki": "en"}, enforce=dataclasses.replace(self.config.enforce, notify=False),
                            list_link="L", bot_name="BanBot")

    def check_mode(self) -> None:
        return None

    def observe(self, names: Sequence[str], s: PlanSettings | None = None) -> dict[str, AccountState]:
        return {n: self.model.state(n) for n in names}

    def gateway(self) -> TrustMachine:
        return self.model


class TrustMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.wiki = SimWiki()
        self.registered: set[str] = set()
        self.exempt: set[str] = set()
        self.blocked: dict[str, str] = {}  # name → who blocked it: "banbot" or "human"
        self.groups: dict[str, set[str]] = {}
        self.reversed: set[str] = set()  # banbot's block a human lifted: banbot never redoes it
        self.performed: list[Action] = []
        self.hidden_ever = False

    # --- the wiki side ----------------------------------------------------------------------------------
    def state(self, name: str) -> AccountState:
        if name not in self.registered:
            return AccountState(name, exists=False)
        groups = tuple(sorted(self.groups.get(name, set()) | ({"staff"} if name in self.exempt else set())))
        return AccountState(name, exists=True, local=(LocalAccount("metawiki", groups, blocked=name in self.blocked,
                                                                   block_expiry="infinity",
                                                                   registered="2026-03-05T00:00:00Z"),))

    def perform(self, action: Action) -> Status:  # banbot's gateway
        self.performed.append(action)
        if action.kind == "block":
            self.blocked.setdefault(action.user, "banbot")
        elif action.kind == "remove-local-groups":
            self.groups[action.user] = set()
        return Status.DONE

    def edit(self, user: str, text: str, tags: tuple[str, ...] = (), undo: bool = False) -> None:
        """A new revision, and the model's truth of who put each row there: a row kept keeps its writers; a
        text identical to an older one (rollback, manual revert: MediaWiki tags it) brings back that revision's
        writers, and the restorer joins them; an undo may bring a row back from any older copy, so all of
        their writers join."""
        top = self.wiki.top if self.wiki.revs else None
        same = next((r for r in reversed(self.wiki.revs) if r.text == text and not r.texthidden), None)
        if same is not None and top is not None and same is not top and not tags:
            tags = ("mw-manual-revert",)
        writers: dict[str, frozenset[str]] = {}
        for line in rows_of(text):
            if top is not None and line in top.writers:
                writers[line] = top.writers[line]  # kept
            elif same is not None and same is not top:
                writers[line] = same.writers[line] | {user}  # brought back as it was
            elif undo:
                writers[line] = frozenset({user}).union(*(r.writers.get(line, frozenset()) for r in self.wiki.revs))
            else:
                writers[line] = frozenset({user})
        revid = (top.revid if top else 0) + 1
        self.wiki.revs.append(Rev(revid, top.revid if top else 0, user, text, tags, writers))

    def can_edit(self, user: str) -> bool:
        need = LEVELS[self.wiki.protection]
        have = 3 if user in TRUSTED else 0 if user == "127.0.0.1" else 1
        return have >= need

    def listed(self) -> dict[str, str]:
        """name → row in the current text (the model's own reading: one row a line)."""
        out = {}
        for line in rows_of(self.wiki.top.text):
            name = line.split("[[User:", 1)[1].split("]]", 1)[0]
            out[name] = line
        return out

    # --- rules ----------------------------------------------------------------------------------------------
    @initialize(registered=st.sets(st.sampled_from(NAMES)), level=st.sampled_from(sorted(LEVELS)))
    def baseline(self, registered: set[str], level: str) -> None:
        self.tmp = Path(TMP.mktemp("trust"))
        (self.tmp / "banbot.toml").write_text(
            f'[list]\npage = "{TITLE}"\n[farm]\nmode = "plain"\n[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n'
            f'[journal]\npath = "{self.tmp / "journal.sqlite"}"\n[safety]\nmax_new_entries = -1\nmax_actions = -1\n')
        self.cfg = load_config(self.tmp / "banbot.toml")
        self.edit("Admin", page())
        assert self.run_pass(init=True) == 0
        for name in registered:
            self.register(name)
        self.protect(level)

    @rule(name=st.sampled_from(NAMES), user=st.sampled_from(TRUSTED + UNTRUSTED))
    def add_row(self, name: str, user: str) -> None:
        if self.can_edit(user) and name not in self.listed():
            self.edit(user, page(*self.listed().values(), f"* [[User:{name}]], since {DATE}"))

    @rule(name=st.sampled_from(NAMES), user=st.sampled_from(TRUSTED + UNTRUSTED))
    def remove_row(self, name: str, user: str) -> None:
        rows = self.listed()
        if self.can_edit(user) and name in rows:
            self.edit(user, page(*(r for n, r in rows.items() if n != name)))

    @rule(name=st.sampled_from(NAMES), user=st.sampled_from(TRUSTED + UNTRUSTED))
    def rewrite_row(self, name: str, user: str) -> None:
        rows = self.listed()
        if self.can_edit(user) and name in rows:
            rows[name] = rows[name] + " ." if not rows[name].endswith(".") else rows[name][:-2]
            self.edit(user, page(*rows.values()))

    @rule(user=st.sampled_from(TRUSTED + UNTRUSTED))
    def rollback(self, user: str) -> None:
        """Roll back the last editor's run of edits (rollback needs rights: trusted only; a vandal can
        restore an old version by hand, which MediaWiki tags mw-manual-revert)."""
        revs = self.wiki.revs
        last = revs[-1].user
        older = [r for r in revs if r.user != last and not r.texthidden]
        if not older or not self.can_edit(user) or last == user:
            return
        target = older[-1]
        self.edit(user, target.text, ("mw-rollback",) if user in TRUSTED else ("mw-manual-revert",))

    @rule(user=st.sampled_from(TRUSTED + UNTRUSTED), back=st.integers(1, 4))
    def undo(self, user: str, back: int) -> None:
        revs = self.wiki.revs
        if len(revs) <= back or not self.can_edit(user):
            return
        undone = revs[-back]
        parent = next(r for r in revs if r.revid == undone.parentid)
        if parent.texthidden or undone.texthidden:
            return
        # the undo puts back what ``undone`` removed and takes out what it added, keeping later edits
        now = rows_of(self.wiki.top.text)
        gone = [x for x in rows_of(parent.text) if x not in rows_of(undone.text)]
        added = [x for x in rows_of(undone.text) if x not in rows_of(parent.text)]
        text = page(*[x for x in now if x not in added], *[x for x in gone if x not in now])
        if text != self.wiki.top.text:
            self.edit(user, text, ("mw-undo",), undo=True)

    @rule(back=st.integers(2, 6), what=st.sampled_from(["user", "text", "both"]))
    def revision_deletion(self, back: int, what: str) -> None:
        if len(self.wiki.revs) <= back:
            return
        r = self.wiki.revs[-back]
        r.userhidden = r.userhidden or what in ("user", "both")
        r.texthidden = r.texthidden or what in ("text", "both")
        self.hidden_ever = True

    @rule(level=st.sampled_from(sorted(LEVELS)))
    def protect(self, level: str) -> None:
        """A protection change writes a null revision in the admin's name."""
        self.wiki.protection = level
        top = self.wiki.top
        self.wiki.revs.append(Rev(top.revid + 1, top.revid, "Admin", top.text, (), dict(top.writers)))

    @rule(name=st.sampled_from(NAMES))
    def register(self, name: str) -> None:
        if name not in self.registered:
            self.registered.add(name)
            self.groups[name] = {"sysop"}

    @rule(name=st.sampled_from(NAMES), exempt=st.booleans())
    def exemption(self, name: str, exempt: bool) -> None:
        (self.exempt.add if exempt else self.exempt.discard)(name)

    @rule(name=st.sampled_from(NAMES))
    def human_block(self, name: str) -> None:
        if name in self.registered and name not in self.blocked:
            self.blocked[name] = "human"

    @rule(name=st.sampled_from(NAMES))
    def human_unblock(self, name: str) -> None:
        by = self.blocked.pop(name, None)
        if by == "banbot":
            self.reversed.add(name)

    @rule(verify=st.booleans())
    def run(self, verify: bool) -> None:
        before = len(self.performed)
        code = self.run_pass(verify=verify)
        self.check_actions(self.performed[before:])
        if code == 0 and verify and not self.hidden_ever:
            self.check_liveness()

    @rule()
    def forced_apply(self) -> None:
        """An operator overrides the rails after review: per-entry provenance still holds."""
        before = len(self.performed)
        self.run_pass(force=True)
        self.check_actions(self.performed[before:])

    # --- the properties -------------------------------------------------------------------------------------
    def check_actions(self, actions: list[Action]) -> None:
        rows = self.listed()
        for a in actions:
            assert a.user in rows, (a.describe(), "not listed")
            writers = self.wiki.top.writers[rows[a.user]]
            assert writers <= set(TRUSTED), (a.describe(), "row written by", sorted(writers))

    def check_liveness(self) -> None:
        for name, row in self.listed().items():
            if not self.wiki.top.writers[row] <= set(TRUSTED) or name not in self.registered:
                continue
            if name in self.exempt or name in self.reversed:
                continue
            assert name in self.blocked and not self.groups.get(name), (name, "not enforced")

    def run_pass(self, *, init: bool = False, verify: bool = False, force: bool = False) -> int:
        def connect(config: Any, journal: Any, **_: Any) -> SimApp:
            a = SimApp(config, SimFarm(metawiki=self.wiki), journal)  # type: ignore[arg-type]
            a.model = self
            a.vetting = SimRails(config, a.source, a.farm, journal, a.reader.parse)
            return a

        saved = app.connect
        app.connect = connect
        try:
            if force:
                def prepare(a: app.App) -> tuple[BanList, Plan]:
                    bans = a.read_list()
                    return bans, a.plan(bans)

                try:
                    app.write(self.cfg, app.Policy(app.Command.APPLY, force=True), prepare, app.Quiet())
                except UnsafeRun:
                    return 3
                return 0
            args = SimpleNamespace(page=None, section=None, verify=verify, init_journal=init, format="json")
            try:
                return one_pass(self.cfg, args)  # type: ignore[arg-type]
            except UnsafeRun:
                return 3
        finally:
            app.connect = saved


def rows_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("* [[User:")]


def page(*rows: str) -> str:
    """The list page: a struck placeholder keeps it a list when no row is left."""
    return "\n".join(["{{div col}}", f"* <s>[[User:Placeholder]]</s>, since {DATE}", *rows, "{{div col end}}"])


TMP: pytest.TempPathFactory


@pytest.fixture(autouse=True)
def _tmp(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    global TMP
    TMP = tmp_path_factory


# CI runs 60 sequences of up to 25 steps (~20 s); BANBOT_STATEFUL_EXAMPLES runs more, for a long hunt
TrustMachine.TestCase.settings = settings(max_examples=int(os.environ.get("BANBOT_STATEFUL_EXAMPLES", "60")),
                                          stateful_step_count=25, deadline=None)
test_trust_rails_hold_under_random_edits_and_runs = TrustMachine.TestCase
