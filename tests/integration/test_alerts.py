"""Alerts on the real farm: a vandal's edit holds `banbot run` back → one line on the alert page and one mail,
sent by the farm's MediaWiki (action=emailuser) through a real SMTP server this test runs on 127.0.0.1; the
next ten runs repeat neither; the admin's revert → one "resolved" line and one more mail."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FARM_DIR, FarmHandle

from integration.conftest import Watch, banbot
from integration.test_trust import AC, listed, make, start, vandal_session

pytestmark = pytest.mark.integration

BOT_MAIL = "banbot@alerts.test"


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(farm: FarmHandle) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1, and the farm's MediaWiki sending through it (smtp.php, which the
    farm's CommonSettings.php includes when it exists); BanBot gets a confirmed address (a sender needs one)."""
    from aiosmtpd.controller import Controller

    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings = FARM_DIR / "smtp.php"
    settings.write_text(f"<?php\n$wgSMTP = [ 'host' => '127.0.0.1', 'port' => {port}, 'IDHost' => 'alerts.test', "
                        f"'localhost' => 'localhost', 'auth' => false ];\n$wgPasswordSender = '{BOT_MAIL}';\n")
    farm.make_users("metawiki", [{"name": "BanBot", "email": BOT_MAIL}])
    try:
        yield box
    finally:
        settings.unlink(missing_ok=True)
        controller.stop()


def alert_lines(farm: FarmHandle, title: str) -> list[str]:
    return [ln for ln in (farm.text("metawiki", title) or "").splitlines() if ln.startswith("* ")]


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_a_held_vandal_edit_alerts_once_on_the_page_and_by_mail_and_resolves_once_after_the_revert(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, inbox: Inbox, mode: str) -> None:
    legit, innocent, op = f"{uniq} Legit", f"{uniq} Innocent", f"{uniq} Operator"
    op_mail = f"operator-{uniq.lower()}@alerts.test"
    make(farm, [legit, innocent], ["rollbacker"])
    farm.make_users("metawiki", [{"name": op, "email": op_mail, "groups": []}])
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    alerts_page = f"User:BanBot/Alerts/{uniq}"
    cfg, page = start(farm, configure, uniq, mode,
                      AC + f'\n[alerts]\npage = "{alerts_page}"\nemail = ["{op}"]\n')
    code, out, err = banbot("check", "--config", cfg, "--format", "json")  # the alert page and addresses
    rows = {(c["check"], c["target"]): c["ok"] for c in out["checks"] if c["check"].startswith("alert-")}
    assert rows == {("alert-page", f"metawiki:{alerts_page}"): True, ("alert-email", f"metawiki:User:{op}"): True,
                    ("alert-email", "metawiki:User:BanBot"): True}, (rows, err)
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    farm.edit_as(session, "metawiki", page, listed([legit, innocent]))

    code, _, err = banbot("run", "--config", cfg)
    assert code == 3, err
    [line] = alert_lines(farm, alerts_page)
    assert " alert [" in line and "[editor]" in line and f"by {vandal}" in line and f"added {innocent}" in line
    [mail] = inbox.to(op_mail)
    body = mail.get_content()
    assert "[editor]" in body and f"by {vandal}" in body and mail["Subject"].startswith("banbot: ")

    for _ in range(10):  # the same hold, ten more times: nothing new on the page, no more mail
        code, _, err = banbot("run", "--config", cfg)
        assert code == 3, err
    assert len(alert_lines(farm, alerts_page)) == 1 and len(inbox.to(op_mail)) == 1

    farm.edit("metawiki", page, listed([legit]))  # the admin takes the vandal's row out
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0, err
    lines = alert_lines(farm, alerts_page)
    assert len(lines) == 2 and " resolved [" in lines[1] and lines[0].split("[")[1][:8] == lines[1].split("[")[1][:8]
    assert len(inbox.to(op_mail)) == 2 and "resolved" in inbox.to(op_mail)[1].get_content()
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0 and len(alert_lines(farm, alerts_page)) == 2 and len(inbox.to(op_mail)) == 2
    print("\n".join(["alert page:", *lines, "mail:", str(inbox.to(op_mail)[0])]))


def own_pywikibot(farm: FarmHandle, config: Path, tmp: Path) -> Path:
    """The config's own copy of the farm's pywikibot folder (its password file and saved cookies)."""
    src = Path(farm.info["pywikibot_dir"])
    pwb = tmp / "own-pywikibot"
    pwb.mkdir(exist_ok=True)
    for name in ("user-config.py", "user-password.py"):
        (pwb / name).write_text((src / name).read_text())
        (pwb / name).chmod(0o600)
    config.write_text(config.read_text().replace(f'pywikibot_dir = "{src}"', f'pywikibot_dir = "{pwb}"'))
    return pwb / "user-password.py"


def an_hour_passes(cfg: str) -> None:
    """The journal's memory of the last login check, moved an hour back (what an hour of cron runs sees)."""
    import sqlite3
    import time

    with sqlite3.connect(Path(cfg).with_name("journal.sqlite")) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'alerts:login-checked'", (repr(time.time() - 3601),))


def test_a_dead_password_on_an_unchanged_list_alerts_within_the_hour_and_resolves_when_fixed(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, tmp_path: Path) -> None:
    alerts_page = f"User:BanBot/Alerts/{uniq}"
    page = f"Bans/{uniq}"
    config = configure("plain", page, f'[alerts]\npage = "{alerts_page}"\nunusable_after_minutes = 0\n')
    password = own_pywikibot(farm, config, tmp_path)
    from integration.conftest import baseline

    baseline(farm, config, page)  # the first run: the login is checked and works
    cfg = str(config)
    code, _, err = banbot("run", "--config", cfg)
    assert code == 0 and alert_lines(farm, alerts_page) == [], err
    good = password.read_text()
    password.write_text("('BanBot', BotPassword('farm', 'not-the-password-at-all-0123456789'))\n")
    code, out, err = banbot("run", "--config", cfg)  # within the hour: no extra request, nothing known yet
    assert code == 0 and "unchanged" in out and alert_lines(farm, alerts_page) == [], err
    an_hour_passes(cfg)
    code, out, err = banbot("run", "--config", cfg)  # still the one list read, and the hourly login check
    assert code == 0 and "unchanged" in out, err
    lines = alert_lines(farm, alerts_page)  # posted with the saved session, which still works
    assert len(lines) == 3 and all("password for" in ln and "refused or missing" in ln for ln in lines), lines
    assert all("user-password.py" not in ln and "not-the-password" not in ln for ln in lines)
    for _ in range(3):
        assert banbot("run", "--config", cfg)[0] == 0
    an_hour_passes(cfg)
    assert banbot("run", "--config", cfg)[0] == 0  # checked again, still dead: no repeat
    assert len(alert_lines(farm, alerts_page)) == 3
    password.write_text(good)
    an_hour_passes(cfg)
    assert banbot("run", "--config", cfg)[0] == 0
    lines = alert_lines(farm, alerts_page)
    assert len(lines) == 6 and all(" resolved [" in ln for ln in lines[3:]), lines
    print("\n".join(["alert page:", *lines]))


def test_watch_alerts_a_held_vandal_edit_once_over_its_polls_and_resolves_it_after_the_revert(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, inbox: Inbox) -> None:
    import time

    legit, innocent, op = f"{uniq} Legit", f"{uniq} Innocent", f"{uniq} Operator"
    op_mail = f"operator-{uniq.lower()}@alerts.test"
    make(farm, [legit, innocent], ["rollbacker"])
    farm.make_users("metawiki", [{"name": op, "email": op_mail, "groups": []}])
    session = vandal_session(farm, f"{uniq} Vandal")
    alerts_page = f"User:BanBot/Alerts/{uniq}"
    cfg, page = start(farm, configure, uniq, "plain",
                      AC + f'\n[alerts]\npage = "{alerts_page}"\nemail = ["{op}"]\n')
    farm.edit("metawiki", page, listed([legit]))
    farm.protect("metawiki", page, level="autoconfirmed")
    # polls every quarter second: the dozen polls below take 3 s instead of 12 (what a poll does is the same)
    watch = Watch(cfg, "--poll", "0.25")

    def wait_for(lines: int) -> list[str]:
        t0 = time.monotonic()
        while len(alert_lines(farm, alerts_page)) < lines and time.monotonic() - t0 < 60 \
                and watch.proc.poll() is None:
            time.sleep(0.5)
        return alert_lines(farm, alerts_page)

    try:
        watch.passed()  # the first pass enforces the legit entry (waited for, not slept: 8 s before)
        farm.edit_as(session, "metawiki", page, listed([legit, innocent]))
        assert len(wait_for(1)) == 1
        time.sleep(3)  # a dozen polls: the hold is not alerted again
        assert len(alert_lines(farm, alerts_page)) == 1 and len(inbox.to(op_mail)) == 1
        revert = farm.edit("metawiki", page, listed([legit]))
        lines = wait_for(2)
        assert len(lines) == 2 and " resolved [" in lines[1], lines
        watch.passed(revert)  # the pass that resolved it is over: its mails are sent before its summary line
        assert len(inbox.to(op_mail)) == 2
    finally:
        out = watch.stop()
    assert "Traceback" not in out and "polls" in out, out
