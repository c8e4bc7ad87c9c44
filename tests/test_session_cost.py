"""What opening a wiki costs, counted by the server: every HTTP request that reaches it, pywikibot's included.

scripts/simfarm.py (a simulated CentralAuth farm on 127.0.0.1, standard library only) counts each request it
receives by wiki and module. Each step below is a fresh banbot process, as cron starts one, sharing one state
folder (pywikibot's cookies, banbot's siteinfo cache) with the steps before it (issue 13).
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

ROOT = Path(__file__).resolve().parent.parent
SESSION = ("query+siteinfo+tokens+userinfo", "query+tokens+userinfo", "login", "query+siteinfo+userinfo",
           "query+tokens", "query+siteinfo")

DRIVER = textwrap.dedent('''
    import json, sys
    from banbot.config import load_config
    from banbot.errors import ConfigError
    from banbot.wiki.session import open_farm
    step = sys.argv[2]
    cfg = load_config(sys.argv[1])
    farm = open_farm(cfg, login=step != "bans")
    out = {}
    list_read = {"action": "query", "prop": "revisions|info", "titles": "Global bans/List", "rvprop": "ids|user",
                 "rvslots": "main"}
    try:
        if step == "open":
            pass
        elif step == "bans":  # what `banbot bans` and an unchanged steady state need: the list's revision
            data = farm["metawiki"].call(list_read, public=True)
            out["title"] = data["query"]["pages"][0]["title"]
        elif step == "notice":  # a notice on a wiki opened for the first time: read the talk page, edit it
            w = farm["wiki0001"]
            w.call({"action": "query", "prop": "info", "titles": "User talk:Someone"})
            for kind in ("csrf", "csrf", "userrights"):
                w.token(kind)
            w.call({"action": "edit", "title": "User talk:Someone", "text": "hi", "token": w.token("csrf")},
                   write=True)
            out["lang"] = w.siteinfo()["lang"]
        elif step == "wrongwiki":
            farm["wiki0002"].call(list_read, public=True)
    except ConfigError as e:
        out["error"] = str(e)
    print(json.dumps(out))
''')


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

    def step(self, name: str, cfg: str = "banbot.toml") -> tuple[dict[str, Any], dict[str, int]]:
        """Run one step in a fresh process; its output and every request the farm received, by module."""
        self.counters(reset=True)
        res = subprocess.run([sys.executable, "-c", DRIVER, str(self.tmp / cfg), name], capture_output=True,
                             text=True, timeout=120, cwd=self.tmp)
        assert res.returncode == 0, res.stderr[-2000:]
        return json.loads(res.stdout.strip().splitlines()[-1]), dict(self.counters()["modules"])


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "simfarm.py"), "--port", str(port), "--wikis",
                             "3", "--accounts", "10"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        sys.path.insert(0, str(ROOT / "scripts"))
        bench: dict[str, Any] = {"__file__": str(ROOT / "scripts" / "bench"), "__name__": "bench"}
        exec(compile((ROOT / "scripts" / "bench").read_text(), "bench", "exec"), bench)
        bench["sim_config"](tmp_path, port, ["metawiki", "wiki0001", "wiki0002"], True)
        wrong = (tmp_path / "banbot.toml").read_text().replace("/wiki0002/api.php", "/wiki0001/api.php")
        (tmp_path / "wrong.toml").write_text(wrong)
        yield Sim(port, tmp_path)
    finally:
        proc.kill()
        proc.wait()


def _total(modules: dict[str, int]) -> int:
    return sum(modules.values())


def _session(modules: dict[str, int]) -> int:
    return sum(v for k, v in modules.items() if k.split(":", 1)[1] in SESSION)


def test_opening_a_farm_sends_nothing(sim: Sim) -> None:
    out, modules = sim.step("open")
    assert out == {} and modules == {}


def test_a_public_read_costs_one_request_once_siteinfo_is_cached(sim: Sim) -> None:
    out, first = sim.step("bans")  # nothing cached yet: siteinfo, then the read
    assert out["title"] == "Global bans/List"
    assert first == {"session:query+siteinfo+userinfo": 1, "work:query+info+revisions+userinfo": 1}
    assert (sim.tmp / "siteinfo-cache.json").exists()
    out, later = sim.step("bans")  # the next run: the read alone, the wikiid and version riding along
    assert out["title"] == "Global bans/List"
    assert later == {"work:query+info+revisions+siteinfo+userinfo": 1}, later
    assert _total(later) == 1


def test_a_wiki_opened_costs_two_session_requests_then_one(sim: Sim) -> None:
    out, cold = sim.step("notice")  # no cookies, no siteinfo: who are we + login token + siteinfo, then login;
    assert out["lang"] == "en"  # who we are now and the tokens ride along with the talk page read
    assert _session(cold) == 2, cold
    assert cold["session:login"] == 1
    assert cold["work:query+info+tokens+userinfo"] == 1, cold
    assert cold["work:edit"] == 1 and _total(cold) - _session(cold) == 2, cold  # the read and the edit: no more
    out, warm = sim.step("notice")  # live cookies, cached siteinfo: one request says who we are, with tokens
    assert _session(warm) == 1, warm
    assert "session:login" not in warm
    assert _total(warm) == 3, warm


def test_a_new_version_drops_the_cached_siteinfo(sim: Sim) -> None:
    sim.step("bans")
    cache = sim.tmp / "siteinfo-cache.json"
    data = json.loads(cache.read_text())
    api = next(iter(data))
    data[api]["general"]["generator"] = "MediaWiki 1.38.0"
    cache.write_text(json.dumps(data))
    _, modules = sim.step("bans")
    assert modules == {"work:query+info+revisions+siteinfo+userinfo": 1, "session:query+siteinfo+userinfo": 1}
    assert json.loads(cache.read_text())[api]["general"]["generator"] != "MediaWiki 1.38.0"


def test_the_wrong_wiki_is_refused_before_its_answer_is_used(sim: Sim) -> None:
    out, _ = sim.step("wrongwiki", "wrong.toml")
    assert out["error"].startswith("wikis.wiki0002.api") and "'wiki0001'" in out["error"]
    out, modules = sim.step("wrongwiki", "wrong.toml")  # and again when its siteinfo is cached
    assert out["error"].startswith("wikis.wiki0002.api") and "'wiki0001'" in out["error"]
