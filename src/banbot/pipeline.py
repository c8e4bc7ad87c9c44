"""The steps every command shares: read the list, observe the farm, make the plan.

Thin glue between the pure core (banlist, plan) and the adapters (wiki); the CLI calls these.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from banbot.banlist import BanList, ListSource, parse
from banbot.config import Config
from banbot.crosscheck import demote, objections, read_rendered
from banbot.errors import InputError, PlanRejected, SourceUnreadable
from banbot.journal import Journal
from banbot.plan import Plan, PlanSettings, make_plan, plan_from_json
from banbot.safety import Blocker, ListHistory, SwitchPage, kill_switch_blocker, trust_blockers

log = logging.getLogger(__name__)


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


def list_from_file(path: str | Path, section: str | None, user_column: str | None = None) -> BanList:
    return parse(read_text_file(path), section=section, source=ListSource("file", str(path)), user_column=user_column)


def list_from_wiki(farm: Any, config: Config, page: str | None = None, section: str | None = None,
                   journal: Journal | None = None) -> BanList:
    """The list at its current revision, checked against what MediaWiki renders and resolves (see
    :mod:`banbot.crosscheck`; once per revision when a journal remembers the outcome)."""
    import time

    from banbot.wiki.pages import read_ban_page

    client = farm[config.list_wiki]
    switch = config.safety.kill_switch
    also = (switch,) if switch and config.list_wiki == config.central and switch != (page or config.list_page) else ()
    text, source, extras = read_ban_page(client, page or config.list_page, also)
    for title, read in extras.items():
        farm.prefetched[(config.list_wiki, title)] = (time.monotonic(), read)
    log.info("list: read %s revision %s by %s", source.title, source.revid, source.user)
    bans = parse(text, section=section if section is not None else config.list_section, source=source,
                 user_column=config.user_column)
    return demote(bans, _objections(client, bans, journal))


def _objections(client: Any, bans: BanList, journal: Journal | None) -> dict[str, str]:
    """The cross-check of one list revision: its rendered HTML and MediaWiki's resolution of every active
    name (1 + ⌈N/50⌉ requests), remembered per revision so a steady-state run pays nothing for it."""
    from banbot.wiki.pages import rendered_html, resolve_names

    src = bans.source
    key = f"cross-check:{src.location}:{src.title}:{src.revid}:{bans.section or ''}"
    known = journal.recall(key) if journal else None
    if known is not None:
        reasons: dict[str, str] = json.loads(known)
        return reasons
    if src.revid is None:
        return {}
    names = [e.user for e in bans.active]
    rendered = read_rendered(rendered_html(client, src.revid))
    reasons = objections(bans, rendered, resolve_names(client, names) if names else {})
    if journal is not None:
        journal.remember(key, json.dumps(reasons, ensure_ascii=False))
    if reasons:
        log.warning("list: %d entries are not what readers see or MediaWiki resolves; reported as problems",
                    len(reasons))
    return reasons


def settings(config: Config, farm: Any) -> PlanSettings:
    try:
        bot = farm.central.site.username()
    except Exception:  # a site without a configured user: no bot name to exempt beyond the config
        bot = None
    return PlanSettings(mode=config.mode, central=config.central, wikis=tuple(config.wikis),
                        langs={db: w.lang for db, w in config.wikis.items()}, enforce=config.enforce,
                        list_link=config.list_link, bot_name=str(bot) if bot else None,
                        permalink_prefix=config.permalink_prefix)


def build_plan(farm: Any, config: Config, bans: BanList, journal: Journal | None,
               only: list[str] | None = None, states: dict[str, Any] | None = None) -> Plan:
    from banbot.observe import observe
    from banbot.wiki.accounts import CentralAuthAccounts, accounts_for

    s = settings(config, farm)
    names = [e.user for e in bans.active if only is None or e.user in only]
    settled = journal.settled_users() if journal else set()
    key = f"has-globalusers:{config.central}"  # whether the batch lock read exists: asked once a day
    known = journal.recall(key, max_age_s=86400) if journal else None
    accounts = accounts_for(farm, batch=None if known is None else known == "yes")
    observed = states if states is not None else observe(farm, names, s, settled, accounts)
    if journal is not None and known is None and isinstance(accounts, CentralAuthAccounts) and names:
        journal.remember(key, "yes" if accounts.has_batch() else "no")
    completed = journal.completed() if journal else {}
    pending = [r.key for r in journal.pending()] if journal else []
    return make_plan(bans, observed, s, only=only, completed=completed, pending=pending)


SWITCH_MAX_AGE_S = 10.0  # a stop written on the wiki during a run takes effect within this many seconds


def kill_switch(farm: Any, config: Config, max_age_s: float = SWITCH_MAX_AGE_S) -> Blocker | None:
    """The on-wiki kill switch (read with the list when it lives on the same wiki, and again once it is
    more than ``max_age_s`` old); fail closed on any error, on missing protection, on an untrusted editor."""
    import time

    from banbot.errors import WikiError
    from banbot.wiki.trust import read_switch

    cfg = config.safety
    if not cfg.kill_switch:
        return None
    key = (config.central, cfg.kill_switch)
    cached = farm.prefetched.get(key)
    if cached is not None and time.monotonic() - cached[0] <= max_age_s:
        page: SwitchPage = cached[1]
    else:
        try:
            page = read_switch(farm.central, cfg.kill_switch)
        except WikiError as e:
            return kill_switch_blocker(cfg, None, error=f"{e.code}: {e.info}")
        farm.prefetched[key] = (time.monotonic(), page)
    try:
        trusted = _trusted(farm, config, [page.user] if page.user and page.text is not None else [])
    except WikiError as e:
        return kill_switch_blocker(cfg, None, error=f"{e.code}: {e.info}")
    return kill_switch_blocker(cfg, page, trusted=trusted)


def _trusted(farm: Any, config: Config, names: list[str], client: Any = None) -> frozenset[str]:
    """Editors in safety.trusted_groups (global groups too on CentralAuth farms); asked once per run."""
    from banbot.wiki.trust import trusted_editors

    groups = config.safety.trusted_groups
    known: dict[str, bool] = farm.prefetched.setdefault(("trusted", ""), (0.0, {}))[1]
    todo = [n for n in names if n not in known]
    if todo and groups:
        central = farm.central if config.mode == "centralauth" else None
        found = trusted_editors(client or farm.central, central, todo, groups)
        known.update({n: n in found for n in todo})
    return frozenset(n for n in names if known.get(n))


def list_history(farm: Any, config: Config, bans: BanList, journal: Journal | None) -> ListHistory:
    """Every revision of the list since the last applied one, who made it, and what the untrusted ones added."""
    from banbot.wiki.trust import revision_texts, revisions_after

    src = bans.source
    last = journal.last_applied(src.location, src.title) if journal else None
    since = last[0] if last else None
    client = farm[src.location]
    if since is None or src.revid is None or since >= src.revid:
        editors = [src.user] if src.user else []
        return ListHistory(None, trusted=_trusted(farm, config, editors, client) if editors else frozenset())
    revs, since_sha1 = revisions_after(client, src.title, since, src.revid)
    history = ListHistory(since, since_sha1, tuple(revs))
    editors = sorted({r.user for r in history.changed() if r.user})
    history = dataclasses.replace(history, trusted=_trusted(farm, config, editors, client))
    suspect = history.untrusted()
    if not suspect:
        return history
    texts = revision_texts(client, [r.revid for r in suspect] + [r.parentid for r in suspect if r.parentid])
    added: dict[int, tuple[str, ...] | None] = {}
    for r in suspect:
        after = _active_in(texts.get(r.revid), bans, config, client)
        before = _active_in(texts.get(r.parentid), bans, config, client) if r.parentid else set()
        added[r.revid] = None if after is None else tuple(sorted(after - (before or set())))
    return dataclasses.replace(history, added=added)


def _active_in(text: str | None, bans: BanList, config: Config, client: Any) -> set[str] | None:
    if text is None:
        return None
    try:
        old = parse(text, section=bans.section if bans.section is not None else config.list_section,
                    user_column=config.user_column)
    except InputError:
        return None
    return {e.user for e in old.active}


def rails(farm: Any, config: Config, bans: BanList, plan: Plan, journal: Journal | None) -> list[Blocker]:
    """Every rule that holds this plan back, the kill switch first."""
    history = list_history(farm, config, bans, journal) if bans.source.kind == "wiki" else None
    last = journal.last_applied(bans.source.location, bans.source.title) if journal else None
    found = trust_blockers(bans, plan, config.safety, history=history, last_applied=last[1] if last else None)
    switch = kill_switch(farm, config)
    return ([switch] if switch else []) + found


def load_plan_file(path: str | Path) -> Plan:
    """A plan file, checked against its own digest: edited, truncated or foreign files are refused."""
    text = read_text_file(path)
    try:
        data = json.loads(text)
        claimed = data["digest"]
        plan = plan_from_json(data)
    except (ValueError, KeyError, TypeError) as e:
        raise PlanRejected(f"{path} is not a banbot plan ({type(e).__name__}: {e}); make one with "
                           "`banbot plan --out PLAN.json`") from None
    if plan.digest != claimed:
        raise PlanRejected(f"{path} does not match its digest (it was edited or truncated); re-plan and review again")
    return plan


def check_same(reviewed: Plan, fresh: Plan) -> None:
    if reviewed.source.revid != fresh.source.revid or reviewed.source.title != fresh.source.title:
        raise PlanRejected(f"the ban list changed since the plan was made (revision {reviewed.source.revid} → "
                           f"{fresh.source.revid}); re-plan and review again")
    if reviewed.digest != fresh.digest:
        raise PlanRejected("the farm changed since the plan was made (a fresh plan has digest "
                           f"{fresh.digest[:12]}…, the reviewed one {reviewed.digest[:12]}…); re-plan and review again")
