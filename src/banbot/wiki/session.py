"""Open one pywikibot site per configured wiki, without family files.

pywikibot reads ``PYWIKIBOT_DIR`` when it is first imported, so this module sets it from banbot's config
*before* importing pywikibot. Each wiki gets its own AutoFamily from its api.php URL under a unique family
name (the dbname; a suffix if the same dbname was already registered with another URL in this process),
so two wikis on one host can never collapse into one cached site.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from banbot.config import Config
from banbot.errors import ConfigError, TransientWikiError

if TYPE_CHECKING:
    from banbot.wiki.client import WikiClient

log = logging.getLogger(__name__)


class LazyClients(Mapping[str, "WikiClient"]):
    """Every configured wiki by dbname, and those CentralAuth reported (:meth:`learn`); a site is opened (no
    request) the first time it is used, and logged in to on its first request that needs it.

    A farm of a thousand wikis costs session set-up (siteinfo, login, tokens) only on the wikis a run
    actually touches: on CentralAuth farms, the central wiki and the home wikis of accounts to notify.
    """

    def __init__(self, names: list[str], opener: Callable[[str], WikiClient],
                 learned: dict[str, str] | None = None, api_path: str = "/w/api.php") -> None:
        self._names = names
        self._open: dict[str, WikiClient] = {}
        self._opener = opener
        self.learned = learned if learned is not None else {}  # dbname -> api.php URL, from CentralAuth
        self.api_path = api_path

    def learn(self, dbname: str, server: str) -> None:
        """A wiki the config does not name, at the server CentralAuth reports (``merged[].url``): its API is
        at the central wiki's script path on that server. Opening it still checks that it *is* ``dbname``."""
        if dbname in self._names or not server.startswith(("http://", "https://")):
            return
        self.learned[dbname] = server.rstrip("/") + self.api_path
        self._names.append(dbname)

    def __getitem__(self, dbname: str) -> WikiClient:
        if dbname not in self._open:
            if dbname not in self._names:
                raise KeyError(dbname)
            self._open[dbname] = self._opener(dbname)
        return self._open[dbname]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __contains__(self, dbname: object) -> bool:
        return dbname in self._names  # Mapping's default would open the site to find out

    def __len__(self) -> int:
        return len(self._names)

    @property
    def opened(self) -> list[WikiClient]:
        return list(self._open.values())


@dataclass
class Farm:
    """The sites of one run, keyed by dbname, sharing one request counter."""

    config: Config
    clients: Mapping[str, WikiClient]
    counter: Counter[str] = field(default_factory=Counter)  # banbot's own requests, by "dbname:module"
    sessions: Counter[str] = field(default_factory=Counter)  # session set-up (siteinfo, login, tokens), apart

    @property
    def central(self) -> WikiClient:
        return self.clients[self.config.central]

    def __getitem__(self, dbname: str) -> WikiClient:
        return self.clients[dbname]


def _import_pywikibot(config: Config) -> Any:
    import sys

    if "pywikibot" in sys.modules and config.pywikibot_dir:
        loaded = Path(sys.modules["pywikibot"].config.base_dir).resolve()
        if loaded != config.pywikibot_dir.resolve():
            raise RuntimeError(f"pywikibot was imported with base dir {loaded} before open_farm() could point it at "
                               f"{config.pywikibot_dir}: import banbot.wiki modules only after open_farm()")
    if config.pywikibot_dir:
        if not config.pywikibot_dir.is_dir():
            raise ConfigError(f"farm.pywikibot_dir = {config.pywikibot_dir} does not exist; create it with "
                              "user-config.py and user-password.py (see user-config.py.sample)")
        if not (config.pywikibot_dir / "user-config.py").exists():
            raise ConfigError(f"farm.pywikibot_dir = {config.pywikibot_dir} has no user-config.py; "
                              "see user-config.py.sample")
        os.environ["PYWIKIBOT_DIR"] = str(config.pywikibot_dir)
    else:
        os.environ.setdefault("PYWIKIBOT_NO_USER_CONFIG", "2")
    try:
        import pywikibot
        import pywikibot.logging
    except SyntaxError as e:
        raise ConfigError(f"{e.filename or 'user-config.py'} line {e.lineno}: {e.msg}; fix the file (it is Python, "
                          "read by pywikibot)") from None
    except Exception as e:  # pywikibot reading its own files: whatever it raises, one line naming them
        where = config.pywikibot_dir or "pywikibot's default folder"
        raise ConfigError(f"pywikibot cannot start with the files in {where}: {type(e).__name__}: "
                          f"{str(e).splitlines()[0] if str(e) else ''}") from None

    from banbot.logs import adopt_pywikibot

    adopt_pywikibot(pywikibot.logging)
    if config.user_agent:
        pywikibot.config.user_agent_description = config.user_agent
    return pywikibot


def _family_name(pywikibot: Any, dbname: str, api: str) -> str:
    families = pywikibot.config.family_files
    name = dbname
    if families.get(name, api) != api:
        name = f"{dbname}-{hashlib.sha1(api.encode()).hexdigest()[:8]}"
    families[name] = api
    return name


def api_path(api: str) -> str:
    """The script path of an api.php URL: ``https://meta.wikimedia.org/w/api.php`` -> ``/w/api.php``."""
    from urllib.parse import urlsplit

    return urlsplit(api).path or "/api.php"


_KEEP_SESSIONS = False


def keep_sessions(on: bool = True) -> None:
    """A long-running process (``banbot watch``) opens a farm for every pass: with this on, each pass takes over
    the session the passes before it set up on a wiki (pywikibot keeps one site per wiki and user in a
    process), its tokens and the bot's rights with it, instead of asking for them again. The wiki's word that
    the session still holds rides along with the pass's first query there; a lapsed one is set up again."""
    global _KEEP_SESSIONS
    _KEEP_SESSIONS = on


SITEINFO_CACHE = "siteinfo-cache.json"  # next to the journal: siteinfo of each api.php URL, kept across runs


@contextmanager
def _no_request_on_init(pywikibot: Any) -> Iterator[None]:
    """pywikibot's APISite.__init__ (site/_apisite.py:147) calls ``login(cookie_only=True)``, which asks
    ``meta=userinfo`` (:415) whether the saved cookies are a session. banbot asks that later, in its one
    session request (client.py), so while a site is created that call only loads the saved cookies."""
    from pywikibot.comms import http
    from pywikibot.site import APISite

    real = APISite.login

    def cookies_only(self: Any, autocreate: bool = False, user: str | None = None, *,
                     cookie_only: bool = False) -> None:
        if not cookie_only:
            real(self, autocreate, user, cookie_only=cookie_only)
            return None
        if self.username():
            http.cookie_jar.load(self.username(), ignore_discard=True)
        return None

    APISite.login = cookies_only
    try:
        yield
    finally:
        APISite.login = real


def open_farm(config: Config, *, login: bool = True, simulate: bool = False,
              only: list[str] | None = None) -> Farm:
    """Sites for every wiki in the config (or ``only`` those), opened on first use without a request; with
    ``login``, the first call that is not public establishes the bot's session (see client.py).

    ``simulate`` turns on pywikibot's request-layer simulation: a stray write in a preview is blocked
    there too, not only by banbot never calling the executor. Such a farm writes nothing, so its reads of
    public data (talk pages, ``list=users``) go without the bot's session: a preview logs in only on the wikis
    where it reads what needs the bot's rights (the central wiki's hidden accounts).
    """
    pywikibot = _import_pywikibot(config)
    from pywikibot import exceptions as pwbexc

    from banbot.wiki.client import SiteinfoCache, WikiClient

    pywikibot.config.simulate = simulate
    counter: Counter[str] = Counter()
    sessions: Counter[str] = Counter()

    learned: dict[str, str] = {}

    cache = SiteinfoCache.shared(config.journal.parent / SITEINFO_CACHE if config.journal else None)

    def open_one(db: str) -> WikiClient:
        from banbot.config import WikiConfig

        wiki = config.wikis.get(db) or WikiConfig(db, learned[db])
        fam = _family_name(pywikibot, db, wiki.api)

        def check(general: dict[str, Any]) -> None:
            wikiid = general.get("wikiid")
            if wikiid != db and db not in config.wikis:
                raise ConfigError(f"CentralAuth reports {db} at {wiki.api}, but that is the API of {wikiid!r}: add "
                                  f"[wikis.{db}] with its api.php URL to the config")
            if wikiid != db:
                raise ConfigError(f"wikis.{db}.api ({wiki.api}) is the API of {wikiid!r}, not {db!r}: fix the URL or "
                                  "the table name, so that no action lands on the wrong wiki")

        try:
            with _no_request_on_init(pywikibot):
                site = pywikibot.Site(fam, fam)
        except (pwbexc.SiteDefinitionError, pwbexc.ServerError, pwbexc.ApiTimeoutError, OSError) as e:
            raise TransientWikiError("connection", f"{wiki.api}: {type(e).__name__}: {e}", wiki=db) from None
        def make() -> WikiClient:
            return WikiClient(db, site, counter, login=login, cache=cache, api=wiki.api, check=check, sessions=sessions,
                              readonly=simulate, keep=_KEEP_SESSIONS)

        try:
            client = make()
        except ConfigError:
            cache.drop(wiki.api)  # a cached answer that fails the check is not trusted either: ask the wiki
            client = make()
        log.debug("session: opened %s at %s (no request yet)", db, wiki.api)
        return client

    names = [db for db in config.wikis if only is None or db in only]
    farm = Farm(config, LazyClients(names, open_one, learned, api_path(config.wikis[config.central].api)), counter,
                sessions=sessions)
    for db in dict.fromkeys([config.central, config.list_wiki]):  # no request: a cached siteinfo is checked now
        if db in names:
            farm.clients[db]
    return farm
