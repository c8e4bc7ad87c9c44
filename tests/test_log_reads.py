"""The log read (banbot.wiki.logs) against a fake client: one stream, continued, bounded, and public where it
may be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from banbot.drift import Unprovable
from banbot.errors import WikiError
from banbot.wiki.logs import entries_since


class Client:
    def __init__(self, pages: list[dict[str, Any]], private: bool = False) -> None:
        self.dbname = "enwiki"
        self.pages = pages
        self.private = private
        self.sent: list[tuple[dict[str, Any], bool]] = []

    def call(self, params: Mapping[str, Any], *, write: bool = False, public: bool = False) -> dict[str, Any]:
        self.sent.append((dict(params), public))
        if self.private and public:
            raise WikiError.from_code("readapidenied", "You need read permission", wiki=self.dbname)
        return self.pages[len([s for s in self.sent if not (self.private and s[1])]) - 1]


def page(*titles: str, more: str | None = None, rights: list[str] | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"logevents": [{"type": "block", "action": "block", "ns": 2, "title": t,
                                            "timestamp": "2026-12-02T08:00:00Z", "user": "Admin"} for t in titles]}
    if rights is not None:
        query["userinfo"] = {"rights": rights}
    return {"query": query} | ({"continue": {"lecontinue": more, "continue": "-||"}} if more else {})


def test_the_logs_are_one_stream_read_oldest_first_and_continued_to_the_end() -> None:
    c = Client([page("User:A", more="x|1"), page("User:B")])
    got, rights = entries_since(c, "2026-12-01T00:00:00Z", 5)  # type: ignore[arg-type]
    assert [e.title for e in got] == ["User:A", "User:B"] and rights is None
    first, again = c.sent[0][0], c.sent[1][0]
    assert first["lestart"] == "2026-12-01T00:00:00Z" and first["ledir"] == "newer" and first["lelimit"] == "max"
    assert "letype" not in first and again["lecontinue"] == "x|1"
    assert all(public for _, public in c.sent)  # logs are public: no session needed


def test_a_read_longer_than_its_bound_cannot_prove_anything() -> None:
    c = Client([page("User:A", more="x|1"), page("User:B", more="x|2")])
    with pytest.raises(Unprovable, match="more log entries"):
        entries_since(c, "2026-12-01T00:00:00Z", 2)  # type: ignore[arg-type]


def test_the_logins_rights_ride_along_with_the_first_request_logged_in() -> None:
    c = Client([page("User:A", more="x|1", rights=["suppressionlog"]), page()])
    got, rights = entries_since(c, "2026-12-01T00:00:00Z", 5, rights=True)  # type: ignore[arg-type]
    assert rights == ["suppressionlog"]
    assert c.sent[0][0]["meta"] == "userinfo" and "meta" not in c.sent[1][0]
    assert not any(public for _, public in c.sent)


def test_a_private_wiki_is_read_with_the_bots_session() -> None:
    c = Client([page("User:A", more="x|1"), page("User:B")], private=True)
    got, _ = entries_since(c, "2026-12-01T00:00:00Z", 5)  # type: ignore[arg-type]
    assert [e.title for e in got] == ["User:A", "User:B"]
    assert [public for _, public in c.sent] == [True, False, False]


def test_a_missing_right_the_read_needs_ends_it_after_the_first_request_before_any_paging() -> None:
    c = Client([page("User:A", more="x|1", rights=["read"]), page("User:B", more="x|2"), page()])
    with pytest.raises(Unprovable, match=r"the suppression log \(suppressionlog\)"):
        entries_since(c, "2026-12-01T00:00:00Z", 2,  # type: ignore[arg-type]
                      require=("suppressionlog", "the suppression log"))
    assert len(c.sent) == 1 and c.sent[0][0]["meta"] == "userinfo"
    c = Client([page("User:A", rights=["suppressionlog"])])
    got, rights = entries_since(c, "2026-12-01T00:00:00Z", 2,  # type: ignore[arg-type]
                                require=("suppressionlog", "the suppression log"))
    assert [e.title for e in got] == ["User:A"] and rights == ["suppressionlog"]
