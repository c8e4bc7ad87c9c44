"""One wiki's API, through pywikibot, with banbot's error types and request counting.

Every call goes through :meth:`WikiClient.call`: it always sends ``formatversion=2`` (real booleans and
lists), leaves transient-error retries to pywikibot's own loop (maxlag with Retry-After, ratelimited,
readonly, 5xx, badtoken — configured by ``max_retries``/``retry_wait``), and turns whatever escapes into a
:class:`~banbot.errors.WikiError` that says whether trying later can help. Tokens and passwords are
never logged.

Sessions are lazy and cheap (issue 13). A client is created without any request. Its first request that
needs the bot's identity (any call without ``public=True``, or :meth:`token`) first sends ONE session request,
``meta=userinfo|tokens|siteinfo``: who the cookies say we are, a login token, every token kind banbot uses,
and the wiki's ``general`` siteinfo (wikiid and version; everything pywikibot needs when not cached). Only
when the cookies are not a live session does it log in (``action=login`` through pywikibot's login manager,
BotPassword from user-password.py) and read the tokens again: 3 session requests at most, 1 with live cookies,
0 for a public read. Siteinfo is kept across runs (:class:`SiteinfoCache`) and dropped when the wiki's
``generator`` (version) changes; the ``wikiid`` check runs on the cached copy at open and again, live and at
no cost, on the first response of each run.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from banbot.errors import BanbotError, TransientWikiError, WikiError
from banbot.logs import redact_params

log = logging.getLogger(__name__)


# Fault-injection hook for the crash tests (tests/integration/test_faults.py): the process kills itself with
# SIGKILL right after the N-th write has been answered, before banbot records the outcome. Never set it
# outside tests.
_KILL_AFTER_WRITES = int(os.environ.get("BANBOT_TEST_KILL_AFTER_WRITES") or 0)
_writes_done = 0
# every write this process sent, on any wiki: an answer kept to share within a run (users.py) holds only while
# no write was sent since it was read (a write on one wiki can change what another answers)
write_epoch = 0

F = TypeVar("F", bound=Callable[..., Any])


_WIKI_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _raised_reading(e: BaseException) -> bool:
    """Whether the error was raised by the adapter's own reading of a response (the innermost frame is in
    banbot.wiki), not by a bug further in — the pure core, or pywikibot."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _WIKI_PACKAGE


def tolerant(fn: F) -> F:
    """Read a response defensively: a body of an unexpected shape is a WikiError, never a crash. Only errors
    raised while the adapter reads the body count as a malformed response; banbot's own bugs elsewhere (in the
    core, in pywikibot) surface as what they are."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
            if not _raised_reading(e):
                raise
            client = args[0] if args else None
            raise WikiError.from_code("malformed-response", f"{fn.__name__}: {type(e).__name__}: {e}",
                                      wiki=getattr(client, "dbname", "")) from None

    return wrapper  # type: ignore[return-value]


# what pywikibot reads from siteinfo: "general" (and its _add_defaults asks "extensions" before any prop= query)
SITEINFO_PROPS = ("general", "namespaces", "namespacealiases", "extensions")
# token kinds banbot uses: csrf (block, edit), userrights (userrights, globaluserrights), and CentralAuth's own
TOKEN_KINDS = ("csrf", "userrights")
CENTRALAUTH_TOKEN = "setglobalaccountstatus"


# what a read of public data may ask: answered alike to anyone (see open_read)
_OPEN_LISTS = frozenset({"users"})
_OPEN_PROPS = frozenset({"revisions", "info"})
_OPEN_INPROP = frozenset({"protection", "url", "displaytitle", "talkid", "subjectid"})
_OPEN_RVPROP = frozenset({"ids", "timestamp", "content", "sha1", "size", "contentmodel", "flags"})
_HISTORY = ("revids", "rvstartid", "rvendid", "rvstart", "rvend", "rvlimit", "rvdir", "intestactions")


def open_read(params: Mapping[str, Any]) -> bool:
    """Whether a request reads only public data, answered the same whoever asks: ``list=users`` (names,
    groups, blocks, registration) and the *latest* revision of pages (``prop=revisions|info`` by title: the
    text of a page's current revision cannot be hidden). Not who edited (``rvprop=user|comment`` can be hidden
    from readers without ``deletedhistory``), older revisions, what one may do (``intestactions``), nor
    anything about the session (``meta=userinfo|tokens``) or CentralAuth (hidden accounts read as missing to
    a login without ``centralauth-suppress``).

    One caveat, stated: an account hidden by a block with ``hideuser`` reads as missing in ``list=users`` to
    anyone without ``hideuser`` (oversighters), which bots do not hold; a preview then shows it as a bot
    without that right sees it, and a reviewed ``apply`` that sees more refuses the plan as changed."""
    if params.get("action") != "query":
        return False

    def values(key: str) -> set[str]:
        return {v for v in str(params.get(key) or "").split("|") if v}

    lists, props = values("list"), values("prop")
    if values("meta") - {"siteinfo"} or lists - _OPEN_LISTS or props - _OPEN_PROPS or not (lists or props):
        return False
    if "revisions" in props and not values("rvprop"):
        return False  # MediaWiki's default rvprop names the editor
    if values("inprop") - _OPEN_INPROP or values("rvprop") - _OPEN_RVPROP:
        return False
    if any(params.get(k) is not None for k in _HISTORY) or params.get("generator") or params.get("pageids"):
        return False
    return not (props and "titles" not in params)


class SiteinfoCache:
    """Siteinfo by api.php URL, in one JSON file kept across runs (next to the journal). An entry is used
    only while the wiki's ``generator`` stays the same: the first response of a run says whether it did.

    The file holds every wiki's entry, so it is written at most once every ``WRITE_EVERY_S`` seconds while a
    run learns wikis, and once more when the process ends (:meth:`shared` registers that): a cold run over a
    thousand wikis once rewrote the whole file for each of them (issue 20: ~170 of its 178 s of CPU). A process
    killed before it ends loses only what it learnt since the last write: the next run asks those wikis again.
    """

    WRITE_EVERY_S = 30.0
    _shared: dict[Path, SiteinfoCache] = {}

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None
        self._clock = clock
        self._dirty = False
        self._written = -float("inf")
        self.writes = 0  # files written, for the tests

    @classmethod
    def shared(cls, path: Path | None) -> SiteinfoCache:
        """One cache a file in a process (every farm a long-running process opens shares what the others
        learnt), written out when the process ends."""
        if path is None:
            return cls(None)
        key = path.resolve()
        if key not in cls._shared:
            cls._shared[key] = cache = cls(path)
            atexit.register(cache.flush)
        return cls._shared[key]

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                self._data = dict(json.loads(self.path.read_text())) if self.path else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def get(self, api: str) -> dict[str, Any] | None:
        entry = self._load().get(api)
        if isinstance(entry, dict) and all(p in entry for p in SITEINFO_PROPS):
            return entry
        return None

    def put(self, api: str, props: dict[str, Any]) -> None:
        data = self._load()
        data[api] = props
        self._dirty = True
        if self._clock() - self._written >= self.WRITE_EVERY_S:
            self.flush()

    def flush(self) -> None:
        """Write the file if anything was learnt since it was last written."""
        if not self._dirty or self.path is None or not self.path.parent.is_dir():
            return  # banbot creates no folder for a cache
        self._dirty = False
        self._written = self._clock()
        try:
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
            with os.fdopen(fd, "w") as f:
                f.write(json.dumps(self._load()))  # dumps, not dump: the C encoder, ~5x less CPU
            os.replace(tmp, self.path)
            self.writes += 1
        except OSError as e:
            log.debug("session: could not write %s: %s", self.path, e)

    def drop(self, api: str) -> None:
        self._load().pop(api, None)


class WikiClient:
    """A pywikibot site plus banbot's conventions. ``counter`` counts requests by module.

    ``login``: whether calls that are not public establish the bot's session first (see the module doc).
    ``readonly``: this run writes nothing on this wiki (see :meth:`call`). ``keep``: take over
    the session an earlier run in this process set up on this site (its tokens, its rights), rechecked for free.
    ``check``: called with siteinfo ``general`` whenever it is learnt (cached or live); raises when the API is
    not the wiki it should be. ``cache``: siteinfo across runs; ``api`` its key."""

    def __init__(self, dbname: str, site: Any, counter: Counter[str] | None = None, *, login: bool = False,
                 cache: SiteinfoCache | None = None, api: str = "",
                 check: Callable[[dict[str, Any]], None] | None = None,
                 sessions: Counter[str] | None = None, readonly: bool = False, keep: bool = False) -> None:
        self.dbname = dbname
        self.site = site
        self.counter: Counter[str] = counter if counter is not None else Counter()  # banbot's own requests
        self.sessions: Counter[str] = sessions if sessions is not None else Counter()  # session set-up
        self._login = login
        self._cache = cache
        self._api = api
        self._check = check
        self._answered = False  # any answer from this wiki this run
        self._session = False  # the bot's identity established (cookies checked, logged in when needed)
        self._unconfirmed = False  # logged in this run; the wiki has not yet said who we are
        self._si_known = False  # pywikibot's siteinfo filled (from the cache or the wiki)
        self._si_live = False  # this run has seen the wiki's own general siteinfo
        self._general: dict[str, Any] | None = None  # that general siteinfo, as the wiki gave it this run
        self.readonly = readonly  # this run writes nothing here: reads of public data go without the session
        self.has_globalusers: bool | None = None  # CentralAuth's list=globalusers, once asked (centralauth.py)
        self._kept = False
        site.ratelimit = self._ratelimit  # pywikibot's own needs userinfo and paraminfo it may not have
        cached = cache.get(api) if cache is not None and api else None
        if cached is not None:
            self._fill_siteinfo(cached)
        # a session this process set up in an earlier run (a `watch` pass before this one), taken over; the
        # wiki's word that it still holds rides along with the first query (see _take_over)
        self._kept = keep and login and self._si_known and self._take_over()

    def _ratelimit(self, action: str) -> Any:
        """How long pywikibot waits before retrying an answer of ``ratelimited`` (it asks ``site.ratelimit``).

        pywikibot's own reads the session's userinfo (``KeyError: 'ratelimits'`` when it was read without them)
        or, with none, paraminfo: requests of its own, themselves ratelimited, that fail inside pywikibot
        (issue 17). Here: the wiki's own limit for the action when the session knows one, else pywikibot's
        ``retry_wait`` (which pywikibot doubles on each retry, up to ``retry_max``)."""
        from pywikibot import config as pwbconfig
        from pywikibot.tools.collections import RateLimit

        info = getattr(self.site, "_userinfo", None)
        limits = (info.get("ratelimits") if isinstance(info, dict) else None) or {}
        per_group = limits.get(action) if isinstance(limits, dict) else None
        best = None
        for group, limit in (per_group.items() if isinstance(per_group, dict) else ()):
            if isinstance(limit, dict) and limit.get("hits") and limit.get("seconds") and (
                    best is None or limit["hits"] / limit["seconds"] > best.hits / best.seconds):
                best = RateLimit(group=str(group), hits=int(limit["hits"]), seconds=int(limit["seconds"]))
        return best or RateLimit(group="unknown", hits=1, seconds=pwbconfig.retry_wait)

    def __repr__(self) -> str:
        return f"WikiClient({self.dbname})"

    def _module(self, params: Mapping[str, Any]) -> str:
        action = str(params.get("action", ""))
        if action == "query":
            mods = [str(params[k]) for k in ("meta", "list", "prop") if params.get(k)]
            return "query+" + "+".join(mods)
        return action

    def call(self, params: Mapping[str, Any], *, write: bool = False, public: bool = False) -> dict[str, Any]:
        """Send one request; returns the decoded body or raises WikiError.

        ``public``: a read anyone may make (the list page, its latest revision): sent as it is, without
        establishing the bot's session first; on a wiki whose siteinfo is cached that is the only request. Not
        for writes, nor for reads whose answer depends on who asks (hidden accounts, rights).

        On a ``readonly`` client (a command that writes nothing), a read of public data (:func:`open_read`:
        talk pages, ``list=users``) goes the same way unless this wiki has the bot's session already, so a
        read-only command logs in only where it reads what needs the bot's rights. A wiki that does not serve
        it to anyone (``readapidenied``: a private wiki) is asked again with the session."""
        if write and public:
            raise ValueError("a write is never public")
        anonymous = public or not self._login or (self.readonly and not self._session and open_read(params))
        try:
            return self._call(params, write, anonymous)
        except WikiError as e:
            if public or not anonymous or not self._login or e.code != "readapidenied":
                raise
            log.info("session: %s does not serve %s to anyone: read with the bot's session", self.dbname,
                     self._module(params))
            return self._call(params, write, False)

    def _call(self, params: Mapping[str, Any], write: bool, anonymous: bool) -> dict[str, Any]:
        if anonymous:
            self._ensure_siteinfo()
        else:
            self._ensure_session()
        full = {k: v for k, v in params.items() if v is not None and v is not False}
        full.setdefault("formatversion", 2)
        module = self._module(full)  # counted as banbot asked it, whatever rides along
        confirm = not anonymous and self._rides_confirm(full)
        piggyback = self._rides_siteinfo(full)
        result = self._send(full, write, module=module)
        if confirm and not self._confirmed_by(result):  # a kept session that lapsed: log in again, ask again
            return self._call(params, write, anonymous)
        if piggyback:
            general = result.get("query", {}).pop("general", None)
            if isinstance(general, dict):
                self._verify_live(general)
        return result

    def _rides_confirm(self, full: dict[str, Any]) -> bool:
        """After a login (or with a session kept from an earlier run in this process): who we are and the tokens
        ride along with this query, or go in a request of their own when it cannot carry them (a write)."""
        if not self._unconfirmed:
            return False
        if full.get("action") != "query" or "type" in full or "tokens" in str(full.get("meta") or "").split("|"):
            self._confirm()  # a write, or a query that cannot carry it: its own request
            return False
        metas = [m for m in str(full.get("meta") or "").split("|") if m]
        # ratelimits: pywikibot reads them from this userinfo when the wiki answers "ratelimited"
        uiprop = {p for p in str(full.get("uiprop") or "").split("|") if p} | {"groups", "rights", "ratelimits"}
        full.update(meta="|".join([*metas, "userinfo", "tokens"] if "userinfo" not in metas else [*metas, "tokens"]),
                    type="|".join(self._token_kinds()), uiprop="|".join(sorted(uiprop)))
        return True

    def _confirmed_by(self, result: dict[str, Any]) -> bool:
        """Take who we are and the tokens from an answer that carried them; False when a kept session lapsed
        (the session is dropped, to be set up again)."""
        query = result.get("query", {})
        found = {"userinfo": query.get("userinfo"), "tokens": query.pop("tokens", None)}
        if self._kept and not self._take(found):
            log.info("session: the session kept on %s has lapsed; logging in again", self.dbname)
            self._drop_session()
            return False
        self._confirm(found)
        return True

    def _rides_siteinfo(self, full: dict[str, Any]) -> bool:
        """The wiki's own wikiid and version ride along with the first query of the run."""
        if self._si_live or full.get("action") != "query":
            return False
        metas = [m for m in str(full.get("meta") or "").split("|") if m]
        if "siteinfo" in metas:
            return False
        full["meta"] = "|".join([*metas, "siteinfo"])
        full["siprop"] = "general"
        return True

    def _send(self, full: dict[str, Any], write: bool, *, session: bool = False, module: str = "") -> dict[str, Any]:
        module = module or self._module(full)
        (self.sessions if session else self.counter)[f"{self.dbname}:{module}"] += 1
        log.debug("api: %s %s %s", self.dbname, "POST" if write else "GET", redact_params(full))
        import requests  # imported here: loading the adapters must not load pywikibot (see session.py)
        from pywikibot import exceptions as pwbexc

        try:
            req = self.site.simple_request(**full)
            # decided here, so pywikibot never asks paraminfo which modules must be POSTed
            req.use_get = not write and full.get("action") != "login"
            result: dict[str, Any] = req.submit()
        except pwbexc.APIError as e:
            raise self._from_apierror(e) from None
        except pwbexc.MaxlagTimeoutError as e:
            raise TransientWikiError("maxlag", str(e), wiki=self.dbname) from None
        except pwbexc.ApiTimeoutError as e:
            if not self._answered:  # the wiki never answered this run: say why, in words an operator can act on
                raise TransientWikiError("connection", self._diagnosis(), wiki=self.dbname) from None
            raise TransientWikiError("timeout", f"{str(e).splitlines()[0]} ({self._diagnosis()})",
                                     wiki=self.dbname) from None
        except pwbexc.ServerError as e:
            raise TransientWikiError("http-5xx", f"{str(e).splitlines()[0]} ({self._diagnosis()})",
                                     wiki=self.dbname) from None
        except (requests.ConnectionError, ConnectionError, requests.Timeout, pwbexc.SiteDefinitionError):
            # SiteDefinitionError: pywikibot could not read the site's own description (an HTML page, say)
            raise TransientWikiError("connection", self._diagnosis(), wiki=self.dbname) from None
        except TypeError as e:
            # CentralAuth's setglobalaccountstatus can answer with a list-shaped "error", which
            # pywikibot cannot read (it raises TypeError): report it, do not guess success.
            raise WikiError.from_code("malformed-error", str(e), wiki=self.dbname) from None
        except BanbotError:
            raise
        except Exception as e:
            # anything else pywikibot raises while it sends, retries or reads (a KeyError of its own, say): this
            # request failed, one line says how; the traceback is pywikibot's, shown only with -v -v
            log.debug("api: pywikibot raised while sending to %s", self.dbname, exc_info=True)
            first = str(e).splitlines()[0] if str(e) else ""
            raise WikiError.from_code("pywikibot-error", f"{type(e).__name__}: {first} (raised inside pywikibot; "
                                      "-v -v shows where)", wiki=self.dbname) from None
        self._answered = True
        if write:
            global write_epoch
            write_epoch += 1
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

    # --- the session ------------------------------------------------------------------------------
    def _fill_siteinfo(self, props: Mapping[str, Any]) -> None:
        """Hand siteinfo to pywikibot's own cache, so that it never asks for it; then check the wiki."""
        import copy

        import pywikibot

        now = pywikibot.Timestamp.nowutc()
        si = self.site._siteinfo
        for prop in SITEINFO_PROPS:
            if prop in props:
                value = copy.deepcopy(props[prop])
                si._post_process(prop, value)
                si._cache[prop] = (value, now)
        self._si_known = True
        if self._check is not None:
            self._check(dict(props["general"]))

    def _store_siteinfo(self, query: Mapping[str, Any]) -> None:
        props = {p: query.get(p, []) for p in SITEINFO_PROPS}
        if not isinstance(props["general"], dict):
            raise WikiError.from_code("siteinfo", "the answer has no general siteinfo", wiki=self.dbname)
        if self._cache is not None and self._api:
            self._cache.put(self._api, props)
        self._si_live = True
        self._general = dict(props["general"])
        self._fill_siteinfo(props)

    @property
    def knows_site(self) -> bool:
        """Whether this wiki's siteinfo is known (cached from an earlier run, or read in this one): a first
        request to a wiki that is not costs a session request before it."""
        return self._si_known

    def _siteinfo_params(self) -> dict[str, str]:
        if self._si_live:
            return {}
        return {"siprop": "general" if self._si_known else "|".join(SITEINFO_PROPS)}

    def _verify_live(self, general: Mapping[str, Any]) -> None:
        """The wiki's own general siteinfo, read this run: a new version drops the cached siteinfo."""
        cached = self._cache.get(self._api) if self._cache is not None and self._api else None
        if cached is not None and cached["general"].get("generator") != general.get("generator"):
            log.info("session: %s now runs %s (was %s): siteinfo read again", self.dbname,
                     general.get("generator"), cached["general"].get("generator"))
            assert self._cache is not None
            self._cache.drop(self._api)
            self._si_known = self._si_live = False
            self._ensure_siteinfo()
            return
        self._si_live = True
        self._general = dict(general)
        if self._check is not None:
            self._check(dict(general))

    def _ensure_siteinfo(self) -> None:
        """Siteinfo known before the first request (pywikibot reads "extensions" while building one)."""
        if self._si_known:
            return
        data = self._send({"action": "query", "meta": "siteinfo", "siprop": "|".join(SITEINFO_PROPS),
                           "formatversion": 2}, False, session=True)
        self._store_siteinfo(data.get("query", {}))

    def _token_kinds(self, extra: str = "") -> list[str]:
        kinds = list(TOKEN_KINDS)
        if self._si_known and self.site.has_extension("CentralAuth"):
            kinds.append(CENTRALAUTH_TOKEN)
        if extra and extra not in kinds:
            kinds.append(extra)
        return kinds

    def _take(self, query: Mapping[str, Any]) -> bool:
        """Userinfo and tokens from a session answer into pywikibot's site; whether it is the bot's session."""
        from pywikibot.login import LoginStatus

        user = query.get("userinfo", {})
        name = self.site.username()
        if not (isinstance(user, dict) and user.get("id") and name and user.get("name") == name):
            return False
        self.site._userinfo = user
        self.site._loginstatus = LoginStatus.AS_USER
        wallet = self.site.tokens
        wallet._currentuser = self.site.user()
        wallet._tokens.update({k.removesuffix("token"): v for k, v in (query.get("tokens") or {}).items()
                               if v and v != "+\\"})
        return True

    def _diagnosis(self) -> str:
        """What the wiki's API answers to one plain request now: refused, silent, an error page, HTML."""
        from banbot.wiki.diagnose import why_unreachable

        return why_unreachable(self._api) if self._api else f"{self.dbname} does not answer"

    def _ensure_session(self) -> None:
        """The bot's identity, in 1 request with live cookies and 3 without (see the module doc)."""
        if self._session:
            return
        from pywikibot import exceptions as pwbexc
        from pywikibot import login as pwblogin

        from banbot.errors import ConfigError

        si = self._siteinfo_params()
        meta = "userinfo|tokens" + ("|siteinfo" if si else "")
        data = self._send({"action": "query", "meta": meta, "type": "|".join(["login", *self._token_kinds()]),
                           "uiprop": "blockinfo|hasmsg|groups|rights|ratelimits", **si, "formatversion": 2},
                          False, session=True)
        query = data.get("query", {})
        if si.get("siprop") == "general":
            self._verify_live(query.get("general", {}))
        elif si:
            self._store_siteinfo(query)
        if self._take(query):
            self._session = True
            return
        login_token = (query.get("tokens") or {}).get("logintoken")
        if not login_token:
            raise WikiError.from_code("notoken", "the wiki gave no login token", wiki=self.dbname)
        site = self.site
        if not site.username():
            raise ConfigError(f"cannot log in to {self.dbname}: no bot name for it. Add the bot's name to usernames in "
                              "user-config.py and a BotPassword line to user-password.py (see user-config.py.sample)")
        site._userinfo = query.get("userinfo", {})  # anonymous: pywikibot's logged_in() is False
        site.tokens._currentuser = None
        site.tokens._tokens = {"login": login_token}  # pywikibot's login manager takes it from the wallet
        try:
            manager = pwblogin.ClientLoginManager(site=site, user=site.username())
            if not manager.password:
                raise ConfigError(f"cannot log in to {self.dbname}: no password for {site.username()} in "
                                  "user-password.py (see user-config.py.sample)")
            self.sessions[f"{self.dbname}:login"] += 1
            if not manager.login(retry=False):
                raise ConfigError(f"cannot log in to {self.dbname} as {manager.login_name}: the wiki refused it")
        except pwbexc.NoUsernameError as e:
            raise ConfigError(f"cannot log in to {self.dbname}: {str(e).splitlines()[0]}") from None
        except pwbexc.APIError as e:
            raise ConfigError(f"cannot log in to {self.dbname}: {e.code}: {e.info}") from None
        except FileNotFoundError as e:
            raise ConfigError(f"cannot log in to {self.dbname}: {e}; create user-password.py next to user-config.py "
                              "(see user-config.py.sample)") from None
        except pwbexc.ServerError:
            raise TransientWikiError("http-5xx", self._diagnosis(), wiki=self.dbname) from None
        except (pwbexc.MaxlagTimeoutError, pwbexc.ApiTimeoutError, ConnectionError):
            raise TransientWikiError("connection", self._diagnosis(), wiki=self.dbname) from None
        site._username = manager.username
        site.tokens._tokens = {}
        self._session = True
        self._unconfirmed = True  # who we are now, and the tokens, ride along with the next query (or _confirm)

    def _confirm(self, query: Mapping[str, Any] | None = None) -> None:
        """After a login (or taking over a kept session): the wiki's word that this is the bot's session, with
        every token kind banbot uses; from ``query`` (an answer that carried them) or from a request of its own.
        A kept session the wiki no longer honours is dropped and set up again."""
        from banbot.errors import ConfigError

        if not self._unconfirmed:
            return
        if query is None:
            data = self._send({"action": "query", "meta": "userinfo|tokens", "type": "|".join(self._token_kinds()),
                               "uiprop": "blockinfo|hasmsg|groups|rights|ratelimits", "formatversion": 2},
                              False, session=True)
            query = data.get("query", {})
            if self._kept and not self._take(query):
                log.info("session: the session kept on %s has lapsed; logging in again", self.dbname)
                self._drop_session()
                self._ensure_session()
                self._confirm()
                return
        if not self._take(query):
            name = (query.get("userinfo") or {}).get("name")
            raise ConfigError(f"cannot log in to {self.dbname}: logged in, but the wiki says this is {name!r}, "
                              f"not {self.site.username()!r}")
        self._unconfirmed = self._kept = False

    def _take_over(self) -> bool:
        """Whether pywikibot's site (one per wiki and user in a process) still holds the bot's session from an
        earlier run in this process, with its tokens: then no session request is needed; who we are rides along
        with the first query (as after a login), and a lapsed session is set up again."""
        from pywikibot.login import LoginStatus

        info = getattr(self.site, "_userinfo", None)
        name = self.site.username()
        if not (isinstance(info, dict) and info.get("id") and name and info.get("name") == name
                and self.site._loginstatus == LoginStatus.AS_USER and self.site.tokens._tokens.get("csrf")):
            return False
        self._session = self._unconfirmed = True
        return True

    def _drop_session(self) -> None:
        from pywikibot.login import LoginStatus

        self._session = self._unconfirmed = self._kept = False
        self.site.tokens._tokens = {}
        self.site._loginstatus = LoginStatus.NOT_ATTEMPTED
        if hasattr(self.site, "_userinfo"):
            del self.site._userinfo

    def session_rights(self) -> frozenset[str]:
        """The bot's rights on this wiki, from the session's own userinfo (no request of its own once the
        session is set up: the session request and the confirmation after a login both carry them); without
        ``login``, what an anonymous reader may do (one public request)."""
        if not self._login:
            data = self.call({"action": "query", "meta": "userinfo", "uiprop": "rights"}, public=True)
            return frozenset(map(str, data.get("query", {}).get("userinfo", {}).get("rights", [])))
        self._ensure_session()
        self._confirm()
        info = getattr(self.site, "_userinfo", None) or {}
        return frozenset(map(str, info.get("rights", [])))

    def token(self, kind: str) -> str:
        """A token of this kind; all the kinds banbot uses come in one request, once a run."""
        self._ensure_session()
        self._confirm()
        wallet = self.site.tokens
        if kind not in wallet._tokens:
            data = self._send({"action": "query", "meta": "tokens", "type": "|".join(self._token_kinds(kind)),
                               "formatversion": 2}, False, session=True)
            self._take({"userinfo": self.site._userinfo, **data.get("query", {})})
        token = wallet._tokens.get(kind)
        if not token:
            raise WikiError.from_code("notoken", f"the wiki offers no {kind!r} token", wiki=self.dbname)
        return str(token)

    def siteinfo(self) -> dict[str, Any]:
        """``meta=siteinfo&siprop=general`` (dbname as ``wikiid``, ``case``, ``lang``, version): from the cache
        kept across runs, or read once (no login needed)."""
        self._ensure_siteinfo()
        try:
            return dict(self.site.siteinfo["general"])
        except Exception as e:
            raise WikiError.from_code("siteinfo", f"{type(e).__name__}: {e}", wiki=self.dbname) from None

    def live_general(self) -> dict[str, Any]:
        """``general`` siteinfo as the wiki answers it this run, not from the cache kept across runs: the copy
        that rode along with this run's first query (no request), else one public ``meta=siteinfo`` read."""
        self._ensure_siteinfo()  # without a cached copy, this reads it live
        if self._general is None:
            data = self.call({"action": "query", "meta": "siteinfo", "siprop": "general"}, public=True)
            general = data.get("query", {}).get("general")
            if not isinstance(general, dict):
                raise WikiError.from_code("siteinfo", "the answer has no general siteinfo", wiki=self.dbname)
            self._verify_live(general)
        assert self._general is not None
        return dict(self._general)

    def username(self) -> str | None:
        """The bot's account name as configured (also for a read-only or anonymous session)."""
        try:
            user = self.site.username() or self.site.user()
        except Exception:  # pywikibot's own errors: a site without a configured user
            return None
        return str(user) if user else None

