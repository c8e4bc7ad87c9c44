"""Logging set up once by the CLI: human lines on a terminal, JSON lines for machines, never secrets.

The redacting filter runs on every record, pywikibot's included, so a token or password that reaches
a log message by any path is replaced before it is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from typing import Any

_SECRET = re.compile(
    r"""(?ix)
    ((?:token|lgpassword|lgtoken|password|botpassword|secret|consumer_secret|access_secret)["']?\s*[:=]\s*["']?)
    ([^"'&\s,)}]+)
    """
)
_MW_TOKEN = re.compile(r"\b[0-9a-f]{32,40}\+\\\\?")
_BOTPASSWORD = re.compile(r"(BotPassword\(\s*['\"][^'\"]*['\"]\s*,\s*['\"])([^'\"]*)")


SECRET_PARAMS = frozenset({"token", "lgpassword", "lgtoken", "password", "logintoken"})


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """API parameters fit for a log line: every token and password replaced."""
    return {k: ("<redacted>" if k in SECRET_PARAMS else v) for k, v in params.items()}


def redact(text: str) -> str:
    text = _BOTPASSWORD.sub(r"\1<redacted>", text)
    return _MW_TOKEN.sub("<redacted>", _SECRET.sub(r"\1<redacted>", text))


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


class PywikibotChatter(logging.Filter):
    """pywikibot's retry chatter as one banbot line each, without tracebacks (``-v -v`` keeps them whole)."""

    _WAIT = re.compile(r"Waiting ([\d.]+) seconds before retrying")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text.startswith("Traceback") or text.startswith("An error occurred for uri"):
            return False  # banbot reports the failure itself, once
        wait = self._WAIT.search(text)
        if wait:
            record.name, record.levelno, record.levelname = "banbot.wiki", logging.INFO, "INFO"
            record.msg, record.args = f"no answer yet; retrying in {wait.group(1)} s", ()
        elif text.startswith("Logging in to"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return False
        record.exc_info = None
        record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)), "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is now, so a progress bar that redirects stderr keeps log lines above
    itself instead of being overwritten by them."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def setup(verbosity: int = 0, fmt: str = "text") -> None:
    level = logging.DEBUG if verbosity > 0 else logging.WARNING if verbosity < 0 else logging.INFO
    handler = StderrHandler()
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("banbot").setLevel(level)
    for name in ("pywiki", "pywikibot"):
        lg = logging.getLogger(name)
        lg.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO if verbosity >= 0 else logging.ERROR)
        for f in list(lg.filters):
            lg.removeFilter(f)
        lg.addFilter(RedactFilter())
        if verbosity <= 1:
            lg.addFilter(PywikibotChatter())


def adopt_pywikibot(logging_module: Any) -> None:
    """pywikibot installs its own terminal handlers on first output and prints every retry with a full
    traceback. banbot takes that over: pywikibot's records go through banbot's handler (text or JSON, redacted),
    and tracebacks and retry chatter appear only with ``-v -v``; banbot itself reports each failure once."""
    logging_module._init_routines[:] = []
    pywiki = logging.getLogger("pywiki")
    for handler in list(pywiki.handlers):
        pywiki.removeHandler(handler)
    pywiki.propagate = True
