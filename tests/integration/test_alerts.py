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

from integration.conftest import banbot
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


def test_a_held_vandal_edit_alerts_once_on_the_page_and_by_mail_and_resolves_once_after_the_revert(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, inbox: Inbox) -> None:
    legit, innocent, op = f"{uniq} Legit", f"{uniq} Innocent", f"{uniq} Operator"
    op_mail = f"operator-{uniq.lower()}@alerts.test"
    make(farm, [legit, innocent], ["rollbacker"])
    farm.make_users("metawiki", [{"name": op, "email": op_mail, "groups": []}])
    vandal = f"{uniq} Vandal"
    session = vandal_session(farm, vandal)
    alerts_page = f"User:BanBot/Alerts/{uniq}"
    cfg, page = start(farm, configure, uniq, "plain",
                      AC + f'\n[alerts]\npage = "{alerts_page}"\nemail = ["{op}"]\n')
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
