"""Contract tests: the same CentralAuth adapter tests run against the responses recorded from the real
extension (tests/fixtures/api) and against the double on the local farm; and the double's raw answers have
the recorded shapes, quirks and error codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from banbot.errors import PermanentWikiError, WikiError
from conftest import need_real_centralauth

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "api"


def recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text()))


class RecordedClient:
    """Answers each call with one recorded response, raising for error bodies as the real client does."""

    dbname = "metawiki"

    def __init__(self, *bodies: str) -> None:
        self.bodies = list(bodies)
        self.sent: list[dict[str, Any]] = []

    def call(self, params: dict[str, Any], *, write: bool = False) -> dict[str, Any]:
        self.sent.append(dict(params))
        body = recorded(self.bodies.pop(0))
        if isinstance(body.get("error"), dict):
            raise WikiError.from_code(body["error"]["code"], body["error"].get("info", ""), wiki=self.dbname)
        return body

    def token(self, kind: str) -> str:
        return f"<{kind} token>"


Scenario = Callable[[str], tuple[Any, str]]  # kind -> (client, account name)
WIKIS = {"metawiki", "enwiki", "zhwiki"}
ORDER = ("metawiki", "enwiki", "zhwiki")  # creation order decides the home wiki


@pytest.fixture(params=["recorded", pytest.param("double", marks=pytest.mark.integration),
                        pytest.param("real", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Scenario:
    """For a scenario kind, a client and the account name that plays it on this backend: the recordings, the
    double, or the real extension (skipped on a farm without BANBOT_CENTRALAUTH_DIR)."""
    if request.param == "recorded":
        files = {"attached": ("centralauth-globaluserinfo-attached-2-wikis.json", "Alice"),
                 "missing": ("centralauth-globaluserinfo-missing.json", "No Such User 123"),
                 "locked": ("centralauth-globaluserinfo-locked.json", "Dave"),
                 "lock": ("centralauth-setglobalaccountstatus-lock.json", "Dave"),
                 "lock-nosuchuser": ("centralauth-setglobalaccountstatus-nosuchuser.json", "No Such User 123"),
                 "global-remove": ("centralauth-globaluserrights-remove.fv1.json", "Mallory"),
                 "interwiki-remove": ("centralauth-userrights-interwiki-remove.json", "Mallory"),
                 "interwiki-again": ("centralauth-userrights-interwiki-remove-again.json", "Mallory")}

        def make_recorded(kind: str) -> tuple[Any, str]:
            name, user = files[kind]
            return RecordedClient(name), user

        return make_recorded
    farm = request.getfixturevalue("farm")
    real = request.param == "real"
    if real:
        need_real_centralauth(farm)
    ca_farm = request.getfixturevalue("ca_farm" if real else "ca_double_farm")
    uniq = request.getfixturevalue("uniq")

    def set_global(accounts: dict[str, Any]) -> None:
        if real:
            farm.set_global(accounts)
        else:
            farm.double("state", {"accounts": accounts})

    def make_double(kind: str) -> tuple[Any, str]:
        name = f"{uniq} {kind}"
        if kind == "attached":  # like Alice: sysop on enwiki and metawiki, an unattached sysop on zhwiki
            for db in ORDER:
                farm.make_users(db, [{"name": name, "groups": ["sysop"]}])
            set_global({name: {"unattached": ["zhwiki"]}})
        elif kind in ("locked", "lock"):
            for db in ORDER:
                farm.make_users(db, [{"name": name}])
            if kind == "locked":
                set_global({name: {"locked": True}})
        elif kind == "global-remove":
            farm.make_users("enwiki", [{"name": name}])
            set_global({name: {"groups": ["global-rollbacker"]}})
        elif kind in ("interwiki-remove", "interwiki-again"):
            farm.make_users("enwiki", [{"name": name, "groups": ["rollbacker"] if kind == "interwiki-remove" else []}])
        return ca_farm.central, name

    return make_double


def test_globaluserinfo_reads_attached_and_unattached_accounts(backend: Scenario) -> None:
    from banbot.wiki.centralauth import global_account

    client, name = backend("attached")
    state, check = global_account(client, name, WIKIS)
    assert state.exists and state.locked is False and state.global_groups == ()
    assert [(a.wiki, a.groups, a.attached) for a in state.local] == [
        ("enwiki", ("sysop",), True), ("metawiki", ("sysop",), True), ("zhwiki", ("sysop",), False)]
    assert state.home == "metawiki" and check and state.lock_check == check


def test_globaluserinfo_reports_a_missing_account(backend: Scenario) -> None:
    from banbot.wiki.centralauth import global_account

    client, name = backend("missing")
    state, check = global_account(client, name, WIKIS)
    assert not state.exists and check is None


def test_globaluserinfo_reports_a_lock(backend: Scenario) -> None:
    from banbot.wiki.centralauth import global_account

    client, name = backend("locked")
    state, _ = global_account(client, name, WIKIS)
    assert state.locked is True and {a.wiki for a in state.local} == WIKIS


def test_lock_succeeds_and_a_missing_account_is_nosuchuser(backend: Scenario) -> None:
    from banbot.wiki.centralauth import lock

    client, name = backend("lock")
    assert lock(client, name, "ban", None) == "done"
    client, name = backend("lock-nosuchuser")
    with pytest.raises(PermanentWikiError) as e:
        lock(client, name, "ban", None)
    assert e.value.code == "nosuchuser"


def test_global_group_removal_reports_what_was_removed(backend: Scenario) -> None:
    from banbot.wiki.centralauth import remove_global_groups

    client, name = backend("global-remove")
    assert remove_global_groups(client, name, ("global-rollbacker",), "ban") == ["global-rollbacker"]


def test_interwiki_group_removal_reports_what_was_removed(backend: Scenario) -> None:
    from banbot.wiki.centralauth import remove_interwiki_groups

    client, name = backend("interwiki-remove")
    assert remove_interwiki_groups(client, name, "enwiki", ("rollbacker",), "ban") == ["rollbacker"]
    client, name = backend("interwiki-again")
    assert remove_interwiki_groups(client, name, "enwiki", ("rollbacker",), "ban") == []


# --- the double's raw answers against the recordings ----------------------------------------------

def shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items()) if k not in ("docref",)}
    if isinstance(value, list):
        return sorted({json.dumps(shape(v), sort_keys=True) for v in value})
    return type(value).__name__


def login(api: str, appid: str, secret: str) -> requests.Session:
    s = requests.Session()
    tok = s.get(api, params={"action": "query", "meta": "tokens", "type": "login", "format": "json"}).json()
    r = s.post(api, data={"action": "login", "lgname": f"BanBot@{appid}", "lgpassword": secret,
                          "lgtoken": tok["query"]["tokens"]["logintoken"], "format": "json"}).json()
    assert r["login"]["result"] == "Success", r
    return s


def params_of(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / "index-centralauth.json").read_text())[name]["params"])


@pytest.mark.integration
def test_the_double_answers_with_the_recorded_shapes(farm: Any, uniq: str) -> None:
    api = farm.info["centralauth"].get("double_api", farm.info["centralauth"]["api"])
    s = login(api, "farm", farm.info["bot"]["botpassword"])
    readonly = login(api, "readonly", farm.info["bot"]["botpassword"])
    tokens = s.get(api, params={"action": "query", "meta": "tokens", "format": "json",
                                "type": "csrf|userrights|setglobalaccountstatus"}).json()["query"]["tokens"]
    alice, dave, mallory = f"{uniq} Alice", f"{uniq} Dave", f"{uniq} Mallory"
    for db in ORDER:
        farm.make_users(db, [{"name": alice, "groups": ["sysop"]}, {"name": dave}])
    farm.make_users("enwiki", [{"name": mallory, "groups": ["rollbacker"]}])
    farm.make_users("zhwiki", [{"name": mallory}])
    farm.double("state", {"accounts": {alice: {"unattached": ["zhwiki"]}}})
    names = {"Alice": alice, "Dave": dave, "Eve": dave, "Mallory": mallory, "Carol": dave, "Bob": dave}

    def replay(fixture: str, session: requests.Session = s) -> dict[str, Any]:
        params = params_of(fixture)
        for key in ("guiuser", "user"):
            if key in params:
                base, _, wiki = str(params[key]).partition("@")
                params[key] = names.get(base, base) + (f"@{wiki}" if wiki else "")
        if "token" in params:
            kind = {"<setglobalaccountstatus token>": "setglobalaccountstatus", "<userrights token>": "userrights",
                    "<csrf token>": "csrf"}.get(params["token"])
            params["token"] = session.get(api, params={"action": "query", "meta": "tokens", "format": "json",
                                                       "type": kind}).json()["query"]["tokens"][f"{kind}token"] \
                if kind else "0123+\\"
            return dict(session.post(api, data=params).json())
        return dict(session.get(api, params=params).json())

    def same(fixture: str, session: requests.Session = s) -> None:
        got = replay(fixture, session)
        assert shape(got) == shape(recorded(fixture)), (fixture, json.dumps(got))

    assert set(tokens) == {"csrftoken", "userrightstoken", "setglobalaccountstatustoken"}
    same("centralauth-globaluserinfo-attached-2-wikis.json")
    same("centralauth-globaluserinfo-attached-2-wikis.fv1.json")
    same("centralauth-globaluserinfo-missing.json")
    got = replay("centralauth-globaluserinfo-home-enwiki.json")
    assert got["query"]["globaluserinfo"]["home"] == "enwiki"
    assert shape(got) == shape(recorded("centralauth-globaluserinfo-home-enwiki.json"))
    same("centralauth-globaluserinfo-missing.fv1.json")
    same("centralauth-setglobalaccountstatus-lock.json")
    same("centralauth-setglobalaccountstatus-lock-again.json")
    same("centralauth-globaluserinfo-locked.json")
    same("centralauth-setglobalaccountstatus-lock-again.fv1.json")
    same("centralauth-setglobalaccountstatus-unlock.json")
    same("centralauth-setglobalaccountstatus-unlock-again.json")
    same("centralauth-setglobalaccountstatus-nosuchuser.json")
    same("centralauth-setglobalaccountstatus-badtoken.json")
    same("centralauth-setglobalaccountstatus-lock-csrf-token.json")
    same("centralauth-setglobalaccountstatus-permissiondenied-grant.json", readonly)
    same("centralauth-globaluserrights-add.json")
    same("centralauth-globaluserrights-add-again.json")
    same("centralauth-globaluserrights-unknown-group.json")
    same("centralauth-globaluserrights-nosuchuser.json")
    same("centralauth-globaluserrights-remove.fv1.json")
    same("centralauth-globaluserrights-permissiondenied.json", readonly)
    same("centralauth-userrights-interwiki-remove.json")
    same("centralauth-userrights-interwiki-remove-again.json")
    same("centralauth-userrights-interwiki-nosuchuser.json")
    same("centralauth-userrights-interwiki-nosuchwiki.json")


# --- where the stand-in differed from the real extension (tests/fixtures/api/centralauth-real/) --------

REAL = FIXTURES / "centralauth-real"


def real_recording(name: str) -> dict[str, Any]:
    return dict(json.loads((REAL / name).read_text())["response"])


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["double", "real"])
def test_both_centralauths_answer_like_the_recordings_of_the_real_one(farm: Any, uniq: str, kind: str) -> None:
    """The double is compared with the real extension's recordings where it used to differ; the same replay
    runs against the real extension itself on the farm, so the recordings are checked too."""
    import hashlib

    if kind == "real":
        need_real_centralauth(farm)
    ca = farm.info["centralauth"]
    api = ca.get("double_api", ca["api"]) if kind == "double" else farm.api("metawiki")

    def set_global(accounts: dict[str, Any]) -> None:
        if kind == "real":
            farm.set_global(accounts)
        else:
            farm.double("state", {"accounts": accounts})

    secret = farm.info["bot"]["botpassword"]
    bot, readonly = login(api, "farm", secret), login(api, "readonly", secret)
    orphan, hidey, listy = f"{uniq} Orphan", f"{uniq} Hidey", f"{uniq} Listy"
    farm.make_users("zhwiki", [{"name": orphan, "groups": ["sysop"], "local_only": True}])
    farm.make_users("metawiki", [{"name": hidey}, {"name": listy, "groups": ["rollbacker"]}])
    set_global({orphan: {"local_only": True}, hidey: {"hidden": "suppressed"}, listy: {"hidden": "lists"}})

    def gui(session: requests.Session, name: str) -> dict[str, Any]:
        return dict(session.get(api, params={"action": "query", "meta": "globaluserinfo", "guiuser": name,
                                             "guiprop": "groups|merged|unattached", "format": "json",
                                             "formatversion": 2}).json())

    def same(got: dict[str, Any], fixture: str) -> None:
        assert shape(got) == shape(real_recording(fixture)), (fixture, json.dumps(got))

    same(gui(bot, orphan), "gui-orphan-localonly.json")  # missing, with its local account as unattached
    same(gui(bot, "Marsh%20Wren"), "gui-pct.json")  # baduser fails the request
    same(gui(readonly, hidey), "gui-Hidey-as-botro.json")  # hidden: missing to a key without suppress
    same(gui(requests.Session(), listy), "gui-Listy-as-anon.json")
    seen = gui(bot, hidey)
    assert seen["query"]["globaluserinfo"]["hidden"] is True
    assert gui(bot, listy)["query"]["globaluserinfo"]["merged"][0]["groups"] == ["rollbacker"]

    # statecheck hashes the hidden LEVEL: "lists" is refused for a suppressed account, "suppressed" locks it
    info = seen["query"]["globaluserinfo"]
    token = bot.get(api, params={"action": "query", "meta": "tokens", "type": "setglobalaccountstatus",
                                 "format": "json"}).json()["query"]["tokens"]["setglobalaccountstatustoken"]

    def lock(level: str) -> dict[str, Any]:
        check = hashlib.md5(f"{info['id']}:{hidey}:{level}:0".encode()).hexdigest()
        return dict(bot.post(api, data={"action": "setglobalaccountstatus", "user": hidey, "locked": "lock",
                                        "reason": "probe", "statecheck": check, "token": token, "format": "json",
                                        "formatversion": 2}).json())

    same(lock("lists"), "lock-hidey-lists-hash.json")
    got = lock("suppressed")
    same(got, "lock-hidey-suppressed-hash.json")
    assert got["setglobalaccountstatus"]["hidden"] == "suppressed"

    # a first request that makes the session (here: a login token asked with globaluserinfo) must hand its
    # cookie on, or the login that follows fails for want of a session
    fresh = requests.Session()
    first = fresh.get(api, params={"action": "query", "meta": "globaluserinfo|tokens", "type": "login",
                                   "guiuser": "Admin", "format": "json"}).json()
    r = fresh.post(api, data={"action": "login", "lgname": "BanBot@farm", "lgpassword": secret, "format": "json",
                              "lgtoken": first["query"]["tokens"]["logintoken"]}).json()
    assert r["login"]["result"] == "Success", r
