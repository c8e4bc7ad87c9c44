#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for banbot's fault tests — it sits between banbot and the real farm wikis.

For each ``--map LISTEN_PORT=UPSTREAM_URL`` it listens on 127.0.0.1:LISTEN_PORT and forwards to the upstream
wiki, except that a seeded share (``--rate``) of API requests meets a fault instead, in the shapes MediaWiki
and its web servers produce (error bodies as in tests/fixtures/api and MediaWiki's ApiMain):

* ``maxlag``      — ``{"error": {"code": "maxlag", …, "lag": 7}}`` with ``Retry-After: 1``, HTTP 200;
* ``ratelimited`` — ``{"error": {"code": "ratelimited", …}}``;
* ``readonly``    — ``{"error": {"code": "readonly", …, "readonlyreason": …}}``;
* ``http502`` / ``http503`` — an HTML error page with that status, as a proxy in front of MediaWiki sends;
* ``reset``       — the connection is closed before anything is forwarded;
* ``lost``        — the request IS forwarded (a write happens) and the response is thrown away: the
                    connection is closed, so the client cannot know whether it worked;
* ``badtoken``    — (writes only) ``{"error": {"code": "badtoken", …}}``.

Login requests are never faulted (a failed login is not a transient API fault). Counters of what was
injected are at GET /_faults. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from http_service import QuietHandler

KINDS = ("maxlag", "ratelimited", "readonly", "http502", "http503", "reset", "lost", "badtoken")
BODIES: dict[str, dict[str, Any]] = {
    "maxlag": {"error": {"code": "maxlag", "info": "Waiting for 127.0.0.1: 7 seconds lagged.", "host": "127.0.0.1",
                         "lag": 7, "type": "db"}},
    "ratelimited": {"error": {"code": "ratelimited", "info": "As an anti-abuse measure, you are limited from "
                                                             "performing this action too many times in a short space "
                                                             "of time, and you have exceeded this limit. Please try "
                                                             "again in a few minutes."}},
    "readonly": {"error": {"code": "readonly", "info": "The wiki is currently in read-only mode.",
                           "readonlyreason": "Waiting for 1 lagged database(s)"}},
    "badtoken": {"error": {"code": "badtoken", "info": "Invalid CSRF token."}},
}


class Faults:
    def __init__(self, rate: float, seed: int, kinds: tuple[str, ...]) -> None:
        self.rate = rate
        self.random = random.Random(seed)
        self.kinds = kinds
        self.lock = threading.Lock()
        self.injected: dict[str, int] = {}
        self.forwarded = 0

    def draw(self, is_write: bool) -> str | None:
        with self.lock:
            if self.random.random() >= self.rate:
                self.forwarded += 1
                return None
            kinds = [k for k in self.kinds if is_write or k != "badtoken"]
            kind = self.random.choice(kinds)
            self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind


def handler_for(upstream: str, faults: Faults) -> type[BaseHTTPRequestHandler]:
    up = urllib.parse.urlsplit(upstream)

    class Handler(QuietHandler):
        def _send(self, status: int, body: bytes, headers: list[tuple[str, str]], ctype: str = "") -> None:
            has_type = any(k.lower() == "content-type" for k, _ in headers)
            self.send_raw(status, body, headers, ctype or ("" if has_type else "application/json; charset=utf-8"))

        def _forward(self, method: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length",
                                                                                   "connection")}
            try:
                conn.request(method, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.getheaders(), resp.read()
            finally:
                conn.close()

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)

        def handle_request(self, method: str, body: bytes) -> None:
            if self.path.startswith("/_faults"):
                data = json.dumps({"injected": faults.injected, "forwarded": faults.forwarded}).encode()
                return self._send(200, data, [], "application/json")
            params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            if method == "POST" and "multipart" not in self.headers.get("Content-Type", ""):
                params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            is_api = self.path.split("?")[0].endswith("api.php")
            login = params.get("action") in ("login", "clientlogin") or params.get("type") == "login"
            kind = faults.draw("token" in params) if is_api and not login else None
            if kind is None:
                status, headers, raw = self._forward(method, body)
                return self._send(status, raw, headers)
            if kind == "reset":
                return self._drop()
            if kind == "lost":
                self._forward(method, body)
                return self._drop()
            if kind in ("http502", "http503"):
                code = int(kind[4:])
                page = f"<html><body><h1>{code}</h1>upstream trouble</body></html>".encode()
                return self._send(code, page, [("Retry-After", "1")], "text/html")
            extra = [("MediaWiki-API-Error", kind)] + ([("Retry-After", "1")] if kind == "maxlag" else [])
            return self._send(200, json.dumps(BODIES[kind]).encode(), extra)

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--map", action="append", required=True, help="LISTEN_PORT=UPSTREAM_API_URL")
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()
    faults = Faults(args.rate, args.seed, tuple(args.kinds.split(",")))
    servers = []
    for spec in args.map:
        port, upstream = spec.split("=", 1)
        server = ThreadingHTTPServer(("127.0.0.1", int(port)), handler_for(upstream, faults))
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
