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


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)), "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def setup(verbosity: int = 0, fmt: str = "text") -> None:
    level = logging.DEBUG if verbosity > 0 else logging.WARNING if verbosity < 0 else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("banbot").setLevel(level)
    for name in ("pywiki", "pywikibot"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)
        logging.getLogger(name).addFilter(RedactFilter())
