"""What pywikibot raises never reaches an operator as a traceback (issue 17).

A wiki that answers ``ratelimited`` makes pywikibot read the rate limits from the session's userinfo; a
session read without them made it raise ``KeyError: 'ratelimits'`` mid-run. Here a logged-in session meets
``ratelimited`` on many of its requests (the fault proxy in front of the simulated farm, which answers
userinfo's optional props only when asked, as MediaWiki does), and anything else pywikibot might raise is one
WikiError of that request.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from banbot.errors import WikiError
from banbot.exits import Exit
from banbot.wiki.client import WikiClient
from test_session_cost import _free_port

ROOT = Path(__file__).resolve().parent.parent

DRIVER = textwrap.dedent('''
    import sys
    from banbot.config import load_config
    from banbot.wiki.session import open_farm
    farm = open_farm(load_config(sys.argv[1]), login=True)
    meta = farm["metawiki"]
    for i in range(3):  # reads that need the bot's session, and writes
        meta.call({"action": "query", "list": "users", "ususers": f"Sim User {i}"})
        meta.call({"action": "edit", "title": f"User talk:Sim User {i}", "text": "hello", "token": meta.token("csrf")},
                  write=True)
    print("ok")
''')


@pytest.fixture
def ratelimited_farm(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """The simulated farm behind a fault proxy that answers ``ratelimited`` to a quarter of API requests."""
    sim_port, proxy_port = _free_port(), _free_port()
    procs = [subprocess.Popen([sys.executable, str(ROOT / "scripts" / "simfarm.py"), "--port", str(sim_port),
                               "--wikis", "2", "--accounts", "20"], stdout=subprocess.PIPE, text=True),
             subprocess.Popen([sys.executable, str(ROOT / "devfarm" / "doubles" / "fault_proxy.py"), "--rate", "0.25",
                               "--seed", "3", "--kinds", "ratelimited", "--map",
                               f"{proxy_port}=http://127.0.0.1:{sim_port}/api.php"],
                              stdout=subprocess.PIPE, text=True)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        bench: dict[str, Any] = {"__file__": str(ROOT / "scripts" / "bench"), "__name__": "bench"}
        exec(compile((ROOT / "scripts" / "bench").read_text(), "bench", "exec"), bench)
        cfg = bench["sim_config"](tmp_path, proxy_port, ["metawiki"], False)
        with (tmp_path / "pywikibot" / "user-config.py").open("a") as f:
            f.write("retry_wait = 1\nretry_max = 1\n")  # a test waits no longer than it must
        yield cfg, proxy_port
    finally:
        for p in procs:
            p.kill()
            p.wait()


def test_a_ratelimited_answer_is_retried_not_a_keyerror(ratelimited_farm: tuple[Path, int]) -> None:
    cfg, proxy = ratelimited_farm
    res = subprocess.run([sys.executable, "-c", DRIVER, str(cfg)], capture_output=True, text=True, timeout=120,
                         cwd=cfg.parent)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-3000:]
    with urllib.request.urlopen(f"http://127.0.0.1:{proxy}/_faults", timeout=10) as r:
        assert json.loads(r.read())["injected"].get("ratelimited", 0) >= 2  # the path was really taken


class _Exploding:
    """A pywikibot site whose request machinery raises what pywikibot raised in issue 17."""

    use_get = True

    def simple_request(self, **params: Any) -> _Exploding:
        return self

    def submit(self) -> dict[str, Any]:
        raise KeyError("ratelimits")


def test_anything_pywikibot_raises_is_a_wiki_error_of_that_request() -> None:
    client = WikiClient("metawiki", _Exploding())
    with pytest.raises(WikiError) as raised:
        client.call({"action": "query", "list": "users", "ususers": "Someone"}, public=True)
    e = raised.value
    assert e.code == "pywikibot-error" and e.wiki == "metawiki" and "KeyError: 'ratelimits'" in e.info
    assert e.exit_code == Exit.ERROR and not e.transient  # the executor records the action failed, and goes on
