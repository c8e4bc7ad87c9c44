"""What an operator meets when the farm misbehaves: one line naming what is wrong, the right exit code, and
no traceback — on the terminal, in JSON logs, and as a JSON document on stdout."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

pytestmark = pytest.mark.integration


class _Bad(BaseHTTPRequestHandler):
    """An HTML page, an error page, or silence, where api.php should answer."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.startswith("/html/"):
            body = b"<!DOCTYPE html><html><body>Welcome to our wiki</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path.startswith("/e500/"):
            body = b"<html><body>Internal Server Error</body></html>"
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
        else:  # /hang/: accept, then say nothing
            time.sleep(40)
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def bad_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bad)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config_at(farm: FarmHandle, configure: Callable[..., Path], tmp_path: Path, api: str) -> Path:
    """The farm's plain config with the central wiki's API at ``api``, and pywikibot told to give up soon."""
    pwb = tmp_path / "pwb"
    shutil.copytree(farm.info["pywikibot_dir"], pwb)
    with (pwb / "user-config.py").open("a") as f:
        f.write("\nsocket_timeout = (2, 3)\nmax_retries = 1\nretry_wait = 1\nretry_max = 1\n")
    cfg = configure("plain", "Global bans/List")
    text = cfg.read_text().replace(farm.api("metawiki"), api)
    old = f"pywikibot_dir = {json.dumps(farm.info['pywikibot_dir'])}"
    text = text.replace(old, f"pywikibot_dir = {json.dumps(str(pwb))}")
    cfg.write_text(text)
    return cfg


def banbot(*args: str) -> tuple[int, str, str, float]:
    started = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "banbot", *args], capture_output=True, text=True, timeout=180,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return res.returncode, res.stdout, res.stderr, time.monotonic() - started


@pytest.mark.parametrize("where, words", [
    ("refused", "connection refused"),
    ("html", "not the API's JSON"),
    ("e500", "HTTP 500"),
    ("hang", "sent no answer"),
])
def test_a_farm_that_misbehaves_is_one_line_and_exit_5(farm: FarmHandle, configure: Callable[..., Path],
                                                       tmp_path: Path, bad_server: int, where: str,
                                                       words: str) -> None:
    port = free_port() if where == "refused" else bad_server
    api = f"http://127.0.0.1:{port}/{where}/api.php" if where != "refused" else f"http://127.0.0.1:{port}/api.php"
    cfg = str(config_at(farm, configure, tmp_path, api))
    # the terminal run and the JSON run are independent processes that mostly wait on the bad server: run side by
    # side (each timed on its own), a hang costs its wait once instead of twice
    with ThreadPoolExecutor(2) as pool:
        terminal = pool.submit(banbot, "plan", "--config", cfg)
        as_json = pool.submit(banbot, "plan", "--config", cfg, "--format", "json", "--log-format", "json", "-q")
        (code, out, err, took), (json_code, json_out, json_err, _) = terminal.result(), as_json.result()
    assert code == 5 and words in err, err
    assert "Traceback" not in err and len([ln for ln in err.splitlines() if ln.startswith("banbot: error")]) == 1
    # pywikibot gives up as config_at tells it (two tries of at most 2 + 3 s, a second apart) and banbot's one-line
    # diagnosis asks once more: about 15 s of waiting at most; the bound leaves a loaded machine eight times that
    assert took < 120
    code, out, err = json_code, json_out, json_err
    assert code == 5 and json.loads(out)["exit_code"] == 5 and words in json.loads(out)["error"]["message"]
    assert all(json.loads(line) for line in err.splitlines() if line.strip())  # JSON lines only on stderr


def test_pywikibot_files_that_are_wrong_are_one_line_naming_the_file(farm: FarmHandle,
                                                                     configure: Callable[..., Path],
                                                                     tmp_path: Path, uniq: str) -> None:
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, f"* [[User:{uniq} Someone]]")  # the list reads without a login; planning needs one
    cfg = configure("plain", page)
    base = Path(farm.info["pywikibot_dir"])
    cases = {
        "syntax": ("user-config.py", lambda d: (d / "user-config.py").write_text(
            (base / "user-config.py").read_text() + "\nthis is ( not python\n")),
        # without live session cookies, so that a login is needed
        "no-password-file": ("user-password.py", lambda d: [p.unlink() for p in [d / "user-password.py",
                                                                                 *d.glob("*.lwp")]]),
    }
    for name, (file, spoil) in cases.items():
        d = tmp_path / name
        shutil.copytree(base, d)
        spoil(d)
        c = tmp_path / f"{name}.toml"
        c.write_text(cfg.read_text().replace(f"pywikibot_dir = {json.dumps(str(base))}",
                                             f"pywikibot_dir = {json.dumps(str(d))}"))
        code, out, err, _ = banbot("plan", "--config", str(c))
        assert code == 2 and file in err and "Traceback" not in err, (name, err)
    c = tmp_path / "missing.toml"
    c.write_text(cfg.read_text().replace(f"pywikibot_dir = {json.dumps(str(base))}",
                                         f"pywikibot_dir = {json.dumps(str(tmp_path / 'nowhere'))}"))
    code, out, err, _ = banbot("plan", "--config", str(c))
    assert code == 2 and "does not exist" in err and "Traceback" not in err, err


def test_a_broken_pipe_ends_quietly(farm: FarmHandle, configure: Callable[..., Path], uniq: str) -> None:
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, "\n".join(f"* [[User:{uniq} N{i}]]" for i in range(400)))  # more than a pipe holds
    cfg = configure("plain", page)
    for args in ("bans --format json", "bans --format table", f"bans --page {uniq}-missing --format json"):
        res = subprocess.run(f"{sys.executable} -m banbot {args} --config {cfg} | head -c 10", shell=True,
                             capture_output=True, text=True, timeout=120)
        assert "Traceback" not in res.stderr and "BrokenPipe" not in res.stderr, (args, res.stderr)
