"""The wikis' logs since a time: ``list=logevents``, every type in one stream, oldest first, continued.

One stream rather than one per ``letype`` (the parameter takes one value): on a farm whose logs are quiet that
is one request a wiki instead of five to nine; the types that matter are picked out by :mod:`banbot.drift`.
Logs are public: read without establishing the bot's session first (on a wiki banbot only reads the logs of,
that saves the session request), except where the login's rights are asked along (the central wiki of a
CentralAuth farm, whose suppression log only a login with ``suppressionlog`` reads). An entry hidden from the
reader makes the pass a full one (:mod:`banbot.drift`). A read that would page further than ``max_pages``
stops with :class:`~banbot.drift.Unprovable`: past that, reading the accounts themselves costs no more and
proves more.
"""

from __future__ import annotations

from typing import Any

from banbot.drift import LogEntry, Unprovable
from banbot.errors import WikiError
from banbot.wiki.client import WikiClient, tolerant

PROPS = "type|title|timestamp|details|ids|user"


@tolerant
def entries_since(client: WikiClient, since: str, max_pages: int, *, rights: bool = False,
                  require: tuple[str, str] | None = None) -> tuple[list[LogEntry], list[str] | None]:
    """Every log entry on this wiki from ``since`` (ISO 8601) on that this login may see, and (``rights``)
    the login's rights, which ride along with the first request (``meta=userinfo``). ``require``: a right
    without which the read proves nothing, and why; its absence raises :class:`Unprovable` after the first
    request, before any paging."""
    rights = rights or require is not None
    params: dict[str, Any] = {"action": "query", "list": "logevents", "leprop": PROPS, "lestart": since,
                              "ledir": "newer", "lelimit": "max"}
    if rights:
        params |= {"meta": "userinfo", "uiprop": "rights"}
    out: list[LogEntry] = []
    held: list[str] | None = None
    private = False
    for _ in range(max_pages):
        try:
            data = client.call(params, public=not (rights or private))
        except WikiError as e:
            if e.code != "readapidenied" or rights or private:
                raise
            private = True  # a private wiki: its logs are read with the bot's session
            data = client.call(params)
        query = data["query"]
        if rights and "userinfo" in query:
            held = [str(r) for r in query["userinfo"].get("rights", [])]
            if require is not None and require[0] not in held:
                raise Unprovable(f"this login cannot read {require[1]} ({require[0]})")
        out += [LogEntry.from_api(client.dbname, row) for row in query["logevents"]]
        more = data.get("continue")
        if not isinstance(more, dict) or not more:
            return out, held
        params = {k: v for k, v in params.items() if k not in ("meta", "uiprop")}
        params |= {k: str(v) for k, v in more.items()}
    raise Unprovable(f"{client.dbname} has more log entries since {since} than {max_pages} requests read")

