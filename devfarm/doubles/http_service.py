"""Plumbing shared by banbot's stand-in HTTP services — the CentralAuth double, the fault proxy and the farm
simulator: HTTP/1.1 keep-alive without Nagle delays, no access log, and a response sent in one piece."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import Any

HOP_BY_HOP = ("content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive")


class QuietHandler(BaseHTTPRequestHandler):
    """Subclasses implement ``handle_request(method, body)``."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body leave in separate writes: without this, delayed ACKs cost ~40 ms a request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_raw(self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = (), ctype: str = "") -> None:
        """Send ``body``; ``headers`` (say, an upstream's) pass through but for hop-by-hop ones, and
        ``ctype`` replaces their Content-Type when given."""
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and not (ctype and k.lower() == "content-type"):
                self.send_header(k, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_request(self, method: str, body: bytes) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        self.handle_request("GET", b"")

    def do_POST(self) -> None:
        self.handle_request("POST", self.read_body())
