"""Secrets never reach logs or output."""

from __future__ import annotations

import logging

import pytest

from banbot import logs
from banbot.logs import redact_params as redact

SECRET = "0123456789abcdefghijklmnopqrstuv"
TOKEN = "91b69a8a75c54e558cfe4e35b22275876b060574+\\"


def test_request_parameters_are_redacted_before_logging() -> None:
    out = redact({"action": "edit", "token": TOKEN, "lgpassword": SECRET, "title": "T"})
    assert out["token"] == "<redacted>" and out["lgpassword"] == "<redacted>" and out["title"] == "T"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_log_lines_never_carry_tokens_or_passwords(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    logs.setup(1, fmt)
    log = logging.getLogger("banbot.test")
    log.info("api: POST %s", {"token": TOKEN, "action": "block"})
    log.info("login with password=%s", SECRET)
    log.info("BotPassword('farm', '%s')", SECRET)
    logging.getLogger("urllib3.connectionpool").warning("raw token %s in a library message", TOKEN)
    err = capsys.readouterr().err
    assert "block" in err
    assert SECRET not in err and TOKEN[:32] not in err
