"""The application layer: one place that owns a run (octoDNS's ``Manager``).

An :class:`App` is built once per command from the config, the farm and the journal. It reads the list,
observes the farm, plans, checks the safety rails and applies; every command is options → one call here →
render. Every command that writes goes through :func:`write` in one fixed order:

    lock → journal → read → plan → rails → show what holds it back → confirm → apply

and ``apply``, ``run`` and ``enforce`` differ only in their :class:`Policy`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from banbot.actions import Action, Plan, plan_from_json
from banbot.banlist import BanEntry, BanList, ListSource, Protection, parse
from banbot.config import RESTRICT_REASON, Config, EnforceConfig, FarmMode, SanctionKind, Source
from banbot.enforce import KILL_SWITCH, Gateway, Report, apply_plan
from banbot.errors import BanbotError, ConfigError, JournalError, PlanRejected, SourceUnreadable, UnsafeRun, WikiError
from banbot.exits import Exit
from banbot.journal import Journal, Status
from banbot.links import ListLink, article_url, leads_to
from banbot.names import InvalidName, normalize
from banbot.plan import PlanSettings, make_plan
from banbot.rails import Rails
from banbot.results import Results, results
from banbot.runlock import RunLock
from banbot.safety import Blocker
from banbot.sources import SourceReader
from banbot.state import AccountState
from banbot.wiki.session import Farm, open_farm

log = logging.getLogger(__name__)



class Command(StrEnum):
    APPLY = "apply"
    RUN = "run"
    ENFORCE = "enforce"


@dataclass(frozen=True)
class Policy:
    """All that tells ``apply``, ``run`` and ``enforce`` apart."""

    command: Command
    force: bool = False  # --force: the rules that allow it are overridden (after review)
    reviewed: bool = False  # a reviewed plan (--plan / --digest) lifts the first-run rule
    confirm: bool = False  # ask the operator before anything is written
    init_journal: bool = False  # --init-journal: a missing or empty journal may be created
    requested_by: str | None = None  # enforce: who asked
    why: str | None = None  # enforce: why
    alone: bool = False  # a steward confirming at a terminal: approval.allow_interactive lets them act alone


class Interaction(Protocol):
    """What the operator sees and answers during a write: the command line supplies it."""

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None: ...

    def confirm(self, plan: Plan) -> bool: ...

    def progress(self, done: int, total: int, action: Action) -> None: ...


class Quiet:
    """No operator at hand (cron, tests): show nothing, never confirm."""

    def show(self, bans: BanList, plan: Plan, blockers: Sequence[Blocker]) -> None:
        return None

    def confirm(self, plan: Plan) -> bool:
        return False

    def progress(self, done: int, total: int, action: Action) -> None:
        return None


@dataclass(frozen=True)
class Written:
    """What a write run produced, for the command to render."""

    bans: BanList
    plan: Plan
    blockers: tuple[Blocker, ...]
    report: Report


def read_text_file(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise SourceUnreadable(f"cannot read {p}: {e.strerror}") from None
    if b"\x00" in raw:
        raise SourceUnreadable(f"{p} is binary, not wikitext (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceUnreadable(f"{p} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None


def list_from_file(path: str | Path, section: str | None, user_column: str | None = None,
                   restrictions: bool = False) -> BanList:
    return parse(read_text_file(path), section=section, source=ListSource("file", str(path)), user_column=user_column,
                 restrictions=restrictions)


def canonical_names(raw_names: Sequence[str] | None) -> list[str] | None:
    """Names typed on the command line, as MediaWiki resolves them (an invalid one is a usage error)."""
    if not raw_names:
        return None
    out = []
    for raw in raw_names:
        name = normalize(raw)
        if isinstance(name, InvalidName):
            raise ConfigError(f"{raw!r}: {name.reason}")
        out.append(name)
    return out


class App:
    """One run: the config, the farm and the journal, and every step a command takes."""

    def __init__(self, config: Config, farm: Farm, journal: Journal | None, source: Source | None = None) -> None:
        self.config = config
        self.source = source or config.sources[0]  # the list this run reads, vets and enforces
        self.farm = farm
        self.journal = journal
        self.stopping = threading.Event()  # set by a signal handler: stop before the next write
        self._mode_checked = False
        self._link: ListLink | None = None  # how reasons and notices link the list, checked once a run
        self.observed: dict[str, AccountState] | None = None  # what the last plan() planned from
        self.reader = SourceReader(config, self.source, farm, journal)  # the list (banbot.sources)
        self.vetting = Rails(config, self.source, farm, journal, self.reader.parse)  # its rails (banbot.rails)

    def for_source(self, source: Source) -> App:
        """An App for another source of the same config, on the same farm and journal (its sessions shared)."""
        return self if source == self.source else App(self.config, self.farm, self.journal, source)

    # --- the list: banbot.sources reads it, banbot.rails vets it -------------------------------------
    def read_list(self, page: str | None = None, section: str | None = None) -> BanList:
        """The list at its current revision, checked against what MediaWiki renders and resolves."""
        return self.reader.read(page, section)

    @property
    def quiet_since(self) -> str | None:
        """When :meth:`unchanged` found this revision applied and settled (None: a full pass)."""
        return self.reader.quiet_since

    def unchanged(self, bans: BanList) -> str | None:
        return self.reader.unchanged(bans)

    def changes_only(self, bans: BanList) -> list[str] | None:
        return self.reader.changes_only(bans)

    @property
    def verification(self) -> str | None:
        """How this pass verified the accounts it did not read (the logs), or why it read them all."""
        return self.reader.verification

    def doubts(self, bans: BanList) -> dict[str, str]:
        return self.vetting.doubts(bans)

    def rails(self, bans: BanList, plan: Plan) -> list[Blocker]:
        return self.vetting.check(bans, plan)

    def kill_switch(self) -> Blocker | None:
        return self.vetting.kill_switch()

    def trusted(self, names: Sequence[str], client_db: str | None = None,
                groups: Sequence[str] | None = None) -> frozenset[str]:
        return self.vetting.trusted(names, client_db, groups)

    def request(self, name: str, requested_by: str) -> BanList:
        """A steward's request for one account, standing in for the list (``banbot enforce``)."""
        source = ListSource("request", requested_by, title=f"request by {requested_by}")
        return BanList(source, None, (BanEntry(name, None, False, 0, f"banbot enforce {name}"),), ())

    # --- the farm and the plan -------------------------------------------------------------------
    def settings(self) -> PlanSettings:
        cfg, src = self.config, self.source
        bot = self.farm.central.username()
        link = self.list_link()
        enforce = self.enforce_rules()
        enforce = dataclasses.replace(enforce, reason=link.template(enforce.reason),
                                      notices={lang: link.template(t) for lang, t in enforce.notices.items()})
        return PlanSettings(mode=cfg.mode, central=cfg.central, wikis=tuple(cfg.wikis),
                            langs={db: w.lang for db, w in cfg.wikis.items()}, enforce=enforce,
                            list_link=link.list_link, bot_name=bot, permalink_prefix=link.permalink_prefix,
                            sanction=src.sanction, source=src.name if len(cfg.sources) > 1 else "")

    def enforce_rules(self) -> EnforceConfig:
        """[enforce] as this source's sanction reads it: a restriction posts no notice unless its source says
        so, and has its own default reason; a source's notify, reason and notices override [enforce]'s."""
        src, enf = self.source, self.config.enforce
        restricts = src.sanction == SanctionKind.RESTRICT
        notify = src.notify if src.notify is not None else (enf.notify and not restricts)
        reason = src.reason or (RESTRICT_REASON if restricts else enf.reason)
        return dataclasses.replace(enf, notify=notify, reason=reason, notices=src.notices or enf.notices,
                                   notice_title=src.notice_title or enf.notice_title)

    def list_link(self) -> ListLink:
        """How reasons and notices link the list from any wiki (:mod:`banbot.links`), checked once a run: the
        list wiki's own address from its siteinfo (no request once cached), or ``list.link_prefix`` as the
        farm's interwiki table knows it (one request on the central wiki, and on the list wiki if another)."""
        if self._link is not None:
            return self._link
        from banbot.wiki.pages import interwiki_map

        cfg, src = self.config, self.source
        article = article_url(self.farm[src.wiki].siteinfo())
        if article is None:
            raise ConfigError(f"{src.wiki}'s siteinfo gives no address for its pages (server and articlepath), "
                              "so reasons and notices cannot link the list from other wikis; set list.link_prefix to "
                              "the farm's interwiki prefix for it (e.g. \"m:\")")
        if not src.link_prefix:
            self._link = ListLink(src.page, article=article)
            return self._link
        for db in dict.fromkeys([cfg.central, src.wiki]):
            wrong = leads_to(interwiki_map(self.farm[db]), src.link_prefix, article)
            if wrong is not None:
                raise ConfigError(f"list.link_prefix = {src.link_prefix!r} does not lead to {src.wiki} on {db}: "
                                  f"its interwiki table sends it to {wrong}, not {article}; set the prefix the farm's "
                                  "interwiki table has for the list wiki, or leave list.link_prefix empty to link by "
                                  "address")
        self._link = ListLink(src.page, prefix=src.link_prefix)
        return self._link

    def check_mode(self) -> None:
        """The farm must be what the config says: a CentralAuth config against a wiki without CentralAuth would
        call every account missing (a cron job green while enforcing nothing); a plain config on a CentralAuth
        farm would treat global accounts as separate ones.

        Read from the central wiki's live siteinfo (core: no CentralAuth parameter, nothing a plain wiki warns
        about, and no request when it rode along with this run's first query); only a CentralAuth config whose
        wiki does not list CentralAuth there asks ``meta=globaluserinfo`` (a stand-in that answers it)."""
        from banbot.wiki.centralauth import lists_centralauth, runs_centralauth

        if self._mode_checked or (self.config.mode == FarmMode.PLAIN and self.config.ignore_centralauth):
            return
        has = lists_centralauth(self.farm.central)
        if self.config.mode == FarmMode.CENTRALAUTH and not has:
            has = runs_centralauth(self.farm.central)
        db = self.config.central
        if self.config.mode == FarmMode.CENTRALAUTH and not has:
            raise ConfigError(f"farm.mode = \"centralauth\", but {db}'s API does not answer CentralAuth "
                              "(meta=globaluserinfo); on a farm without global accounts set farm.mode = \"plain\"")
        if self.config.mode == FarmMode.PLAIN and has:
            raise ConfigError(f"farm.mode = \"plain\", but {db} runs CentralAuth (accounts are global there); set "
                              "farm.mode = \"centralauth\" so accounts are locked and read as global accounts (or, "
                              "to enforce with local blocks only on purpose, farm.ignore_centralauth = true)")
        self._mode_checked = True

    def observe(self, names: Sequence[str], s: PlanSettings | None = None) -> dict[str, AccountState]:
        from banbot.observe import observe

        self.check_mode()
        from banbot.sanctions import SANCTIONS

        lock_settles = SANCTIONS[self.source.sanction].lock_settles
        settled = self.journal.settled_users() if self.journal and lock_settles else set()
        return observe(self.farm, list(names), s or self.settings(), settled)

    def plan(self, bans: BanList, only: Sequence[str] | None = None, s: PlanSettings | None = None,
             sealed: Mapping[str, Any] | None = None) -> Plan:
        """The plan for ``bans`` from the farm as it is now. ``sealed``: a reviewed plan file's observations
        (:mod:`banbot.sealed`); where they verify, only the accounts the logs name since are read again."""
        s = s or self.settings()
        self.check_mode()
        doubts = self.doubts(bans)
        names = [e.user for e in bans.active if (only is None or e.user in only) and e.user not in doubts]
        observed = self._by_change(bans, names, s, sealed) if sealed is not None else None
        observed = observed if observed is not None else self.observe(names, s)
        self.observed = observed
        if self.config.mode == FarmMode.CENTRALAUTH:  # the wikis a verification reads the logs of
            self.reader.seen_wikis |= {a.wiki: a.url or "" for st in observed.values() for a in st.local}
        completed = self.journal.completed() if self.journal else {}
        pending = [r.key for r in self.journal.pending()] if self.journal else []
        return make_plan(bans, observed, s, only=only, completed=completed, pending=pending, doubts=doubts)

    def _seal_basis(self, bans: BanList) -> list[Any]:
        src = bans.source
        return [src.location, src.title, src.revid, bans.section, str(self.config.mode), self.config.central]

    def sealed_observations(self, bans: BanList) -> dict[str, Any] | None:
        """What the last :meth:`plan` read, sealed for a reviewed apply (None: a list read from a file, or no
        key can be made beside the journal; the apply then re-reads every account). Hidden accounts are left
        out (apply reads them again)."""
        from banbot.sealed import load_key, seal

        if bans.source.kind != "wiki" or self.reader.started is None or self.observed is None:
            return None
        key = load_key(self.config.journal, create=True)
        if key is None:
            log.info("plan: no plan key beside the journal (%s): apply --plan will re-read every account",
                     self.config.journal)
            return None
        # a hidden account's state (its wikis, groups, registration) stays out of a file reviewers may be handed:
        # apply reads it again
        return seal({n: st for n, st in self.observed.items() if not st.hidden}, self.reader.started,
                    self._seal_basis(bans), key)

    def _by_change(self, bans: BanList, names: list[str], s: PlanSettings,
                   sealed: Mapping[str, Any]) -> dict[str, AccountState] | None:
        """A reviewed plan's observations brought up to date by what the logs name since they were read (None:
        they cannot be trusted or proven current, and every account is read)."""
        from banbot.drift import Unprovable
        from banbot.sealed import Unsealed, load_key, unseal
        from banbot.sources import LOG_OVERLAP_S, _age_s, _earlier

        try:
            made_at, recorded = unseal(sealed, self._seal_basis(bans), load_key(self.config.journal, create=False))
            age = _age_s(made_at)
            if not -60 < age < self.config.verify_every_hours * 3600:  # ahead of our clock: never our own reads
                raise Unsealed(f"its reads began {made_at}, not within run.verify_every_hours before now")
            seen = {a.wiki: a.url or "" for st in recorded.values() for a in st.local}
            since = _earlier(made_at, LOG_OVERLAP_S)
            unlocked = sum(1 for st in recorded.values() if st.exists and not st.locked)  # read in detail anyway
            logged, wikis, entries = self.reader.logged(since, names, seen, detail=unlocked)
        except (Unsealed, Unprovable, BanbotError) as e:
            log.info("plan: reading every account: %s", e)
            return None
        again = [n for n in names if n in logged or n not in recorded]
        log.info("plan: the reviewed plan's reads of %s, brought up to date from the logs since %s on %d wikis "
                 "(%d entries): %d of %d accounts read again", made_at, since, wikis, entries, len(again), len(names))
        fresh = self.observe(again, s) if again else {}
        self.reader.full_at = made_at  # every account was read then, and the logs cover the time since
        return {n: fresh[n] if n in fresh else recorded[n] for n in names}

    def listed_only(self, bans: BanList, raw_names: Sequence[str] | None) -> list[str] | None:
        only = canonical_names(raw_names)
        if only is None:
            return None
        listed = {e.user for e in bans.active}
        unlisted = [u for u in only if u not in listed]
        if unlisted:
            raise ConfigError(f"not active on the ban list: {', '.join(unlisted)}; use `banbot enforce NAME "
                              "--reason` for an account that is not listed")
        return only

    # --- applying --------------------------------------------------------------------------------
    def apply(self, bans: BanList, plan: Plan, policy: Policy,
              progress: Callable[[int, int, Action], None] | None = None) -> Report:
        """Apply ``plan``; the list revision is remembered as applied when the plan covered all of it."""
        if self.journal is None:
            raise JournalError("applying needs the journal")

        def guard() -> str | None:
            blocker = self.kill_switch()
            return blocker.message if blocker else None

        active = [e.user for e in bans.active]
        changed = self.reader.changed
        partial = changed is not None and set(plan.users) == set(changed[0])
        report = apply_plan(plan, self.gateway(), self.journal, command=str(policy.command),
                            requested_by=policy.requested_by, why=policy.why, progress=progress, record_list=False,
                            guard=guard if plan.actions else None, stopping=self.stopping.is_set)
        whole = set(plan.users) == set(active)
        if bans.source.kind == "wiki" and (whole or partial) and not report.stopped and \
                not any(o.code == KILL_SWITCH for o in report.outcomes):
            settled = not report.failed and not any(o.status == Status.SKIPPED for o in report.outcomes)
            verified = changed[1] if partial and not whole and changed else None
            self.journal.record_applied(bans.source.location, bans.source.title, bans.source.revid, active,
                                        settled=settled, verified=verified)
            if settled:  # what the next verification reads the logs from (banbot.drift)
                self.reader.remember_verification(full=whole and changed is None)
        return report

    def second_person(self, bans: BanList, plan: Plan, policy: Policy) -> str | None:
        """The two-person rule (:mod:`banbot.approval`): None when the plan needs no second person; the approver
        when a trusted user other than the proposer and the entries' writers approved this very digest;
        otherwise the plan is posted (once per digest, again after an approval expired) and held."""
        from banbot import approval, render
        from banbot.errors import AwaitingApproval
        from banbot.wiki.approvals import post_proposal, read_approval_page

        cfg, journal = self.config.approval, self.journal
        if not cfg.enabled or not plan.actions or journal is None or (policy.alone and cfg.allow_interactive):
            return None
        listed = self.listed_applied()
        why = approval.reasons(actions=len(plan.actions), above_actions=cfg.above_actions, first_run=cfg.first_run,
                               first_of_list=bans.source.kind == "wiki" and self.vetting.last_applied(bans) is None,
                               enforce_unlisted=cfg.enforce_unlisted,
                               unlisted=policy.command == Command.ENFORCE and not set(plan.users) <= listed)
        if not why:
            return None
        bot = self.farm.central.username() or "banbot"
        proposer = policy.requested_by or bot
        client = self.farm[self.source.wiki]
        prop = journal.proposal(plan.digest)
        short = f"[{AwaitingApproval.rule}] plan {plan.digest[:12]}"
        if prop is not None and prop.state == approval.State.REJECTED:
            raise AwaitingApproval(f"{short} was rejected by {prop.decided_by} on {prop.page}; not applied")
        if prop is not None and prop.state != approval.State.EXPIRED:
            page = read_approval_page(client, cfg.page, prop.posted_revid)
            authors = sorted({v.user for v in approval.attributed(page, plan.digest) if v.user})
            writers = {w.user for name, v in journal.origins(bans.source.location, str(bans.source.title),
                                                             bans.section).items() if name in plan.users
                       for w in v.origin.chain if w.user} if bans.source.kind == "wiki" else set()
            excluded = writers | {proposer, prop.proposed_by, bot} | ({bans.source.user} if bans.source.user else set())
            d = approval.decide(page, plan.digest, trusted=self.trusted(authors, self.source.wiki),
                                excluded=excluded, require_protection=self.config.safety.require_protection,
                                expires_hours=cfg.expires_hours)
            log.info("approval: plan %s on %s: %s", plan.digest[:12], cfg.page, d.describe())
            if d.state == approval.State.APPROVED:
                journal.record_decision(plan.digest, str(d.state), d.by, d.revid)
                return d.by
            if d.state != approval.State.EXPIRED:
                if d.state == approval.State.REJECTED:
                    journal.record_decision(plan.digest, str(d.state), d.by, d.revid)
                raise AwaitingApproval(f"{short} on {cfg.page} (revision {prop.posted_revid}, proposed by "
                                       f"{prop.proposed_by}): {d.describe()}")
            journal.record_decision(plan.digest, str(d.state), d.by, d.revid)
        heading, body = approval.proposal_text(plan.digest, render.plan_wikitext(plan), why, proposer,
                                               f"banbot {policy.command}")
        revid = post_proposal(client, cfg.page, heading, body, f"banbot: plan {plan.digest[:12]} waits for approval")
        journal.record_proposal(plan.digest, cfg.page, revid, proposer, str(policy.command), [str(r) for r in why])
        log.warning("approval: plan %s posted to %s (revision %s), waiting for a second person", plan.digest[:12],
                    cfg.page, revid)
        raise AwaitingApproval(f"{short} posted to {cfg.page} (revision {revid}, proposed by {proposer}): waiting "
                               f"for a second trusted person to approve it ({', '.join(why)})")

    def listed_applied(self) -> set[str]:
        """The active entries of every source's last applied revision: whom the lists, as applied, name."""
        if self.journal is None:
            return set()
        found = (self.journal.last_applied(s.wiki, s.title) for s in self.config.sources)
        return {name for last in found if last for name in last[1]}

    def gateway(self) -> Gateway:
        from banbot.wiki.gateway import WikiGateway

        return WikiGateway(self.farm)

    def save_page(self, title: str, text: str, summary: str) -> int | None:
        """Write one page on the central wiki (the results table): its new revision, None when unchanged."""
        from banbot.wiki.pages import save_page

        revid = save_page(self.farm.central, title, text, summary).get("newrevid")
        return revid if isinstance(revid, int) else None

    # --- what `check` and `watch` ask of the farm: the commands never import banbot.wiki -----------------
    def bot_name(self) -> str | None:
        """The bot's account name as configured on the central wiki (no request)."""
        return self.farm.central.username()

    def signs_with_oauth(self) -> bool:
        """Whether pywikibot signs requests to the central wiki with an OAuth consumer (no request)."""
        from banbot.wiki.identity import oauth

        return oauth(self.config.wikis[self.config.central].api)

    def refused_password(self) -> str | None:
        """Why the central wiki refuses the password in user-password.py (None: it accepts it); a login of its
        own, so saved cookies cannot hide a password that no longer works."""
        from banbot.wiki.identity import refused_password

        return refused_password(self.farm.central, self.config.wikis[self.config.central].api,
                                self.config.user_agent)

    def whoami(self, db: str) -> dict[str, Any]:
        """The bot's rights and groups on one wiki, as its grants narrow them (logging in if need be)."""
        from banbot.wiki.identity import whoami

        return whoami(self.farm[db])

    def can_edit(self, title: str) -> tuple[bool, bool]:
        """Whether a page on the central wiki exists, and whether this login may edit (or create) it."""
        from banbot.wiki.identity import can_edit

        return can_edit(self.farm.central, title)

    def page_protection(self, db: str, title: str) -> tuple[Protection, ...]:
        """A page's protection (one public request)."""
        from banbot.wiki.approvals import page_protection

        return page_protection(self.farm[db], title)

    def emailable(self, names: Sequence[str]) -> list[dict[str, Any]]:
        """``list=users&usprop=emailable`` on the central wiki: whether the wiki will mail each account."""
        data = self.farm.central.call({"action": "query", "list": "users", "ususers": "|".join(names),
                                       "usprop": "emailable"})
        return [dict(u) for u in data["query"]["users"]]

    def latest_revisions(self, db: str, titles: list[str]) -> dict[str, int | None]:
        """The latest revision id of each page on one wiki (None: missing), in one public request."""
        from banbot.wiki.pages import latest_revisions

        return latest_revisions(self.farm[db], titles)

    def requests(self) -> int:
        """banbot's own requests on this App's farm so far (session set-up apart)."""
        return self.farm.counter.total()


def refuse_if_unsafe(blockers: Sequence[Blocker], policy: Policy) -> None:
    """Refuse unless every rule that holds the plan back is overridden: ``force`` overrides the overridable
    ones; a reviewed plan lifts the first-run rule; nothing overrides the kill switch."""
    left = [b for b in blockers if not (policy.reviewed and b.lifted_by_review)]
    hard = [b for b in left if not b.overridable]
    soft = [b for b in left if b.overridable]
    if hard or (soft and not policy.force):
        rules = "; ".join(f"[{b.rule}] {b.message}" for b in hard + soft)
        hint = "" if hard or policy.force else " (after review, --force overrides these rules)"
        raise UnsafeRun(f"not applied, held back by: {rules}{hint}")


def connect(config: Config, journal: Journal | None, *, login: bool, simulate: bool,
            only: list[str] | None = None, source: Source | None = None) -> App:
    """The App of one command (and one source): the farm's sites are opened lazily, on first use."""
    return App(config, open_farm(config, login=login, simulate=simulate, only=only), journal, source)


def selected_sources(config: Config, name: str | None, page: str | None = None) -> tuple[Source, ...]:
    """The sources a command works on: ``--source NAME``, else every one. ``--page`` overrides one list's page,
    so with several sources it needs ``--source``."""
    if name is not None:
        return (config.source(name),)
    if page is not None and len(config.sources) > 1:
        raise ConfigError(f"--page overrides one list's page, but the config has {len(config.sources)} sources "
                          f"({', '.join(s.name for s in config.sources)}): add --source NAME")
    return config.sources


def worst(codes: Sequence[int]) -> Exit:
    """The exit code of a command over several sources: the most serious of theirs (a held source is 3 even
    when the others applied cleanly)."""
    return Exit(max(codes, default=Exit.OK))


@contextmanager
def reading(config: Config, *, login: bool, only: list[str] | None = None,
            source: Source | None = None) -> Iterator[App]:
    """An App for a command that writes nothing: pywikibot's simulation is on, the journal only if it exists."""
    journal = Journal(config.journal) if config.journal.exists() else None
    try:
        yield connect(config, journal, login=login, simulate=True, only=only, source=source)
    finally:
        if journal is not None:
            journal.close()


def write(config: Config, policy: Policy, prepare: Callable[[App], tuple[BanList, Plan]],
          ui: Interaction, stopping: threading.Event | None = None, source: Source | None = None) -> Written:
    """The one lifecycle of every command that writes:
    lock → journal → read → plan → rails → show what holds it back → confirm → apply."""
    with RunLock(config.lock_file):
        journal = Journal.for_writes(config.journal, init=policy.init_journal)
        try:
            app = connect(config, journal, login=True, simulate=False, source=source)
            if stopping is not None:
                app.stopping = stopping
            bans, plan = prepare(app)
            unchanged = app.quiet_since is not None and not plan.users  # vetted and applied before: see unchanged()
            # every revision is vetted, whether or not its plan has actions today: a revision that fails a rail is
            # never recorded as applied, so a row harmless now (an account not registered yet) is never let through
            blockers = () if unchanged else tuple(app.rails(bans, plan))
            ui.show(bans, plan, blockers)
            refuse_if_unsafe(blockers, policy)
            approver = app.second_person(bans, plan, policy)  # the two-person rule: raises while it waits
            if policy.confirm and plan.actions and not ui.confirm(plan):
                raise PlanRejected("not applied: the operator declined")
            if unchanged and not journal.pending():
                report = Report(plan.digest, ())  # unchanged: nothing was read afresh, nothing to settle or record
            else:
                report = app.apply(bans, plan, policy, ui.progress)  # also with nothing to do: settles crashed rows
            if approver is not None:
                journal.record_approved_applied(plan.digest)
        finally:
            journal.close()
    return Written(bans, plan, blockers, report)


@dataclass(frozen=True)
class Reviewed:
    """A reviewed plan file: the plan, and the observations ``plan --out`` sealed into it (:mod:`banbot.sealed`;
    None: it carries none, and apply re-reads every account)."""

    plan: Plan
    sealed: Mapping[str, Any] | None = None


def load_plan_file(path: str | Path) -> Reviewed:
    """A plan file, checked against its own digest: edited, truncated or foreign files are refused."""
    text = read_text_file(path)
    try:
        data = json.loads(text)
        claimed = data["digest"]
        plan = plan_from_json(data)
    except (ValueError, KeyError, TypeError) as e:
        raise PlanRejected(f"{path} is not a banbot plan ({type(e).__name__}: {e}); make one with "
                           "`banbot plan --out PLAN.json`") from None
    changed = [i + 1 for i, (raw, action) in enumerate(zip(data["actions"], plan.actions, strict=True))
               if raw != action.data()]
    if plan.digest != claimed or changed:
        where = f" (action {', '.join(map(str, changed))})" if changed else ""
        raise PlanRejected(f"{path} does not match its digest: it was edited or truncated{where}; re-plan and review "
                           "again")
    sealed = data.get("observed")
    return Reviewed(plan, sealed if isinstance(sealed, dict) else None)


def check_same(reviewed: Plan, fresh: Plan) -> None:
    """Refuse a reviewed plan that is not the plan the wiki gives now, saying what changed (:mod:`plandiff`)."""
    from banbot.plandiff import compare

    changes = compare(reviewed, fresh)
    if changes or reviewed.digest != fresh.digest:
        what = "the ban list" if changes.source else "the farm"
        lines = "".join(f"\n  {line}" for line in changes.lines())
        raise PlanRejected(f"not applied: {what} changed since the plan was made ({changes.summary()}); re-plan "
                           f"and review again. What changed:{lines}", details=changes.data())


class Poll:
    """What `banbot watch` waits on: the latest revisions of every source's list page and the approval page (on
    the lists' wikis) and of the kill switch (on the central wiki), read in one request a wiki. Its sessions
    are long-lived and read-only; each pass opens its own, logged in (:func:`write`)."""

    def __init__(self, config: Config, pages: Mapping[str, Sequence[str]]) -> None:
        self._pages = {db: list(dict.fromkeys(titles)) for db, titles in pages.items() if titles}
        self._sessions = {db: connect(config, None, login=False, simulate=True, only=[db]) for db in self._pages}

    def __call__(self) -> dict[str, int | None]:
        got: dict[str, int | None] = {}
        for db, titles in self._pages.items():
            got |= {f"{db}:{t}": r for t, r in self._sessions[db].latest_revisions(db, titles).items()}
        return got

    def requests(self) -> int:
        """The polls' requests so far (one a poll on each wiki polled)."""
        return sum(s.requests() for s in self._sessions.values())


def keep_sessions() -> None:
    """For a long-running process (``watch``): each pass's farm takes over the sessions, tokens and rights the
    passes before it set up (:func:`banbot.wiki.session.keep_sessions`)."""
    from banbot.wiki.session import keep_sessions as keep

    keep()


def watched_pages(config: Config, sources: Sequence[Source], page: str | None = None) -> dict[str, list[str]]:
    """The pages whose new revision starts a pass of `watch`, by wiki: each source's list, the approval page on
    each list's wiki (an approval starts a pass as a list edit does), and the kill switch."""
    pages: dict[str, list[str]] = {}
    for source in sources:
        pages.setdefault(source.wiki, []).append(page or source.page)
        if config.approval.enabled:
            pages[source.wiki].append(config.approval.page)
    if config.safety.kill_switch:
        pages.setdefault(config.central, []).append(config.safety.kill_switch)
    return pages


@contextmanager
def journaled_run(journal: Journal, command: str, *, why: str,
                  requested_by: str | None = None) -> Iterator[dict[str, Any]]:
    """A write that is no plan's action (a results table, alert lines), journaled as a run of its own: the
    ``runs`` row is opened before the write and finished with the summary the block fills in, also when the
    write fails (then the summary says why, and the error goes on)."""
    summary: dict[str, Any] = {}
    run_id = journal.start_run(command, requested_by=requested_by, why=why)
    try:
        yield summary
    except WikiError as e:
        summary["error"] = f"{e.code}: {e.info}"
        raise
    except Exception as e:
        summary["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        raise
    finally:
        journal.finish_run(run_id, summary)


REPORT_SUMMARY = "banbot: results table"


@dataclass(frozen=True)
class Published:
    """What ``banbot report --publish`` wrote: the results it rendered and the page's new revision (None: the
    page already said so)."""

    results: Results
    text: str
    revid: int | None


def report(config: Config, limit: int) -> tuple[Results, str] | None:
    """What banbot did, per account and wiki, and the wikitext of its results table; None without a journal
    (nothing was ever applied). Reads the journal only."""
    from banbot.render import results_wikitext

    if not config.journal.exists():
        return None
    journal = Journal(config.journal)
    try:
        res = results(journal.history(), limit)
    finally:
        journal.close()
    return res, results_wikitext(res, config.mode == FarmMode.CENTRALAUTH)


def publish_report(config: Config, limit: int, requested_by: str) -> Published:
    """``banbot report --publish``: a write like any other —

        lock → journal → kill switch → read the results → save the page → journal the edit

    The results table is read from the journal under the run lock, so no run changes it in between, and the
    edit is journaled as a run of its own (command ``report``), as alert lines are."""
    from banbot.render import results_wikitext

    if not config.report_page:
        raise ConfigError("report.page is not set: name the status page to publish to, e.g. \"User:BanBot/Status\"")
    where = f"{config.central}:{config.report_page}"
    with RunLock(config.lock_file):
        journal = Journal.for_writes(config.journal)
        try:
            a = connect(config, journal, login=True, simulate=False, only=[config.central])
            refuse_if_unsafe([b for b in [a.kill_switch()] if b], Policy(Command.APPLY))
            res = results(journal.history(), limit)
            text = results_wikitext(res, config.mode == FarmMode.CENTRALAUTH)
            with journaled_run(journal, "report", requested_by=requested_by,
                               why=f"publish the results table to {where}") as summary:
                summary["published"] = None
                revid = a.save_page(config.report_page, text, REPORT_SUMMARY)
                summary |= {"published": where, "revid": revid}
        finally:
            journal.close()
    return Published(res, text, revid)
