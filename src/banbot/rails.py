"""The rails of one source, against the farm: who edited the list since it was last applied, who wrote each
entry's row, whether the kill switch says run (the application side of :mod:`banbot.safety`, whose rules
are pure). Each source's revision, trust and baseline are its own; the kill switch is the farm's."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from banbot.actions import Plan
from banbot.banlist import BanList, ListSource
from banbot.config import Config, FarmMode, SafetyConfig, Source
from banbot.errors import InputError, WikiError
from banbot.journal import Journal
from banbot.safety import Blocker, ListHistory, SwitchPage, kill_switch_blocker, trust_blockers
from banbot.wiki.session import Farm

SWITCH_MAX_AGE_S = 10.0  # a stop written on the wiki during a run takes effect within this many seconds

Parser = Callable[[str, "str | None", "ListSource | None"], BanList]


class Rails:
    """What holds one source's plan back, read once a run (the editors' groups and the vetting are cached)."""

    def __init__(self, config: Config, source: Source, farm: Farm, journal: Journal | None, parse: Parser) -> None:
        self.config, self.source, self.farm, self.journal, self.parse = config, source, farm, journal, parse
        self._switch: tuple[float, SwitchPage] | None = None  # the last reading and when (monotonic)
        self._trusted: dict[tuple[str, tuple[str, ...]], bool] = {}  # (editor, groups) checked in this run
        self._doubts: dict[tuple[str, str | None, int | None, str | None], dict[str, str]] = {}

    @property
    def safety(self) -> SafetyConfig:
        """The safety rules for this source's list: its own trusted groups, when it names them."""
        groups = self.source.trusted_groups
        return self.config.safety if groups is None else dataclasses.replace(self.config.safety, trusted_groups=groups)

    def check(self, bans: BanList, plan: Plan) -> list[Blocker]:
        """Every rule that holds this plan back, the kill switch first."""
        history = self.list_history(bans) if bans.source.kind == "wiki" else None
        last = self.last_applied(bans)
        found = trust_blockers(bans, plan, self.safety, history=history, last_applied=last[1] if last else None)
        switch = self.kill_switch()
        return ([switch] if switch else []) + found

    def last_applied(self, bans: BanList) -> tuple[int | None, list[str]] | None:
        return self.journal.last_applied(bans.source.location, bans.source.title) if self.journal else None

    def kill_switch(self, max_age_s: float = SWITCH_MAX_AGE_S) -> Blocker | None:
        """Read before the first write and again once older than ``max_age_s``; fails closed on any error, on
        missing protection and on a last change of its text by anyone untrusted."""
        from banbot.wiki.trust import read_switch

        cfg = self.config.safety
        if not cfg.kill_switch:
            return None
        try:
            if self._switch is None or time.monotonic() - self._switch[0] > max_age_s:
                self._switch = (time.monotonic(), read_switch(self.farm.central, cfg.kill_switch))
            page = self._switch[1]
            trusted = self.trusted([page.user] if page.user and page.text is not None else [])
        except WikiError as e:
            return kill_switch_blocker(cfg, None, error=f"{e.code}: {e.info}")
        return kill_switch_blocker(cfg, page, trusted=trusted)

    def trusted(self, names: Sequence[str], client_db: str | None = None,
                groups: Sequence[str] | None = None) -> frozenset[str]:
        """The editors among ``names`` in ``groups`` (default: safety.trusted_groups; global groups too on
        CentralAuth farms). A list's editors are checked against its source's groups (:attr:`safety`)."""
        from banbot.wiki.trust import trusted_editors

        wanted = tuple(self.config.safety.trusted_groups if groups is None else groups)
        todo = [n for n in names if (n, wanted) not in self._trusted]
        if todo and wanted:
            central = self.farm.central if self.config.mode == FarmMode.CENTRALAUTH else None
            found = trusted_editors(self.farm[client_db or self.config.central], central, todo, wanted)
            self._trusted.update({(n, wanted): n in found for n in todo})
        return frozenset(n for n in names if self._trusted.get((n, wanted)))

    def doubts(self, bans: BanList) -> dict[str, str]:
        """Why each active entry whose row is not all trusted editors' work may not be acted on
        (:mod:`banbot.vetting`); once per list revision and run."""
        from banbot import vetting

        src = bans.source
        key = (src.location, src.title, src.revid, bans.section)
        if key not in self._doubts:
            if src.kind != "wiki" or not self.safety.trusted_groups:
                self._doubts[key] = {}
            else:
                groups = self.safety.trusted_groups
                self._doubts[key] = vetting.origins(bans, self.farm[src.location], self.journal,
                                                    lambda names: self.trusted(names, src.location, groups))
        return self._doubts[key]

    def _list_editors(self, names: Sequence[str], src: ListSource) -> frozenset[str]:
        return self.trusted(names, src.location, self.safety.trusted_groups) if names else frozenset()

    def list_history(self, bans: BanList) -> ListHistory:
        """Every revision since the last applied one, who made it, what the untrusted ones added, and the
        entries new since then whose rows trusted editors did not write."""
        from banbot.wiki.trust import revision_texts, revisions_after

        src = bans.source
        last = self.last_applied(bans)
        since = last[0] if last else None
        if since is not None and since == src.revid:
            return ListHistory(since)  # the baseline itself: vetted (or overridden after review) when applied
        if since is None or src.revid is None or since > src.revid:
            return ListHistory(None, trusted=self._list_editors([src.user] if src.user else [], src))
        client = self.farm[src.location]
        revs, since_sha1 = revisions_after(client, str(src.title), since, src.revid)
        history = ListHistory(since, since_sha1, tuple(revs))
        before = set(last[1]) if last else set()
        editors = sorted({r.user for r in history.changed() if r.user})
        history = dataclasses.replace(history, trusted=self._list_editors(editors, src),
                                      doubts={n: d for n, d in self.doubts(bans).items() if n not in before})
        suspect = history.untrusted()
        if not suspect:
            return history
        texts = revision_texts(client, [r.revid for r in suspect] + [r.parentid for r in suspect if r.parentid])
        added: dict[int, tuple[str, ...] | None] = {}
        for r in suspect:
            after = self._active_in(texts.get(r.revid), bans)
            prior = self._active_in(texts.get(r.parentid), bans) if r.parentid else set()
            added[r.revid] = None if after is None else tuple(sorted(after - (prior or set())))
        return dataclasses.replace(history, added=added)

    def _active_in(self, text: str | None, bans: BanList) -> set[str] | None:
        if text is None:
            return None
        try:
            old = self.parse(text, bans.section if bans.section is not None else self.source.section, None)
        except InputError:
            return None
        return {e.user for e in old.active}
