"""One list banbot enforces, as read from its wiki (the application side of a :class:`~banbot.config.Source`).

A source's text is parsed in its sanction's shape (a ban list's bullets or table; a restriction's table with
Groups and Wikis), checked against what MediaWiki renders and resolves (:mod:`banbot.crosscheck`, once per
revision: the journal keeps the answer), and compared with what the journal says was applied, so an unchanged
list costs one request and a new revision reads only the rows it changed.

A verification (``run.verify_every_hours`` after the last one) reads the wikis' logs since then and re-reads
only the listed accounts they name (:mod:`banbot.drift` says why that cannot miss a change the planner acts
on); every ``run.full_verify_every_days``, and whenever a log cannot be read, it re-reads every account.
"""

from __future__ import annotations

import calendar
import json
import logging
import math
import time
from collections.abc import Mapping
from typing import Any

from banbot.banlist import BanList, ListSource, link_prefixes, parse
from banbot.config import Config, FarmMode, Source
from banbot.crosscheck import demote, host, interwiki_map, objections, read_rendered
from banbot.drift import Unprovable, named
from banbot.errors import BanbotError
from banbot.journal import Journal, now
from banbot.provenance import lines_of
from banbot.wiki.session import Farm

log = logging.getLogger(__name__)


def _age_s(stamp: str) -> float:
    return time.time() - calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


def _earlier(stamp: str, seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")) - seconds))


# The logs are read from this long before the last verification began: an entry is stamped when its
# transaction starts and may become visible later (replication, a slow save), and the wiki's clock is not ours.
# Reading a few entries twice costs nothing but their bytes.
LOG_OVERLAP_S = 15 * 60


class Costlier(Unprovable):
    """Reading the logs would cost more requests than reading the accounts: a full read, for its price."""


class SourceReader:
    """Reads one source's list for one run; remembers what :meth:`unchanged` and :meth:`changes_only` found,
    which the apply step records."""

    def __init__(self, config: Config, source: Source, farm: Farm, journal: Journal | None) -> None:
        self.config, self.source, self.farm, self.journal = config, source, farm, journal
        self.quiet_since: str | None = None  # unchanged(): this revision was applied and settled, read then
        self.changed: tuple[list[str], str] | None = None  # changes_only(): the entries, the last full read
        self.started: str | None = None  # when this run's reads began (read()): what a verification is as of
        self.verification: str | None = None  # how this pass verified what it did not read (the run line says)
        self.from_logs = False  # this pass read the logs: the next verification reads them from self.started
        self.seen_wikis: dict[str, str] = {}  # CentralAuth: wikis where this pass found local accounts (and URL)
        self.memory_key: str | None = None  # the journal's meta key of the list page read: its verifications
        self.full_at: str | None = None  # every account was read then, if not in this pass (a reviewed plan's reads)

    def read(self, page: str | None = None, section: str | None = None) -> BanList:
        """The list at its current revision, checked against what MediaWiki renders and resolves."""
        from banbot.wiki.pages import read_ban_page

        src = self.source
        self.started = self.started or now()
        text, source = read_ban_page(self.farm[src.wiki], page or src.page)
        self.memory_key = f"verification:{source.location}:{source.title}"  # the page read (--page too)
        log.info("list: %s: read %s revision %s by %s", src.name, source.title, source.revid, source.user)
        bans = self.parse(text, section if section is not None else src.section, source)
        return demote(bans, self.objections(bans))

    def parse(self, text: str, section: str | None, source: ListSource | None = None) -> BanList:
        """A text of this source's list, in its sanction's shape (a restriction is a table with Groups and Wikis)."""
        return parse(text, section=section, source=source, user_column=self.source.user_column,
                     restrictions=self.source.restricts)

    def objections(self, bans: BanList) -> dict[str, str]:
        """The cross-check of one list revision, kept in the journal per revision so a steady-state run pays
        nothing for it: the rendered revision (one request, every row) and MediaWiki's resolution of the names
        it has not resolved for this page before (⌈new names/50⌉ requests; every name on the first revision and
        on a full verification's schedule, see :meth:`resolved_before`)."""
        from banbot.wiki.pages import interwiki_rows, rendered_html, resolve_names

        src = bans.source
        if src.revid is None:
            return {}
        known = self.journal.list_check(src.location, src.title, src.revid, bans.section) if self.journal else None
        if known is not None:
            return known
        client = self.farm[src.location]
        before = self.resolved_before(bans)
        names = [e.user for e in bans.active if e.user not in before]
        own = [host(w.api) for w in self.config.wikis.values()]
        rendered = read_rendered(rendered_html(client, src.revid), own)
        # where a link's prefix leads: one more request, only when a row links an account through a prefix
        prefixed = any(link_prefixes(t)[1] for e in bans.active for t in e.links)
        iw = interwiki_map(interwiki_rows(client), own) if prefixed else None
        found = objections(bans, rendered, resolve_names(client, names) if names else {}, iw)
        if self.journal is not None:
            self.journal.record_list_check(src.location, src.title, src.revid, bans.section, found)
        if found:
            log.warning("list: %d entries are not what readers see or MediaWiki resolves; reported as problems",
                        len(found))
        return found

    def resolved_before(self, bans: BanList) -> frozenset[str]:
        """The names MediaWiki resolved to themselves for this page's last applied revision (they were active
        there, so the cross-check passed them), while the last full verification is less than
        ``run.full_verify_every_days`` old. How MediaWiki resolves a name depends only on the name and the wiki's
        configuration (title normalisation, user-name rules), so the same name resolves the same way; the
        wiki's configuration is trusted for as long as a full verification trusts the accounts' state. Empty:
        every name is resolved (no applied revision yet, no verification recorded, or one too old)."""
        mem = self.memory() if self.journal is not None else None
        days = self.config.full_verify_every_days
        if self.journal is None or mem is None or days <= 0 or _age_s(mem["full"]) >= days * 86400:
            return frozenset()
        last = self.journal.last_applied(bans.source.location, bans.source.title)
        return frozenset(last[1]) if last else frozenset()

    def unchanged(self, bans: BanList) -> str | None:
        """When this list revision was last applied and every account read and found settled, if that was
        less than ``run.verify_every_hours`` ago: then nothing can be pending and the run may stop after the
        one request that read the list. None: a full pass is needed."""
        hours = self.config.verify_every_hours
        if self.journal is None or hours <= 0 or bans.source.kind != "wiki":
            return None
        verified = self.journal.settled_since(bans.source.location, bans.source.title, bans.source.revid)
        if verified is None:
            return None
        self.quiet_since = verified if _age_s(verified) < hours * 3600 else None
        return self.quiet_since

    def changes_only(self, bans: BanList) -> list[str] | None:
        """The entries to read when every other one was read and found settled: a new list revision's added
        entries and those whose rows it changed, while the last verification is less than
        ``run.verify_every_hours`` old; once it is older, also every listed account the wikis' logs name since
        then (:meth:`drift`). The rails and the provenance of every entry are checked all the same. None: a full
        pass is needed."""
        hours = self.config.verify_every_hours
        src = bans.source
        if self.journal is None or hours <= 0 or src.kind != "wiki":
            return None
        base = self.journal.settled_base(src.location, src.title)
        if base is None:
            return None
        stale = _age_s(base[2]) >= hours * 3600
        if base[0] == src.revid and not stale:
            return None  # unchanged() answers this one
        changed: list[str] = []
        if base[0] != src.revid:
            before = set(base[1])
            known = self.journal.origins(src.location, str(src.title), bans.section)
            changed = [e.user for e in bans.active  # held for their origin: shown again, at no cost (never read)
                       if e.user not in before or e.user not in known or known[e.user].doubt
                       or known[e.user].row != lines_of(e.text).strip("\n")]
        verified = base[2]
        if stale:
            drifted = self.drift(bans)
            if drifted is None:
                return None
            changed = list(dict.fromkeys(changed + drifted))
            verified = self.started or now()
        self.changed = (changed, verified)
        return changed

    def _weigh(self, wikis: list[str], n: int, detail: int) -> None:
        """Raise :class:`Costlier` when reading the logs of ``wikis`` costs more than reading n accounts. A log
        costs a request a wiki, and two on a wiki this installation never opened (its siteinfo comes first);
        whether it was opened is asked only when one request a wiki would still be the cheaper read, so a farm
        of a thousand wikis opens no client to learn that its logs cost more."""
        cost = len(wikis)
        if self._logs_cheaper(cost, n, detail):
            cost = sum(1 if getattr(self.farm[db], "knows_site", True) else 2 for db in wikis)
            if self._logs_cheaper(cost, n, detail):
                return
        raise Costlier(f"reading the logs of {len(wikis)} wikis ({cost} requests) costs more than reading the {n} "
                       "accounts")

    def _logs_cheaper(self, cost: int, n: int, detail: int) -> bool:
        """On CentralAuth, whether reading the logs (``cost`` requests) costs less than reading n accounts:
        ⌈n/50⌉ requests plus ``detail`` where the wiki has ``list=globalusers``, one request an account where it
        has not. (On a plain farm both read every configured wiki, the accounts ⌈n/50⌉ times: the logs never
        cost more.)"""
        from banbot.wiki.centralauth import has_globalusers

        if cost <= math.ceil(n / 50) + detail:
            return True
        return cost <= n and not has_globalusers(self.farm.central)

    # --- verification from the logs (banbot.drift) -------------------------------------------------
    def _memory_key(self) -> str:
        return self.memory_key or f"verification:{self.source.wiki}:{self.source.page}"

    def memory(self) -> dict[str, Any] | None:
        """The last verification: ``since`` (when its reads began), ``full`` (when the last full re-read began)
        and ``wikis`` (CentralAuth: the wikis where listed accounts had local accounts, with their servers)."""
        raw = self.journal.recall(self._memory_key()) if self.journal else None
        try:
            mem = json.loads(raw) if raw else None
            _age_s(mem["since"]), _age_s(mem["full"])  # type: ignore[index]
        except (ValueError, TypeError, KeyError):
            return None
        return dict(mem) if isinstance(mem, dict) and isinstance(mem.get("wikis"), dict) else None

    def remember_verification(self, full: bool) -> None:
        """After a pass that left the list settled: a full one, or one that read the logs, is the time the
        next verification reads the logs from."""
        if self.journal is None or self.started is None or not (full or self.from_logs):
            return
        mem = self.memory() or {"full": self.started, "wikis": {}}
        wikis = {} if full else dict(mem["wikis"])
        wikis |= self.seen_wikis
        self.journal.remember(self._memory_key(), json.dumps(
            {"since": self.started, "full": (self.full_at or self.started) if full else mem["full"], "wikis": wikis},
            sort_keys=True))

    def drift(self, bans: BanList) -> list[str] | None:
        """The listed accounts the logs name since the last verification, on the central wiki, every configured
        wiki and (CentralAuth) every wiki where the last read found a listed account's local account. None: a
        full re-read is due (``run.full_verify_every_days``), or the logs cannot prove nothing changed."""
        days = self.config.full_verify_every_days
        mem = self.memory()
        why = None
        if mem is None:
            why = "no verification from the logs is recorded yet"
        elif days <= 0:
            why = "run.full_verify_every_days = 0"
        elif _age_s(mem["full"]) >= days * 86400:
            why = f"the last one began {mem['full']}, {days} days or more ago (run.full_verify_every_days)"
        if why is not None or mem is None:
            self.verification = f"full re-read: {why}"
            log.info("verify: %s: %s", self.source.name, self.verification)
            return None
        listed = [e.user for e in bans.active]
        since = _earlier(str(mem["since"]), LOG_OVERLAP_S)
        try:
            names, wikis, entries = self.logged(since, listed, mem["wikis"])
        except Costlier as e:
            self.verification = f"full re-read: {e}"
            log.info("verify: %s: %s", self.source.name, self.verification)
            return None
        except (Unprovable, BanbotError) as e:
            self.verification = f"full re-read: the logs cannot prove nothing changed ({e})"
            log.warning("verify: %s: %s", self.source.name, self.verification)
            return None
        self.from_logs = True
        self.verification = (f"verified from the logs since {since} on {wikis} wikis ({entries} entries): "
                             f"{len(names)} of {len(listed)} accounts re-read")
        log.info("verify: %s: %s", self.source.name, self.verification)
        return names

    def logged(self, since: str, listed: list[str], seen: Mapping[str, str],
               detail: int = 0) -> tuple[list[str], int, int]:
        """The listed accounts the logs name from ``since`` on (in list order), on the central wiki, every
        configured wiki and (CentralAuth) every wiki in ``seen`` (where a read found a listed account's local
        account, with its server); and how many wikis and entries were read. Raises :class:`Unprovable` (or a
        wiki error) when the logs cannot prove that every other account is unchanged, and :class:`Costlier`
        when reading them would cost more than reading the accounts (``detail``: accounts a full read would
        read one by one anyway)."""
        from banbot.wiki.logs import entries_since

        cfg = self.config
        central = cfg.central
        ca = cfg.mode == FarmMode.CENTRALAUTH
        learn = getattr(self.farm.clients, "learn", None)
        wikis = list(dict.fromkeys([central, *cfg.wikis]))
        for db, url in sorted(seen.items()) if ca else ():
            if db not in self.farm.clients and learn is not None and url:
                learn(db, url)
            if db not in self.farm.clients:
                raise Unprovable(f"{db} (where a listed account has a local account) has no known address")
            wikis.append(db)
        wikis = list(dict.fromkeys(wikis))
        if ca:
            self._weigh(wikis, len(listed), detail)
        pages = max(2, math.ceil(len(listed) / 50))  # past that, reading the accounts costs no more
        entries = []
        suppress = ("suppressionlog", "the suppression log, where CentralAuth records a lock or unlock made while "
                    "suppressing an account")
        for db in wikis:
            got, _ = entries_since(self.farm[db], since, pages, require=suppress if ca and db == central else None)
            entries += got
        names = named(entries, listed, central, self.farm.central.username())
        return [n for n in listed if n in names], len(wikis), len(entries)
