"""When a reviewed apply takes the plan file's sealed reads as its starting point (banbot.app.App._by_change),
with the log read and the account read faked: the farm tests (tests/integration/test_apply_reviewed.py) do both
for real. Anything that cannot be trusted or proven current returns None: every account is read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from banbot.app import App
from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import parse_config
from banbot.drift import Unprovable
from banbot.sealed import load_key, seal
from banbot.state import AccountState, LocalAccount

NAMES = ["Mallory", "Eve", "Trent"]


class Client:
    dbname = "metawiki"

    def username(self) -> str:
        return "BanBot"


class Farm:
    def __init__(self) -> None:
        self.central = Client()
        self.clients = {"metawiki": self.central}


def stamp(ago_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - ago_s))


def app(tmp_path: Path) -> App:
    wikis = {db: {"api": f"http://127.0.0.1:1/{db}/api.php"} for db in ("metawiki", "enwiki")}
    cfg = parse_config({"list": {"page": "Bans", "wiki": "metawiki"}, "farm": {"mode": "centralauth",
                        "central": "metawiki"}, "wikis": wikis, "journal": {"path": str(tmp_path / "j.sqlite")}})
    return App(cfg, Farm(), None)  # type: ignore[arg-type]


def bans() -> BanList:
    return BanList(ListSource("wiki", "metawiki", "Bans", 5), None,
                   tuple(BanEntry(n, None, False, i, f"* [[User:{n}]]") for i, n in enumerate(NAMES)), ())


def recorded(name: str) -> AccountState:
    return AccountState(name, True, locked=False, local=(LocalAccount("enwiki", ("sysop",), url="http://en"),))


def sealed(a: App, ago_s: float, names: list[str] = NAMES) -> dict[str, Any]:
    key = load_key(a.config.journal, create=True)
    assert key is not None
    return seal({n: recorded(n) for n in names}, stamp(ago_s), a._seal_basis(bans()), key)


def fake(monkeypatch: pytest.MonkeyPatch, a: App, logged: list[str] | Exception) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def read_logs(since: str, listed: list[str], wikis: dict[str, str], detail: int = 0) -> tuple[list[str], int, int]:
        seen.update(since=since, listed=listed, wikis=wikis, detail=detail)
        if isinstance(logged, Exception):
            raise logged
        return logged, 2, 7

    def observe(names: list[str], s: Any = None) -> dict[str, AccountState]:
        seen["observed"] = list(names)
        return {n: AccountState(n, True, locked=True) for n in names}

    monkeypatch.setattr(a.reader, "logged", read_logs)
    monkeypatch.setattr(a, "observe", observe)
    return seen


def test_the_sealed_reads_are_brought_up_to_date_by_what_the_logs_name(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    a = app(tmp_path)
    seen = fake(monkeypatch, a, ["Eve"])
    doc = sealed(a, 3600)
    got = a._by_change(bans(), NAMES, None, doc)  # type: ignore[arg-type]
    assert got is not None and seen["observed"] == ["Eve"]
    assert got["Eve"].locked is True  # read afresh
    assert got["Mallory"] == recorded("Mallory") and got["Trent"] == recorded("Trent")  # as the file holds them
    assert seen["since"] == stamp(3600 + 15 * 60)  # from 15 minutes before the plan's reads began
    assert seen["wikis"] == {"enwiki": "http://en"} and seen["detail"] == 3  # 3 unlocked: read in detail anyway
    assert a.reader.full_at == doc["made_at"]  # every account was read then; the logs cover the time since


def test_an_account_the_file_does_not_hold_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = app(tmp_path)
    seen = fake(monkeypatch, a, [])
    got = a._by_change(bans(), NAMES, None, sealed(a, 60, ["Mallory", "Eve"]))  # type: ignore[arg-type]
    assert got is not None and seen["observed"] == ["Trent"] and set(got) == set(NAMES)


@pytest.mark.parametrize("ago_s", [24 * 3600 + 60, -10 * 60])  # verify_every_hours old, or ahead of this clock
def test_reads_too_old_or_dated_ahead_of_this_clock_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 ago_s: float) -> None:
    a = app(tmp_path)
    seen = fake(monkeypatch, a, [])
    assert a._by_change(bans(), NAMES, None, sealed(a, ago_s)) is None  # type: ignore[arg-type]
    assert "listed" not in seen and "observed" not in seen and a.reader.full_at is None


def test_reads_a_few_seconds_ahead_of_this_clock_are_still_its_own(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    a = app(tmp_path)
    fake(monkeypatch, a, [])
    assert a._by_change(bans(), NAMES, None, sealed(a, -30)) is not None  # type: ignore[arg-type]


def test_logs_that_cannot_prove_nothing_changed_mean_every_account_is_read(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    a = app(tmp_path)
    seen = fake(monkeypatch, a, Unprovable("a hidden entry"))
    assert a._by_change(bans(), NAMES, None, sealed(a, 60)) is None  # type: ignore[arg-type]
    assert "observed" not in seen and a.reader.full_at is None


def test_without_the_key_or_with_another_revisions_reads_every_account_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = app(tmp_path)
    seen = fake(monkeypatch, a, [])
    doc = sealed(a, 60)
    other = BanList(ListSource("wiki", "metawiki", "Bans", 6), None, bans().entries, ())
    assert a._by_change(other, NAMES, None, doc) is None  # type: ignore[arg-type]
    a.config.journal.with_name("j.sqlite.plan-key").unlink()
    assert a._by_change(bans(), NAMES, None, doc) is None  # type: ignore[arg-type]
    assert "listed" not in seen
