"""One list banbot enforces, as read from its wiki (the application side of a :class:`~banbot.config.Source`).

A source's text is parsed in its sanction's shape (a ban list's bullets or table; a restriction's table with
Groups and Wikis), checked against what MediaWiki renders and resolves (:mod:`banbot.crosscheck`, once per
revision: the journal keeps the answer), and compared with what the journal says was applied, so an unchanged
list costs one request and a new revision reads only the rows it changed.
"""

from __future__ import annotations

import calendar
import logging
import time

from banbot.banlist import BanList, ListSource, link_prefixes, parse
from banbot.config import Config, Source
from banbot.crosscheck import demote, host, interwiki_map, objections, read_rendered
from banbot.journal import Journal
from banbot.provenance import lines_of
from banbot.wiki.session import Farm

log = logging.getLogger(__name__)


def _age_s(stamp: str) -> float:
    return time.time() - calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


class SourceReader:
    """Reads one source's list for one run; remembers what :meth:`unchanged` and :meth:`changes_only` found,
    which the apply step records."""

    def __init__(self, config: Config, source: Source, farm: Farm, journal: Journal | None) -> None:
        self.config, self.source, self.farm, self.journal = config, source, farm, journal
        self.quiet_since: str | None = None  # unchanged(): this revision was applied and settled, read then
        self.changed: tuple[list[str], str] | None = None  # changes_only(): the entries, the last full read

    def read(self, page: str | None = None, section: str | None = None) -> BanList:
        """The list at its current revision, checked against what MediaWiki renders and resolves."""
        from banbot.wiki.pages import read_ban_page

        src = self.source
        text, source = read_ban_page(self.farm[src.wiki], page or src.page)
        log.info("list: %s: read %s revision %s by %s", src.name, source.title, source.revid, source.user)
        bans = self.parse(text, section if section is not None else src.section, source)
        return demote(bans, self.objections(bans))

    def parse(self, text: str, section: str | None, source: ListSource | None = None) -> BanList:
        """A text of this source's list, in its sanction's shape (a restriction is a table with Groups and Wikis)."""
        return parse(text, section=section, source=source, user_column=self.source.user_column,
                     restrictions=self.source.restricts)

    def objections(self, bans: BanList) -> dict[str, str]:
        """The cross-check of one list revision (1 + ⌈N/50⌉ requests), kept in the journal per revision so a
        steady-state run pays nothing for it."""
        from banbot.wiki.pages import interwiki_rows, rendered_html, resolve_names

        src = bans.source
        if src.revid is None:
            return {}
        known = self.journal.list_check(src.location, src.title, src.revid, bans.section) if self.journal else None
        if known is not None:
            return known
        client = self.farm[src.location]
        names = [e.user for e in bans.active]
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
        """The entries a new list revision added or whose rows it changed, when every other entry was read and
        found settled less than ``run.verify_every_hours`` ago: only those need reading now (the rails and the
        provenance of every entry are checked all the same). None: a full pass is needed."""
        hours = self.config.verify_every_hours
        src = bans.source
        if self.journal is None or hours <= 0 or src.kind != "wiki":
            return None
        base = self.journal.settled_base(src.location, src.title)
        if base is None or base[0] == src.revid or _age_s(base[2]) >= hours * 3600:
            return None
        before = set(base[1])
        known = self.journal.origins(src.location, str(src.title), bans.section)
        changed = [e.user for e in bans.active  # held for their origin: shown again, at no cost (never read)
                   if e.user not in before or e.user not in known or known[e.user].doubt
                   or known[e.user].row != lines_of(e.text).strip("\n")]
        self.changed = (changed, base[2])
        return changed
