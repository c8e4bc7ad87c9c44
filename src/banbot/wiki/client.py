"""One wiki's API, through pywikibot, with banbot's error types and request counting.

Every call goes through :meth:`WikiClient.call`: it always sends ``formatversion=2`` (real booleans and
lists), leaves transient-error retries to pywikibot's own loop (maxlag with Retry-After, ratelimited,
readonly, 5xx, badtoken — configured by ``max_retries``/``retry_wait``), and turns whatever escapes into a
:class:`~banbot.errors.WikiError` that says whether trying later can help. Tokens and passwords are
never logged.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from banbot.errors import TransientWikiError, WikiError
from banbot.logs import redact_params

log = logging.getLogger(__name__)


# Fault-injection hook for the crash tests (tests/integration/test_faults.py): the process kills itself with
# SIGKILL right after the N-th write has been answered, before banbot records the outcome. Never set it
# outside tests.
_KILL_AFTER_WRITES = int(os.environ.get("BANBOT_TEST_KILL_AFTER_WRITES") or 0)
_writes_done = 0

F = TypeVar("F", bound=Callable[..., Any])


def tolerant(fn: F) -> F:
    """Read a response defensively: a body of an unexpected shape is a WikiError, never a crash."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
            client = args[0] if args else None
            raise WikiError.from_code("malformed-response", f"{fn.__name__}: {type(e).__name__}: {e}",
                                      wiki=getattr(client, "dbname", "")) from None

    return wrapper  # type: ignore[return-value]


class WikiClient:
    """A pywikibot site plus banbot's conventions. ``counter`` counts requests by module."""

    def __init__(self, dbname: str, site: Any, counter: Counter[str] | None = None) -> None:
        self.dbname = dbname
        self.site = site
        self.counter: Counter[str] = counter if counter is not None else Counter()

    def __repr__(self) -> str:
        return f"WikiClient({self.dbname})"

    def _module(self, params: Mapping[str, Any]) -> str:
        action = str(params.get("action", ""))
        if action == "query":
            mods = [str(params[k]) for k in ("meta", "list", "prop") if params.get(k)]
            return "query+" + "+".join(mods)
        return action

    def call(self, params: Mapping[str, Any], *, write: bool = False) -> dict[str, Any]:
        """Send one request; returns the decoded body or raises WikiError."""
        full = {k: v for k, v in params.items() if v is not None and v is not False}
        full.setdefault("formatversion", 2)
        module = self._module(full)
        self.counter[f"{self.dbname}:{module}"] += 1
        log.debug("api: %s %s %s", self.dbname, "POST" if write else "GET", redact_params(full))
        import requests  # imported here: loading the adapters must not load pywikibot (see session.py)
        from pywikibot import exceptions as pwbexc

        try:
            req = self.site.simple_request(**full)
            if write:
                req.use_get = False
            result: dict[str, Any] = req.submit()
        except pwbexc.APIError as e:
            raise self._from_apierror(e) from None
        except (pwbexc.MaxlagTimeoutError, pwbexc.ApiTimeoutError) as e:
            raise TransientWikiError("maxlag" if isinstance(e, pwbexc.MaxlagTimeoutError) else "timeout",
                                     str(e), wiki=self.dbname) from None
        except pwbexc.ServerError as e:
            raise TransientWikiError("http-5xx", str(e), wiki=self.dbname) from None
        except (requests.ConnectionError, ConnectionError, requests.Timeout) as e:
            raise TransientWikiError("connection", type(e).__name__, wiki=self.dbname) from None
        except TypeError as e:
            # CentralAuth's setglobalaccountstatus can answer with a list-shaped "error", which
            # pywikibot cannot read (it raises TypeError): report it, do not guess success.
            raise WikiError.from_code("malformed-error", str(e), wiki=self.dbname) from None
        if write and _KILL_AFTER_WRITES:
            global _writes_done
            _writes_done += 1
            if _writes_done == _KILL_AFTER_WRITES:
                os.kill(os.getpid(), signal.SIGKILL)
        if not isinstance(result, dict):
            raise WikiError.from_code("malformed-response", f"not a JSON object: {type(result).__name__}",
                                      wiki=self.dbname)
        return result

    def _from_apierror(self, e: Any) -> WikiError:
        code = e.code
        other = dict(getattr(e, "other", {}) or {})
        if code == "Unknown" and isinstance(other.get("globalblock"), list) and other["globalblock"]:
            code = str(other["globalblock"][0].get("code", code))  # GlobalBlocking's legacy error shape
        return WikiError.from_code(code, e.info, wiki=self.dbname, extra=other)

    def token(self, kind: str) -> str:
        try:
            return str(self.site.tokens[kind])
        except KeyError:
            raise WikiError.from_code("notoken", f"the wiki offers no {kind!r} token", wiki=self.dbname) from None
        except Exception as e:  # pywikibot.exceptions.Error and transport errors
            raise WikiError.from_code("notoken", str(e), wiki=self.dbname) from None

    def siteinfo(self) -> dict[str, Any]:
        """``meta=siteinfo&siprop=general`` (dbname as ``wikiid``, ``case``, ``lang``, version), as pywikibot
        read it when the site was opened: no extra request."""
        try:
            return dict(self.site.siteinfo["general"])
        except Exception as e:
            raise WikiError.from_code("siteinfo", f"{type(e).__name__}: {e}", wiki=self.dbname) from None

    def username(self) -> str | None:
        """The bot's account name as configured (also for a read-only or anonymous session)."""
        try:
            user = self.site.username() or self.site.user()
        except Exception:  # pywikibot's own errors: a site without a configured user
            return None
        return str(user) if user else None

    def has_extension(self, name: str) -> bool:
        """Whether the wiki runs an extension (siteinfo's extensions, which pywikibot caches)."""
        try:
            return bool(self.site.has_extension(name))
        except Exception as e:  # pywikibot's own errors and transport errors alike
            raise WikiError.from_code("siteinfo", f"{type(e).__name__}: {e}", wiki=self.dbname) from None
