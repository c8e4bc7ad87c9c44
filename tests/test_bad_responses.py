"""Properties over generated API responses: banbot's readers never crash on a body of any shape (a
malformed body is a WikiError), and no response can make banbot plan an action against an account that
is not clearly on the list. BANBOT_HYPOTHESIS_EXAMPLES=10000 for a nightly-size run."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from banbot.banlist import parse
from banbot.config import parse_config
from banbot.errors import BanbotError, WikiError
from banbot.plan import PlanSettings, make_plan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "api"
RECORDED = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json")) if not p.name.startswith("index")]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=12),
                    st.sampled_from(["Alice", "enwiki", "metawiki", "sysop", "infinite", "Listed One", "missing"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["query", "globaluserinfo", "users", "pages", "globalusers", "name", "id",
                                     "merged", "unattached", "groups", "wiki", "locked", "missing", "blockid",
                                     "groupmemberships", "group", "revisions", "slots", "main", "content",
                                     "title", "protection", "paraminfo", "modules", "parameters", "type",
                                     "userrights", "removed", "edit", "result", "error", "code"]),
                    inner, max_size=6)), max_leaves=30)


def mutated(body: Any, draw: st.DrawFn) -> Any:
    """A recorded body with parts dropped, replaced or retyped."""
    if isinstance(body, dict):
        out = {}
        for k, v in body.items():
            choice = draw(st.integers(0, 9))
            if choice == 0:
                continue
            out[k] = draw(JSON) if choice == 1 else mutated(v, draw)
        return out
    if isinstance(body, list):
        return [mutated(v, draw) for v in body if draw(st.integers(0, 9))]
    return draw(JSON) if draw(st.integers(0, 9)) == 0 else body


@st.composite
def plausible_globaluserinfo(draw: st.DrawFn) -> Any:
    """A well-formed globaluserinfo answer, about a listed account or about someone else."""
    name = draw(st.sampled_from(["Listed One", "Listed Two", "Alice", "Intruder"]))
    merged = [{"wiki": w, "url": "http://x", "timestamp": "2026-01-01T00:00:00Z", "method": "login", "editcount": 0,
               "registration": "2026-01-01T00:00:00Z", "groups": draw(st.lists(st.sampled_from(["sysop", "bot"]),
                                                                                 max_size=2, unique=True))}
              for w in draw(st.lists(st.sampled_from(["metawiki", "enwiki", "dewiki"]), max_size=3, unique=True))]
    info = {"home": "metawiki", "id": draw(st.integers(1, 99)), "registration": "2026-01-01T00:00:00Z", "name": name,
            "groups": draw(st.lists(st.sampled_from(["global-rollbacker", "steward"]), max_size=1)), "merged": merged,
            "unattached": []}
    if draw(st.booleans()):
        info["locked"] = True
    return {"batchcomplete": True, "query": {"globaluserinfo": info}}


@st.composite
def bodies(draw: st.DrawFn) -> Any:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(JSON)
    if kind == 1:
        return draw(plausible_globaluserinfo())
    return mutated(draw(st.sampled_from(RECORDED)), draw)


class GeneratedClient:
    """Answers every call with the next generated body; behaves like WikiClient for non-object bodies."""

    def __init__(self, dbname: str, answers: Callable[[], Any]) -> None:
        self.dbname = dbname
        self.answers = answers

    def call(self, params: dict[str, Any], *, write: bool = False) -> dict[str, Any]:
        body = self.answers()
        if not isinstance(body, dict):
            raise WikiError.from_code("malformed-response", "not an object", wiki=self.dbname)
        return body

    def token(self, kind: str) -> str:
        return "+\\"

    def siteinfo(self) -> dict[str, Any]:
        return {"wikiid": self.dbname, "case": "first-letter"}


def readers() -> list[Callable[[Any], Any]]:
    from banbot.wiki import centralauth, pages, trust, users

    wikis = {"metawiki", "enwiki"}
    return [
        lambda c: pages.read_ban_page(c, "Global bans/List"),
        lambda c: pages.read_talk_pages(c, ["Alice", "Listed One"], "BanBot"),
        lambda c: trust.read_switch(c, "Project:Banbot/Run"),
        lambda c: users.local_accounts(c, ["Alice", "Listed One"]),
        lambda c: trust.trusted_editors(c, c, ["Alice"], ("sysop",)),
        lambda c: users.remove_groups(c, "Alice", ("sysop",), "r"),
        lambda c: users.block(c, "Alice", "r", noemail=True, reblock=False),
        lambda c: centralauth.has_globalusers(c),
        lambda c: centralauth.lock_states(c, ["Alice", "Listed One"]),
        lambda c: centralauth.global_account(c, "Listed One", wikis),
        lambda c: centralauth.lock(c, "Alice", "r", None),
        lambda c: centralauth.remove_global_groups(c, "Alice", ("g",), "r"),
        lambda c: centralauth.remove_interwiki_groups(c, "Alice", "enwiki", ("sysop",), "r"),
    ]


@given(body=bodies(), which=st.integers(0, 12))
def test_every_reader_returns_or_raises_a_typed_error_for_any_body(body: Any, which: int) -> None:
    client = GeneratedClient("metawiki", lambda: body)
    with contextlib.suppress(BanbotError):  # a typed error that says what is wrong: fine; anything else: a bug
        readers()[which](client)


CONFIG = parse_config({"list": {"page": "L"}, "farm": {"mode": "centralauth"},
                       "wikis": {"metawiki": {"api": "http://h/api.php"}, "enwiki": {"api": "http://e/api.php"}}})
LISTED = ["Listed One", "Listed Two"]
BANS = parse("\n".join(f"* [[User:{n}]]" for n in LISTED) + "\n* <s>[[User:Lifted Three]]</s>")


@given(answers=st.lists(bodies(), min_size=1, max_size=12))
def test_no_response_makes_banbot_act_on_an_account_that_is_not_listed(answers: list[Any]) -> None:
    from banbot.observe import observe
    from banbot.wiki.session import Farm

    queue = list(answers)

    def next_body() -> Any:
        return queue.pop(0) if queue else {}

    farm = Farm(CONFIG, {db: GeneratedClient(db, next_body) for db in CONFIG.wikis})  # type: ignore[dict-item]
    s = PlanSettings(mode="centralauth", central="metawiki", wikis=("metawiki", "enwiki"),
                     langs={"metawiki": "en", "enwiki": "en"}, enforce=CONFIG.enforce, list_link="L", bot_name="BanBot")
    try:
        states = observe(farm, LISTED, s)
    except BanbotError:
        return
    plan = make_plan(BANS, states, s)
    event(f"actions planned: {bool(plan.actions)}")
    assert {a.user for a in plan.actions} <= set(LISTED)


def test_a_bug_outside_the_reader_is_not_reported_as_a_malformed_response() -> None:
    """The reader's catch is for bodies of an unexpected shape, raised where the adapter reads them: an error
    raised deeper (banbot's core, pywikibot) surfaces as itself, never as 'malformed-response'."""
    import pytest

    from banbot.wiki import pages

    class Answers:
        dbname = "enwiki"

        def __init__(self, body: dict) -> None:  # type: ignore[type-arg]
            self.body = body

        def call(self, params: object, **kw: object) -> dict:  # type: ignore[type-arg]
            return self.body

    with pytest.raises(WikiError) as caught:  # a page without lastrevid: the body's shape is wrong
        pages.latest_revisions(Answers({"query": {"pages": [{"title": "L"}]}}), ["L"])  # type: ignore[arg-type]
    assert caught.value.code == "malformed-response"
    talk = {"query": {"pages": [{"title": "User talk:V", "revisions": [
        {"revid": 1, "slots": {"main": {"content": "{{bots|deny=Somebot}}"}}}]}]}}
    with pytest.raises(AttributeError):  # the core's bug (a bot name that is no string), not the wiki's answer
        pages.read_talk_pages(Answers(talk), ["V"], 42)  # type: ignore[arg-type]
