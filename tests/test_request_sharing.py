"""What a run asks only once (issue 20), counted by the server: scripts/simfarm.py counts every HTTP request it
receives by module, and every login by wiki.

* a read-only command logs in only where a read needs the bot's rights: a preview reads talk pages (public)
  on the home wikis without a session there;
* `banbot watch` passes take over the session the passes before them set up (tokens, the bot's rights),
  instead of asking for it again each pass;
* the list's name check and the state read do not ask the same wiki about the same names twice.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from banbot.wiki import client as client_module
from banbot.wiki import users
from banbot.wiki.client import open_read

ROOT = Path(__file__).resolve().parent.parent
SESSION = ("query+siteinfo+tokens+userinfo", "query+tokens+userinfo", "login", "query+siteinfo+userinfo",
           "query+tokens", "query+siteinfo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sim:
    def __init__(self, port: int, tmp: Path) -> None:
        self.port = port
        self.tmp = tmp

    def counters(self, reset: bool = False) -> dict[str, Any]:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/_sim/{'reset' if reset else 'counters'}",
                                     method="POST" if reset else "GET", data=b"" if reset else None)
        with urllib.request.urlopen(req, timeout=30) as r:
            return dict(json.loads(r.read()))

    def banbot(self, *args: str, ok: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
        """One banbot command in a fresh process; every request the farm received meanwhile."""
        self.counters(reset=True)
        res = subprocess.run([sys.executable, "-m", "banbot", *args], capture_output=True, text=True, timeout=300,
                             cwd=self.tmp)
        assert res.returncode in ok, res.stdout[-2000:] + res.stderr[-2000:]
        return self.counters()


def _start(tmp: Path, wikis: int, accounts: int) -> tuple[subprocess.Popen[str], Sim]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "simfarm.py"), "--port", str(port), "--wikis",
                             str(wikis), "--accounts", str(accounts)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    sys.path.insert(0, str(ROOT / "scripts"))
    bench: dict[str, Any] = {"__file__": str(ROOT / "scripts" / "bench"), "__name__": "bench"}
    exec(compile((ROOT / "scripts" / "bench").read_text(), "bench", "exec"), bench)
    names = ["metawiki"] + [f"wiki{i:04d}" for i in range(1, wikis)]
    bench["sim_config"](tmp, port, names, True)
    return proc, Sim(port, tmp)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    proc, s = _start(tmp_path, 30, 60)
    try:
        yield s
    finally:
        proc.kill()
        proc.wait()


def _modules(counters: dict[str, Any]) -> dict[str, int]:
    return {k.split(":", 1)[1]: v for k, v in counters["modules"].items()}


def _session(counters: dict[str, Any]) -> int:
    return sum(v for k, v in _modules(counters).items() if k in SESSION)


# --- a read-only command ------------------------------------------------------------------------------------
def test_a_read_only_plan_logs_in_only_where_a_read_needs_the_bots_rights(sim: Sim) -> None:
    cfg = str(sim.tmp / "banbot.toml")
    for _ in range(2):  # cold (no cookies, nothing cached), then warm
        counters = sim.banbot("plan", "--config", cfg, "--out", str(sim.tmp / "plan.json"), "-q")
        mods = _modules(counters)
        talk_reads = sum(v for k, v in mods.items() if set(k.split("+")) >= {"info", "revisions"})
        assert counters["wikis_touched"] > 5 and talk_reads > 5, mods  # talk pages read on many home wikis
        # the central wiki's hidden accounts need the bot's rights (centralauth-suppress): the one login
        assert counters["wikis_logged_in"] in (["metawiki"], []), counters["wikis_logged_in"]
        assert mods.get("login", 0) <= 1
        # tokens and logins only where the session is needed: the central wiki (2 requests and the login cold,
        # 1 warm); elsewhere a public read costs siteinfo once (then cached), nothing more
        assert sum(v for k, v in mods.items() if {"tokens", "login"} & set(k.split("+"))) <= 3, mods
    plan = json.loads((sim.tmp / "plan.json").read_text())
    assert any(a.get("type", a.get("kind")) == "notify" or "notify" in json.dumps(a) for a in plan["actions"])


def test_the_preview_plans_what_a_logged_in_read_plans(sim: Sim) -> None:
    """The talk pages read anonymously are the pages the bot would read: the same plan, action for action."""
    cfg = str(sim.tmp / "banbot.toml")
    sim.banbot("plan", "--config", cfg, "--out", str(sim.tmp / "preview.json"), "-q")
    driver = textwrap.dedent('''
        import json, sys
        from banbot import app, terminal
        from banbot.config import load_config
        cfg = load_config(sys.argv[1])
        a = app.connect(cfg, None, login=True, simulate=False)  # a farm that may write: every read logged in
        bans = a.read_list()
        print(json.dumps(terminal.plan_document(a.plan(bans))))
    ''')
    res = subprocess.run([sys.executable, "-c", driver, cfg], capture_output=True, text=True, timeout=300,
                         cwd=sim.tmp)
    assert res.returncode == 0, res.stderr[-2000:]
    logged_in = json.loads(res.stdout.strip().splitlines()[-1])
    preview = json.loads((sim.tmp / "preview.json").read_text())
    assert preview["digest"] == logged_in["digest"]


# --- watch ----------------------------------------------------------------------------------------------------
WATCH = textwrap.dedent('''
    import json, sys, urllib.request
    import banbot.commands.watch as cw
    from banbot import cli

    port = sys.argv[2]
    def sim(path, post=False):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/_sim/{path}", method="POST" if post else "GET",
                                     data=b"" if post else None)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    passes = []
    real = cw.watch
    def two_passes(peek, run_pass, stop, **kw):
        def counted(verify):
            sim("reset", post=True)
            code = run_pass(True)  # a verification pass: every account read again
            passes.append({"code": code, **sim("counters")})
            if len(passes) == 2:
                stop.set()
            return code
        return real(peek, counted, stop, poll_s=0.01, verify_every_s=0.0)
    cw.watch = two_passes
    args = cli.build_parser().parse_args(["watch", "--config", sys.argv[1], "--init-journal", "--format", "json",
                                          "-q"])
    cw.run(args)
    print(json.dumps(passes))
''')


def test_watch_passes_take_over_the_session_instead_of_asking_again(sim: Sim) -> None:
    # everyone enforced first, so that both passes read an unchanged list and farm and write nothing
    sim.banbot("run", "--config", str(sim.tmp / "banbot.toml"), "--init-journal", "-q", ok=(0, 3))
    res = subprocess.run([sys.executable, "-c", WATCH, str(sim.tmp / "banbot.toml"), str(sim.port)],
                         capture_output=True, text=True, timeout=300, cwd=sim.tmp)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    first, second = json.loads(res.stdout.strip().splitlines()[-1])
    assert first["writes"] == second["writes"] == 0, (first, second)
    m1, m2 = _modules(first), _modules(second)
    assert _set_up(m1) >= 1, m1  # the first pass sets the sessions up (its cookies are live: one request a wiki)
    assert _set_up(m2) == 0, m2  # the second asks no tokens and logs in nowhere
    assert "query+userinfo" not in m1 and "query+userinfo" not in m2  # the bot's rights: from the session's own
    assert sum(m2.values()) == sum(m1.values()) - _set_up(m1), (m1, m2)  # the same reads, nothing else
    assert any("tokens" in k.split("+") for k in m2 if k not in SESSION), m2  # rechecked riding along, for free


def _set_up(mods: dict[str, int]) -> int:
    """Requests of their own that set a session up: who we are and the tokens, or a login."""
    return sum(v for k, v in mods.items() if k in SESSION and {"tokens", "login"} & set(k.split("+")))


# --- the name check and the state read ---------------------------------------------------------------------
def test_the_name_check_and_the_state_read_ask_the_list_wiki_about_each_name_once(tmp_path: Path) -> None:
    proc, sim = _start(tmp_path, 3, 20)
    try:
        cfg = tmp_path / "banbot.toml"
        text = cfg.read_text().replace('mode = "centralauth"', 'mode = "plain"\nignore_centralauth = true')
        cfg.write_text(text)
        sim.counters(reset=True)
        res = subprocess.run([sys.executable, "-m", "banbot", "plan", "--config", str(cfg), "-v", "-v"],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert res.returncode in (0, 1), res.stderr[-2000:]
        asked: dict[str, int] = {}
        for line in res.stderr.splitlines():  # every request banbot sent, as its debug log shows it
            if "api: " in line and "'list': 'users'" in line and "Banned User 00000" in line:
                wiki = line.split("api: ", 1)[1].split()[0]
                asked[wiki] = asked.get(wiki, 0) + 1
        # the name check asks metawiki (the list wiki); the state read asks the other two, and takes metawiki's
        # answer from the name check
        assert asked == {"metawiki": 1, "wiki0001": 1, "wiki0002": 1}, asked
    finally:
        proc.kill()
        proc.wait()


class _Client:
    dbname = "enwiki"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def call(self, params: dict[str, Any], *, write: bool = False) -> dict[str, Any]:
        self.sent.append(params)
        return {"query": {"users": [{"name": n, "groupmemberships": [{"group": "sysop"}]}
                                    for n in params["ususers"].split("|")]}}


def test_a_shared_answer_is_used_once_and_never_after_a_write(monkeypatch: pytest.MonkeyPatch) -> None:
    c = _Client()
    users.share_rows(c, [{"name": "A", "groupmemberships": [{"group": "rollbacker"}]}, {"name": "B", "missing": True}])
    got = users.local_accounts(c, ["A", "B", "C"])  # type: ignore[arg-type]
    assert got["A"].groups == ("rollbacker",) and "B" not in got and got["C"].groups == ("sysop",)
    assert [p["ususers"] for p in c.sent] == ["C"]
    assert users.local_accounts(c, ["A"])["A"].groups == ("sysop",)  # type: ignore[arg-type]  # used once
    users.share_rows(c, [{"name": "A", "groupmemberships": [{"group": "rollbacker"}]}])
    monkeypatch.setattr(client_module, "write_epoch", client_module.write_epoch + 1)  # a write, on any wiki
    assert users.local_accounts(c, ["A"])["A"].groups == ("sysop",)  # type: ignore[arg-type]
    assert [p["ususers"] for p in c.sent] == ["C", "A", "A"]


@pytest.mark.parametrize(("params", "public"), [
    ({"action": "query", "list": "users", "ususers": "A|B", "usprop": "groupmemberships|blockinfo"}, True),
    ({"action": "query", "titles": "User:A", "list": "users", "ususers": "A"}, True),
    ({"action": "query", "prop": "revisions|info", "titles": "User talk:A", "rvprop": "content|ids|timestamp",
      "rvslots": "main", "inprop": "protection", "curtimestamp": 1}, True),
    ({"action": "query", "prop": "revisions", "titles": "User talk:A"}, False),  # default rvprop names the editor
    ({"action": "query", "prop": "revisions|info", "titles": "P", "rvprop": "ids|user|content"}, False),
    ({"action": "query", "prop": "revisions", "revids": "5", "rvprop": "content"}, False),  # may be hidden
    ({"action": "query", "prop": "info", "titles": "P", "intestactions": "edit"}, False),  # who may edit
    ({"action": "query", "meta": "userinfo", "uiprop": "rights"}, False),
    ({"action": "query", "meta": "globaluserinfo", "guiuser": "A"}, False),  # hidden accounts
    ({"action": "query", "list": "globalusers", "gususers": "A"}, False),
    ({"action": "query", "list": "logevents", "letype": "block"}, False),
    ({"action": "edit", "title": "P", "text": "x"}, False),
])
def test_only_reads_of_public_data_go_without_the_session(params: dict[str, Any], public: bool) -> None:
    assert open_read(params) is public


# --- the siteinfo cache ---------------------------------------------------------------------------------------
def test_the_siteinfo_cache_is_written_once_a_while_not_once_a_wiki(tmp_path: Path) -> None:
    """A cold run over a thousand wikis once rewrote the whole file for each wiki it learnt: quadratic, and
    nearly all of a 10,000-account plan's CPU (issue 20)."""
    from banbot.wiki.client import SITEINFO_PROPS, SiteinfoCache

    now = [0.0]
    path = tmp_path / "siteinfo-cache.json"
    cache = SiteinfoCache(path, clock=lambda: now[0])
    entry = {p: {"wikiid": "w"} if p == "general" else [] for p in SITEINFO_PROPS}
    for i in range(1000):
        now[0] += 0.2  # 200 s of a run learning a wiki every 0.2 s
        cache.put(f"http://h/w{i}/api.php", entry)
    assert cache.writes <= 1 + 200 / SiteinfoCache.WRITE_EVERY_S + 1, cache.writes
    cache.flush()  # the process ends
    cache.flush()  # nothing new: no write
    assert len(json.loads(path.read_text())) == 1000
    assert SiteinfoCache(path).get("http://h/w999/api.php") == entry
    assert cache.writes <= 9


def test_the_siteinfo_cache_is_written_when_the_process_ends(tmp_path: Path) -> None:
    driver = textwrap.dedent('''
        import sys
        from pathlib import Path
        from banbot.wiki.client import SITEINFO_PROPS, SiteinfoCache
        cache = SiteinfoCache.shared(Path(sys.argv[1]))
        assert SiteinfoCache.shared(Path(sys.argv[1])) is cache  # one a file in a process
        entry = {p: {"wikiid": "w"} if p == "general" else [] for p in SITEINFO_PROPS}
        for i in range(3):
            cache.put(f"http://h/w{i}/api.php", entry)
    ''')
    path = tmp_path / "siteinfo-cache.json"
    res = subprocess.run([sys.executable, "-c", driver, str(path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert len(json.loads(path.read_text())) == 3


LAPSE = textwrap.dedent('''
    import json, sys, urllib.request
    from banbot.config import load_config
    from banbot.wiki.session import keep_sessions, open_farm

    def sim(path, post=False):
        req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[2]}/_sim/{path}", method="POST" if post else "GET",
                                     data=b"" if post else None)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    keep_sessions()
    cfg = load_config(sys.argv[1])
    ask = {"action": "query", "meta": "globaluserinfo", "guiuser": "Banned User 00001"}
    open_farm(cfg, login=True).central.call(ask)
    import glob, os
    from pywikibot.comms import http
    http.cookie_jar.clear()  # the wiki forgot the session meanwhile (expired, or logged out): no cookie left
    for f in glob.glob(os.path.join(str(cfg.pywikibot_dir), "*.lwp")):
        os.remove(f)
    sim("reset", post=True)
    central = open_farm(cfg, login=True).central
    data = central.call(ask)
    print(json.dumps({"rights": sorted(central.session_rights()), "answer": data["query"]["globaluserinfo"],
                      **sim("counters")}))
''')


def test_a_kept_session_that_lapsed_is_set_up_again_not_used_as_anyone(sim: Sim) -> None:
    res = subprocess.run([sys.executable, "-c", LAPSE, str(sim.tmp / "banbot.toml"), str(sim.port)],
                         capture_output=True, text=True, timeout=120, cwd=sim.tmp)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["wikis_logged_in"] == ["metawiki"], out  # logged in again
    assert "centralauth-lock" in out["rights"], out  # the rights are the bot's, not an anonymous reader's
    assert out["answer"]["name"] == "Banned User 00001"
    mods = _modules(out)
    # the query that found the session gone, and the same query again once logged in: never an answer to anyone
    assert sum(v for k, v in mods.items() if "globaluserinfo" in k.split("+")) == 2, mods


# --- CPU: what a 10,000-entry plan did 10,000 times ------------------------------------------------------------
def test_tracing_every_entry_frames_each_revision_text_once() -> None:
    from banbot import provenance

    rows = [f"* [[User:Banned {i}]]" for i in range(200)]
    history = [provenance.Version(2, 1, "Admin", text="\n".join(rows)), provenance.Version(1, 0, "Admin", text="")]
    provenance.lines_of.cache_clear()
    for row in rows:
        assert provenance.trace(row.split(":")[1], row, history, complete=True).chain[0].user == "Admin"
    # each row framed once, the two revision texts once each: not 200 times each
    assert provenance.lines_of.cache_info().misses <= len(rows) + 2


class _Site:
    """Enough of a pywikibot site to build a client; the tests replace what would send."""


def _client(readonly: bool, monkeypatch: pytest.MonkeyPatch, private: bool = False) -> tuple[Any, list[bool]]:
    from banbot.errors import WikiError
    from banbot.wiki.client import WikiClient

    client = WikiClient("somewiki", _Site(), login=True, readonly=readonly)
    sent: list[bool] = []

    def send(params: Any, write: bool, anonymous: bool) -> dict[str, Any]:
        sent.append(anonymous)
        if anonymous and private:
            raise WikiError.from_code("readapidenied", "You need read permission to use this module.",
                                      wiki="somewiki")
        return {"query": {}}

    monkeypatch.setattr(client, "_call", send)
    return client, sent


TALK = {"action": "query", "prop": "revisions|info", "titles": "User talk:A", "rvprop": "content|ids|timestamp"}


def test_a_read_only_client_reads_public_data_without_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    client, sent = _client(True, monkeypatch)
    client.call(TALK)
    client.call({"action": "query", "meta": "globaluserinfo", "guiuser": "A"})  # needs the bot's rights
    assert sent == [True, False]


def test_a_client_that_may_write_reads_with_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    client, sent = _client(False, monkeypatch)
    client.call(TALK)  # the write that follows needs the session: who we are and the tokens ride along
    assert sent == [False]


def test_a_private_wiki_is_asked_again_with_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    client, sent = _client(True, monkeypatch, private=True)
    assert client.call(TALK) == {"query": {}}
    assert sent == [True, False]
